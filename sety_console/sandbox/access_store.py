"""Access codes and access logs: status rules, queries, and conversion to contract models."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session

from sety_console.api.models import (
    AccessCode,
    AccessCodeStatus,
    AccessLog,
    AccessLogMethod,
    AccessLogStatus,
    CurrentVisitor,
)

from .clock import from_ms, to_ms
from .paging import fetch_page
from .tables import AccessCodeRow, AccessLogRow


def code_status(row: AccessCodeRow, now_ms: int) -> str:
    """`revoked`, then `used` (no uses left), then `expired` (past `valid_until`), else `active`."""
    if row.revoked_at_ms is not None:
        return "revoked"
    if row.uses >= row.max_uses:
        return "used"
    if now_ms > row.valid_until_ms:
        return "expired"
    return "active"


def _status_condition(status: str, now_ms: int) -> ColumnElement[bool]:
    not_revoked = AccessCodeRow.revoked_at_ms.is_(None)
    uses_left = AccessCodeRow.uses < AccessCodeRow.max_uses
    conditions: dict[str, ColumnElement[bool]] = {
        "revoked": AccessCodeRow.revoked_at_ms.is_not(None),
        "used": and_(not_revoked, AccessCodeRow.uses >= AccessCodeRow.max_uses),
        "expired": and_(not_revoked, uses_left, AccessCodeRow.valid_until_ms < now_ms),
        "active": and_(not_revoked, uses_left, AccessCodeRow.valid_until_ms >= now_ms),
    }
    return conditions.get(status, false())


def code_model(row: AccessCodeRow, now_ms: int) -> AccessCode:
    return AccessCode(
        code_id=row.code_id,
        code=row.code,
        visitor_name=row.visitor_name,
        visitor_phone=row.visitor_phone,
        host_name=row.host_name,
        host_unit=row.host_unit,
        purpose=row.purpose,
        valid_from=from_ms(row.valid_from_ms),
        valid_until=from_ms(row.valid_until_ms),
        max_uses=row.max_uses,
        uses=row.uses,
        status=AccessCodeStatus(code_status(row, now_ms)),
        gate=row.gate,
        created_at=from_ms(row.created_at_ms),
    )


def get_code(session: Session, org_id: str, environment: str, code_id: str) -> AccessCodeRow | None:
    row = session.get(AccessCodeRow, code_id)
    if row is None or row.org_id != org_id or row.environment != environment:
        return None
    return row


def find_code(
    session: Session, org_id: str, environment: str, code: str, now_ms: int
) -> AccessCodeRow | None:
    """The record a typed code refers to: the active one if any, else the most recent with those digits."""
    stmt = select(AccessCodeRow).where(
        AccessCodeRow.org_id == org_id, AccessCodeRow.environment == environment, AccessCodeRow.code == code
    )
    rows = list(session.scalars(stmt.order_by(AccessCodeRow.created_at_ms.desc())))
    active = [r for r in rows if code_status(r, now_ms) == "active"]
    candidates = active or rows
    return candidates[0] if candidates else None


def active_codes(session: Session, org_id: str, environment: str, now_ms: int) -> set[str]:
    stmt = select(AccessCodeRow.code).where(
        AccessCodeRow.org_id == org_id,
        AccessCodeRow.environment == environment,
        _status_condition("active", now_ms),
    )
    return set(session.scalars(stmt))


def list_codes(
    session: Session, org_id: str, environment: str, statuses: list[str], now_ms: int, page: int, limit: int
) -> tuple[list[AccessCodeRow], int]:
    where = [AccessCodeRow.org_id == org_id, AccessCodeRow.environment == environment]
    if statuses:
        where.append(or_(*(_status_condition(s, now_ms) for s in statuses)))
    total = session.scalar(select(func.count()).select_from(AccessCodeRow).where(*where)) or 0
    stmt = (
        select(AccessCodeRow)
        .where(*where)
        .order_by(AccessCodeRow.created_at_ms.desc(), AccessCodeRow.code_id.desc())
    )
    return fetch_page(session, stmt, page, limit), int(total)


def log_model(row: AccessLogRow) -> AccessLog:
    return AccessLog(
        log_id=row.log_id,
        visitor_name=row.visitor_name,
        visitor_phone=row.visitor_phone,
        visitor_id_number=row.visitor_id_number,
        host_name=row.host_name,
        host_unit=row.host_unit,
        purpose=row.purpose,
        gate=row.gate,
        vehicle_plate=row.vehicle_plate,
        access_code=row.access_code,
        method=AccessLogMethod(row.method),
        status=AccessLogStatus.checked_out
        if row.checked_out_at_ms is not None
        else AccessLogStatus.checked_in,
        checked_in_at=from_ms(row.checked_in_at_ms),
        checked_out_at=from_ms(row.checked_out_at_ms) if row.checked_out_at_ms is not None else None,
        checkout_gate=row.checkout_gate,
        checkout_notes=row.checkout_notes,
        duration_minutes=row.duration_minutes,
        created_by=row.created_by,
    )


def visitor_model(row: AccessLogRow, now_ms: int) -> CurrentVisitor:
    expected = row.expected_until_ms
    return CurrentVisitor(
        log_id=row.log_id,
        visitor_name=row.visitor_name,
        visitor_phone=row.visitor_phone,
        host_name=row.host_name,
        host_unit=row.host_unit,
        gate=row.gate,
        vehicle_plate=row.vehicle_plate,
        checked_in_at=from_ms(row.checked_in_at_ms),
        minutes_inside=max(0, (now_ms - row.checked_in_at_ms) // 60_000),
        expected_until=from_ms(expected) if expected is not None else None,
        overstay=expected is not None and now_ms > expected,
    )


def get_log(session: Session, org_id: str, environment: str, log_id: str) -> AccessLogRow | None:
    row = session.get(AccessLogRow, log_id)
    if row is None or row.org_id != org_id or row.environment != environment:
        return None
    return row


def inside(session: Session, org_id: str, environment: str, gate: str | None) -> list[AccessLogRow]:
    """Visits not checked out yet, longest stay first."""
    stmt = select(AccessLogRow).where(
        AccessLogRow.org_id == org_id,
        AccessLogRow.environment == environment,
        AccessLogRow.checked_out_at_ms.is_(None),
    )
    if gate is not None:
        stmt = stmt.where(AccessLogRow.gate == gate)
    return list(session.scalars(stmt.order_by(AccessLogRow.checked_in_at_ms, AccessLogRow.log_id)))


def list_logs(
    session: Session,
    org_id: str,
    environment: str,
    *,
    status: str | None,
    gate: str | None,
    start: datetime | None,
    end: datetime | None,
    search: str | None,
    page: int,
    limit: int,
) -> tuple[list[AccessLogRow], int]:
    """Visits, latest check-in first, filtered on state, gate, check-in time and a search term."""
    where = [AccessLogRow.org_id == org_id, AccessLogRow.environment == environment]
    if status == "checked_in":
        where.append(AccessLogRow.checked_out_at_ms.is_(None))
    elif status == "checked_out":
        where.append(AccessLogRow.checked_out_at_ms.is_not(None))
    if gate is not None:
        where.append(AccessLogRow.gate == gate)
    where += _window(start, end)
    if search:
        term = search.lower()
        columns = (AccessLogRow.visitor_name, AccessLogRow.visitor_phone, AccessLogRow.vehicle_plate)
        where.append(or_(*(func.lower(c).contains(term, autoescape=True) for c in columns)))
    total = session.scalar(select(func.count()).select_from(AccessLogRow).where(*where)) or 0
    stmt = (
        select(AccessLogRow)
        .where(*where)
        .order_by(AccessLogRow.checked_in_at_ms.desc(), AccessLogRow.log_id.desc())
    )
    return fetch_page(session, stmt, page, limit), int(total)


def logs_in_period(
    session: Session, org_id: str, environment: str, start: datetime, end: datetime, gate: str | None
) -> list[AccessLogRow]:
    where = [AccessLogRow.org_id == org_id, AccessLogRow.environment == environment, *_window(start, end)]
    if gate is not None:
        where.append(AccessLogRow.gate == gate)
    return list(session.scalars(select(AccessLogRow).where(*where)))


def _window(start: datetime | None, end: datetime | None) -> list[ColumnElement[bool]]:
    conditions = []
    if start is not None:
        conditions.append(AccessLogRow.checked_in_at_ms >= to_ms(start))
    if end is not None:
        conditions.append(AccessLogRow.checked_in_at_ms <= to_ms(end))
    return conditions
