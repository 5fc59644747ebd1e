"""Gate access: issuing, validating and revoking codes; check-in, checkout and visit statistics."""

from __future__ import annotations

import re
import secrets
from collections import Counter
from datetime import datetime, timedelta
from typing import TypeVar

from pydantic import BaseModel
from sqlalchemy.orm import Session

from sety_console.api.models import (
    AccessCode,
    AccessLog,
    AccessLogStats,
    CheckoutVisitorRequest,
    CreateAccessCodeRequest,
    CreateAccessLogRequest,
    CurrentVisitorsResponse,
    DayVisits,
    GateVisits,
    HourVisits,
    Period,
    ValidationReason,
    ValidationResult,
)

from . import access_store
from .access_store import code_status
from .clock import SandboxClock, from_ms, to_ms
from .db import Database
from .errors import ApiError, bad_request, not_found
from .idempotency import KeyedWrite, claim, remember
from .ids import new_id
from .responses import answer_json
from .tables import AccessCodeRow, AccessLogRow

M = TypeVar("M", bound=BaseModel)
CODE_FORMAT = re.compile(r"^[0-9]{6}$")
STATS_DEFAULT_DAYS = 30
STATS_MAX_DAYS = 366


class AccessService:
    """Access codes and visits of one organisation and environment at a time."""

    def __init__(self, db: Database, clock: SandboxClock) -> None:
        self._db = db
        self._clock = clock

    def create_code(
        self, org_id: str, env: str, request: CreateAccessCodeRequest, keyed: KeyedWrite | None = None
    ) -> AccessCode:
        """A new code, unique among the organisation's active codes; `valid_until` must be ahead."""
        now = self._clock.now()
        now_ms = to_ms(now)
        with self._db.write_lock, self._db.session() as session:
            claim(keyed, session)  # a repeat answers its record, even once `valid_until` has passed
            if request.valid_until <= now:
                raise bad_request("valid_until", "must be later than now")
            taken = access_store.active_codes(session, org_id, env, now_ms)
            code = _fresh_code(taken)
            row = AccessCodeRow(
                code_id=new_id("acc"),
                org_id=org_id,
                environment=env,
                code=code,
                visitor_name=request.visitor_name,
                visitor_phone=request.visitor_phone,
                host_name=request.host_name,
                host_unit=request.host_unit,
                purpose=request.purpose,
                gate=request.gate,
                valid_from_ms=to_ms(request.valid_from or now),
                valid_until_ms=to_ms(request.valid_until),
                max_uses=request.max_uses,
                uses=0,
                created_at_ms=now_ms,
            )
            session.add(row)
            return _remembered(keyed, session, access_store.code_model(row, now_ms))

    def validate(self, org_id: str, env: str, code: str) -> ValidationResult:
        """The verdict on a typed code, without using it (an unusable code is not an error)."""
        now = self._clock.now()
        with self._db.session() as session:
            row, reason = self._verdict(session, org_id, env, code, to_ms(now))
            record = access_store.code_model(row, to_ms(now)) if row is not None else None
        return ValidationResult(
            valid=reason == "ok", reason=ValidationReason(reason), access_code=record, checked_at=now
        )

    def revoke(self, org_id: str, env: str, code_id: str, keyed: KeyedWrite | None = None) -> AccessCode:
        """Withdraw an active code; 404 when unknown, 409 when no longer active."""
        now_ms = to_ms(self._clock.now())
        with self._db.write_lock, self._db.session() as session:
            claim(keyed, session)
            row = access_store.get_code(session, org_id, env, code_id)
            if row is None:
                raise not_found("Access code")
            status = code_status(row, now_ms)
            if status != "active":
                raise ApiError(409, _NOT_ACTIVE[status])
            row.revoked_at_ms = now_ms
            return _remembered(keyed, session, access_store.code_model(row, now_ms))

    def check_in(
        self, org_id: str, env: str, request: CreateAccessLogRequest, keyed: KeyedWrite | None = None
    ) -> AccessLog:
        """Check a visitor in, with a code (used once) or by manual / walk-in entry."""
        now_ms = to_ms(self._clock.now())
        with self._db.write_lock, self._db.session() as session:
            claim(keyed, session)
            row = AccessLogRow(
                log_id=new_id("log"),
                org_id=org_id,
                environment=env,
                visitor_id_number=request.visitor_id_number,
                gate=request.gate,
                vehicle_plate=request.vehicle_plate,
                checked_in_at_ms=now_ms,
                created_by=request.created_by,
            )
            if request.access_code is not None:
                code, reason = self._verdict(session, org_id, env, request.access_code, now_ms)
                if code is None or reason != "ok":
                    raise ApiError(400, f"Access code not valid: {reason}", field="access_code")
                code.uses += 1
                _fill_from_code(row, request, code)
            else:
                row.visitor_name = request.visitor_name or ""
                row.host_name = request.host_name or ""
                row.visitor_phone, row.host_unit, row.purpose = (
                    request.visitor_phone,
                    request.host_unit,
                    request.purpose,
                )
                row.method = (request.method.value if request.method else None) or "manual"
                row.access_code = row.expected_until_ms = None
            session.add(row)
            return _remembered(keyed, session, access_store.log_model(row))

    def checkout(
        self,
        org_id: str,
        env: str,
        log_id: str,
        request: CheckoutVisitorRequest,
        keyed: KeyedWrite | None = None,
    ) -> AccessLog:
        """Record the departure; 404 when unknown, 409 when already checked out."""
        now_ms = to_ms(self._clock.now())
        with self._db.write_lock, self._db.session() as session:
            claim(keyed, session)
            row = access_store.get_log(session, org_id, env, log_id)
            if row is None:
                raise not_found("Access log")
            if row.checked_out_at_ms is not None:
                raise ApiError(409, "Visitor already checked out")
            row.checked_out_at_ms = max(now_ms, row.checked_in_at_ms)
            row.duration_minutes = round((row.checked_out_at_ms - row.checked_in_at_ms) / 60_000, 1)
            row.checkout_gate, row.checkout_notes = request.checkout_gate, request.checkout_notes
            return _remembered(keyed, session, access_store.log_model(row))

    def current(self, org_id: str, env: str, gate: str | None) -> CurrentVisitorsResponse:
        now_ms = to_ms(self._clock.now())
        with self._db.session() as session:
            visitors = [
                access_store.visitor_model(r, now_ms) for r in access_store.inside(session, org_id, env, gate)
            ]
        return CurrentVisitorsResponse(data=visitors, total=len(visitors))

    def stats_period(self, start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
        """The stats period: the given bounds, else the last 30 days up to now (400 when too long)."""
        now = self._clock.now()
        if end is None:
            end = now if start is None or start <= now else start + timedelta(days=STATS_DEFAULT_DAYS)
        if start is None:
            start = end - timedelta(days=STATS_DEFAULT_DAYS)
        if start > end:
            raise bad_request("from_date", "must not be later than to_date")
        if end - start > timedelta(days=STATS_MAX_DAYS):
            raise bad_request("to_date", f"the period may cover at most {STATS_MAX_DAYS} days")
        return start, end

    def stats(
        self, org_id: str, env: str, start: datetime, end: datetime, gate: str | None
    ) -> AccessLogStats:
        """Visit counts for the period (check-in time), by gate, UTC hour and UTC day."""
        now_ms = to_ms(self._clock.now())
        with self._db.session() as session:
            visits = access_store.logs_in_period(session, org_id, env, start, end, gate)
            inside_now = len(access_store.inside(session, org_id, env, gate))
        hours = Counter(from_ms(v.checked_in_at_ms).hour for v in visits)
        days = Counter(from_ms(v.checked_in_at_ms).date() for v in visits)
        gates = Counter(v.gate for v in visits)
        durations = [v.duration_minutes for v in visits if v.duration_minutes is not None]
        by_day, day = [], start.date()
        while day <= end.date():
            by_day.append(DayVisits(date=day, visits=days.get(day, 0)))
            day += timedelta(days=1)
        return AccessLogStats(
            period=Period.model_validate({"from": start, "to": end}),
            total_visits=len(visits),
            currently_inside=inside_now,
            average_duration_minutes=round(sum(durations) / len(durations), 1) if durations else None,
            overstays=sum(_overstayed(v, now_ms) for v in visits),
            by_gate=[
                GateVisits(gate=g, visits=n) for g, n in sorted(gates.items(), key=lambda i: (-i[1], i[0]))
            ],
            by_hour=[HourVisits(hour=h, visits=hours.get(h, 0)) for h in range(24)],
            by_day=by_day,
            busiest_hour=min(hours, key=lambda h: (-hours[h], h)) if hours else None,
        )

    def _verdict(
        self, session: Session, org_id: str, env: str, code: str, now_ms: int
    ) -> tuple[AccessCodeRow | None, str]:
        """(record, reason); precedence: not_found, revoked, used, expired, not_yet_valid."""
        row = access_store.find_code(session, org_id, env, code, now_ms) if CODE_FORMAT.match(code) else None
        if row is None:
            return None, "not_found"
        status = code_status(row, now_ms)
        if status != "active":
            return row, status
        if now_ms < row.valid_from_ms:
            return row, "not_yet_valid"
        return row, "ok"


_NOT_ACTIVE = {
    "revoked": "Access code is already revoked",
    "used": "Access code is already used up",
    "expired": "Access code has already expired",
}


def _remembered(keyed: KeyedWrite | None, session: Session, answer: M) -> M:
    """`answer`, recorded for its `Idempotency-Key` in the write's transaction."""
    remember(keyed, session, answer_json(answer))
    return answer


def _fresh_code(taken: set[str]) -> str:
    while True:
        code = f"{secrets.randbelow(1_000_000):06d}"
        if code not in taken:
            return code


def _fill_from_code(row: AccessLogRow, request: CreateAccessLogRequest, code: AccessCodeRow) -> None:
    """Visitor and host details come from the code unless the request supplies them."""
    row.visitor_name = request.visitor_name or code.visitor_name
    row.visitor_phone = request.visitor_phone if request.visitor_phone is not None else code.visitor_phone
    row.host_name = request.host_name or code.host_name
    row.host_unit = request.host_unit if request.host_unit is not None else code.host_unit
    row.purpose = request.purpose if request.purpose is not None else code.purpose
    row.method = "access_code"
    row.access_code = code.code
    row.expected_until_ms = code.valid_until_ms


def _overstayed(visit: AccessLogRow, now_ms: int) -> bool:
    """The visit went on past its code's `valid_until` (or still does)."""
    if visit.expected_until_ms is None:
        return False
    left = visit.checked_out_at_ms if visit.checked_out_at_ms is not None else now_ms
    return left > visit.expected_until_ms
