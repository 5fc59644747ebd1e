"""Incident queries: scoped lookups, filtered newest-first pages and delta polls, row updates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from sety_console.api.models import Incident

from .clock import to_ms
from .db import Database
from .paging import fetch_page
from .plans import Plan
from .tables import IncidentRow


@dataclass(frozen=True)
class IncidentFilters:
    """Filters of List incidents (AND between filters, OR within a comma-separated one)."""

    statuses: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    created_from: datetime | None = None
    created_to: datetime | None = None
    updated_since: datetime | None = None


def get_scoped(session: Session, org_id: str, environment: str, incident_id: str) -> IncidentRow | None:
    """The incident if it belongs to this organisation and environment, else None (→ 404)."""
    row = session.get(IncidentRow, incident_id)
    if row is None or row.org_id != org_id or row.environment != environment:
        return None
    return row


def get_by_idempotency_key(session: Session, org_id: str, environment: str, key: str) -> IncidentRow | None:
    stmt = select(IncidentRow).where(
        IncidentRow.org_id == org_id,
        IncidentRow.environment == environment,
        IncidentRow.idempotency_key == key,
    )
    return session.scalar(stmt)


def _filtered(stmt: Select, org_id: str, environment: str, filters: IncidentFilters) -> Select:  # type: ignore[type-arg]
    stmt = stmt.where(IncidentRow.org_id == org_id, IncidentRow.environment == environment)
    if filters.statuses:
        stmt = stmt.where(IncidentRow.status.in_(filters.statuses))
    if filters.categories:
        stmt = stmt.where(IncidentRow.category.in_(filters.categories))
    if filters.severities:
        stmt = stmt.where(IncidentRow.severity.in_(filters.severities))
    if filters.created_from is not None:
        stmt = stmt.where(IncidentRow.created_at_ms >= to_ms(filters.created_from))
    if filters.created_to is not None:
        stmt = stmt.where(IncidentRow.created_at_ms <= to_ms(filters.created_to))
    if filters.updated_since is not None:
        stmt = stmt.where(IncidentRow.updated_at_ms >= to_ms(filters.updated_since))
    return stmt


class IncidentCounts:
    """How many incidents each organisation and environment holds, kept in memory.

    Every unfiltered page carries the total in its envelope, and counting 100,000 index entries
    takes about 10 ms on SQLite: so each total is counted once, under the write lock, and then kept
    up to date by `added()` (incidents are never deleted, and only this process writes them).
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._totals: dict[tuple[str, str], int] = {}

    def total(self, session: Session, org_id: str, environment: str) -> int:
        key = (org_id, environment)
        cached = self._totals.get(key)
        if cached is not None:
            return cached
        with self._db.write_lock:
            if key not in self._totals:
                count = select(func.count()).select_from(IncidentRow)
                self._totals[key] = int(
                    session.scalar(_filtered(count, org_id, environment, IncidentFilters())) or 0
                )
            return self._totals[key]

    def added(self, org_id: str, environment: str) -> None:
        """One more incident was committed (call it under the write lock)."""
        key = (org_id, environment)
        if key in self._totals:
            self._totals[key] += 1


def list_documents(
    session: Session,
    org_id: str,
    environment: str,
    filters: IncidentFilters,
    page: int,
    limit: int,
    counts: IncidentCounts | None = None,
) -> tuple[list[str], int]:
    """One page of stored incident documents, newest `created_at` first, and the total count."""
    if counts is not None and filters == IncidentFilters():
        total: int | None = counts.total(session, org_id, environment)
    else:
        total = session.scalar(
            _filtered(select(func.count()).select_from(IncidentRow), org_id, environment, filters)
        )
    stmt = _filtered(select(IncidentRow.document), org_id, environment, filters)
    stmt = stmt.order_by(IncidentRow.created_at_ms.desc(), IncidentRow.incident_id.desc())
    documents = fetch_page(session, stmt, page, limit)
    return documents, int(total or 0)


def new_row(
    incident: Incident, org_id: str, environment: str, plan: Plan | None, *, is_history: bool = False
) -> IncidentRow:
    """A row for a new incident (document and indexed columns filled from the model)."""
    lng, lat = incident.location.coordinates
    row = IncidentRow(
        incident_id=incident.incident_id,
        org_id=org_id,
        environment=environment,
        created_at_ms=to_ms(incident.created_at),
        category=incident.category.value,
        severity=incident.severity.value,
        is_drill=incident.is_drill,
        is_history=is_history,
        idempotency_key=incident.idempotency_key,
        lng=lng,
        lat=lat,
    )
    store_state(row, incident, plan)
    return row


def store_state(row: IncidentRow, incident: Incident, plan: Plan | None) -> None:
    """Copy an incident (and its simulation plan) into its row: document plus indexed columns."""
    row.status = incident.status.value
    row.updated_at_ms = to_ms(incident.updated_at)
    sla = incident.sla
    row.time_to_assign_s = sla.time_to_assign_seconds if sla else None
    row.time_to_arrive_s = sla.time_to_arrive_seconds if sla else None
    live_plan = plan if plan is not None and plan.timers else None
    row.plan = live_plan.to_json() if live_plan else None
    row.next_action_at_ms = live_plan.next_due() if live_plan else None
    row.document = incident.model_dump_json(by_alias=True)


def latest_update_ms(session: Session) -> int | None:
    """The largest `updated_at` stored (a restarted clock never goes back before it)."""
    return session.scalar(select(func.max(IncidentRow.updated_at_ms)))
