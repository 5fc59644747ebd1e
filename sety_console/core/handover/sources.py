"""Where the handover's data comes from, and gathering it: one function for the console and the CLI.

`gather_handover` only needs a few small async callables (`HandoverSources`). The console builds
them over its `ConsoleSession` (`sources_from_session`: the session's paced page iterator and the
stores it keeps current), the headless `sety-console report` over a `SetyClient`
(`sources_from_client`), so both read the same server the same way.

The workstation's own records (`records`: the audit trail and the alarm history, see
`core.shift_records`) give the operator activity and the alarm KPIs; the console passes its open
logs, the headless report the files of the server's profile folder.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from sety_console.api.models import (
    ACTIVE_STATUSES,
    CurrentVisitor,
    DangerZone,
    Incident,
    IncidentPage,
)
from sety_console.core.alarm_kpis import HISTORY_BEFORE, compute_alarm_kpis
from sety_console.core.shift_records import ShiftRecordSource

from .activity import INCIDENT_ACTIONS
from .data import HandoverData, HandoverFilters, HandoverWindow, classify

if TYPE_CHECKING:
    from sety_console.api import SetyClient

__all__ = [
    "HandoverSession",
    "HandoverSources",
    "gather_handover",
    "sources_from_client",
    "sources_from_session",
]

log = logging.getLogger(__name__)

IncidentPages = Callable[..., AsyncIterator[IncidentPage]]
"""Called with `list_incidents` query names; yields one page after another."""
PAGE_SIZE = 100
MAX_DETAIL_FETCHES = 20
MAX_NAMED_FETCHES = 20
"""Incidents fetched at most to name what operators and alarms refer to (the rest show their id)."""
ZONES_LISTED = 20
T_co = TypeVar("T_co", covariant=True)


@dataclass
class HandoverSources:
    """Where the report's data comes from: a few small async callables.

    `updated_since`: the page source accepts the `updated_since` query (a `SetyClient` does), so
    incidents that changed during the shift are found exactly; otherwise incidents created from
    `lookback` before the shift are read, plus every open one and every one in `known_incidents`.
    """

    incident_pages: IncidentPages
    current_visitors: Callable[[], Awaitable[Sequence[CurrentVisitor]]]
    danger_zones: Callable[[], Awaitable[Sequence[DangerZone]]]
    incident_detail: Callable[[str], Awaitable[Incident]] | None = None
    known_incidents: Callable[[], Iterable[Incident]] = lambda: ()
    updated_since: bool = False
    lookback: timedelta = timedelta(days=2)
    records: ShiftRecordSource | None = None
    """The workstation's audit trail and alarm history (operator activity, alarm KPIs)."""
    records_missing: str = ""
    """Why there are no `records`, in words, for the report to say."""


class _Values(Protocol[T_co]):
    def values(self) -> Iterable[T_co]: ...


class HandoverSession(Protocol):
    """The part of `ConsoleSession` the handover reads."""

    @property
    def incidents(self) -> _Values[Incident]: ...

    @property
    def visitors(self) -> _Values[CurrentVisitor]: ...

    @property
    def zones(self) -> _Values[DangerZone]: ...

    @property
    def records(self) -> ShiftRecordSource: ...

    def iter_incident_pages(self, **filters: Any) -> AsyncIterator[IncidentPage]: ...

    async def get_incident(self, incident_id: str) -> Incident: ...


def sources_from_session(session: HandoverSession) -> HandoverSources:
    """Report sources over the console's session: its paced page iterator and its live stores."""

    async def visitors() -> Sequence[CurrentVisitor]:
        return list(session.visitors.values())

    async def zones() -> Sequence[DangerZone]:
        return list(session.zones.values())

    return HandoverSources(
        incident_pages=session.iter_incident_pages,
        current_visitors=visitors,
        danger_zones=zones,
        incident_detail=session.get_incident,
        known_incidents=lambda: list(session.incidents.values()),
        records=session.records,
    )


def sources_from_client(client: SetyClient) -> HandoverSources:
    """Report sources over a `SetyClient` (paged incidents with `updated_since`, visitors, zones)."""

    async def pages(**filters: Any) -> AsyncIterator[IncidentPage]:
        page = 1
        while True:
            result = await client.list_incidents(page=page, **filters)
            yield result
            if not result.pagination.has_more or not result.data:
                return
            page += 1

    async def visitors() -> Sequence[CurrentVisitor]:
        return (await client.list_current_visitors()).data

    async def zones() -> Sequence[DangerZone]:
        return (await client.list_danger_zones(limit=ZONES_LISTED)).data

    return HandoverSources(pages, visitors, zones, incident_detail=client.get_incident, updated_since=True)


async def _collect(pages: AsyncIterator[IncidentPage], into: list[Incident]) -> None:
    try:
        async for page in pages:
            into.extend(page.data)
    finally:
        close = getattr(pages, "aclose", None)
        if close is not None:
            await close()


async def _optional(
    what: str, fetch: Callable[[], Awaitable[Sequence[Any]]], warnings: list[str]
) -> list[Any]:
    try:
        return list(await fetch())
    except Exception as exc:  # one missing section must not sink the whole handover
        log.warning("Handover: %s could not be loaded: %s", what, exc)
        warnings.append(f"{what.capitalize()} could not be loaded: {exc}")
        return []


async def gather_handover(
    window: HandoverWindow,
    sources: HandoverSources,
    filters: HandoverFilters | None = None,
    *,
    top_zones: int = 5,
    now: datetime | None = None,
) -> HandoverData:
    """Read everything the report needs through `sources` and classify it.

    Incident errors propagate (there is no handover without incidents); visitors and danger zones
    that fail to load become a warning in the report instead.
    """
    filters = filters or HandoverFilters()
    base: dict[str, Any] = {**filters.query(), "limit": PAGE_SIZE}
    if sources.updated_since:
        changed = {**base, "updated_since": window.start}
    else:
        changed = {**base, "from_date": window.start - sources.lookback, "to_date": window.end}
    incidents: list[Incident] = []
    await _collect(sources.incident_pages(**changed), incidents)
    await _collect(sources.incident_pages(**base, status=sorted(ACTIVE_STATUSES)), incidents)
    incidents.extend(sources.known_incidents())
    warnings: list[str] = []
    visitors = await _optional("visitors inside", sources.current_visitors, warnings)
    zones = await _optional("danger zones", sources.danger_zones, warnings)
    data = classify(incidents, window, filters, visitors=visitors, zones=zones, top_zones=top_zones, now=now)
    await _complete_timelines(data, sources)
    await _add_records(data, sources, warnings)
    await _name_referenced(data, sources, {i.incident_id: i for i in incidents})
    data.warnings = warnings
    return data


async def _add_records(data: HandoverData, sources: HandoverSources, warnings: list[str]) -> None:
    """The shift's operator actions and alarm KPIs from the workstation's records (a failure is a warning)."""
    records, window = sources.records, data.window
    if records is None:
        data.records_missing = sources.records_missing or (
            "This report was made without the workstation's audit trail and alarm history."
        )
        return
    missing = []
    try:
        entries = await records.audit_entries(window.start, window.end)
    except Exception as exc:  # the rest of the report still stands
        log.warning("Handover: the audit trail could not be read: %s", exc)
        warnings.append(f"The audit trail could not be read: {exc}")
    else:
        data.activity = list(entries) if entries is not None else None
        if entries is None:
            missing.append("no audit trail (no operator action recorded)")
    try:
        alarm_records = await records.alarm_records(window.start - HISTORY_BEFORE, window.end)
    except Exception as exc:
        log.warning("Handover: the alarm history could not be read: %s", exc)
        warnings.append(f"The alarm history could not be read: {exc}")
    else:
        if alarm_records is not None:
            data.alarm_kpis = compute_alarm_kpis(alarm_records, window.start, window.end)
        else:
            missing.append("no alarm history (no alarm recorded)")
    if missing:
        data.records_missing = f"This workstation has {' and '.join(missing)} for this server."


def _referenced(data: HandoverData) -> list[str]:
    """Incident ids the activity and the KPIs mention, in the order they appear."""
    ids = [e.target_id for e in data.activity or () if e.action in INCIDENT_ACTIONS and e.target_id]
    if data.alarm_kpis is not None:
        ids += [s.alarm.incident_id for s in data.alarm_kpis.standing]
        ids += [r.incident_id for r in data.alarm_kpis.repeated]
    return list(dict.fromkeys(ids))


async def _name_referenced(data: HandoverData, sources: HandoverSources, known: dict[str, Incident]) -> None:
    """Find the incidents the activity and the KPIs mention (what was read, else fetched, bounded)."""
    fetched = 0
    for incident_id in _referenced(data):
        if data.incident(incident_id) is not None:
            continue
        if incident_id in known:
            data.named[incident_id] = known[incident_id]
        elif sources.incident_detail is not None and fetched < MAX_NAMED_FETCHES:
            fetched += 1
            try:
                data.named[incident_id] = await sources.incident_detail(incident_id)
            except Exception as exc:  # an id the server no longer knows is shown as it is
                log.info("Handover: could not name %s: %s", incident_id, exc)


async def _complete_timelines(data: HandoverData, sources: HandoverSources) -> None:
    """Fetch the full incident for open ones listed without a timeline (bounded)."""
    if sources.incident_detail is None:
        return
    missing = [i for i in data.still_open if not i.timeline][:MAX_DETAIL_FETCHES]
    for incident in missing:
        detailed = await sources.incident_detail(incident.incident_id)
        index = data.still_open.index(incident)
        data.still_open[index] = detailed
