"""Shift handover: gather what happened in a time window and sort it into the report's sections.

No Qt here. The same `gather_handover` serves the in-app report (sources built over the session)
and the headless `sety-console report` (sources built over a `SetyClient`): it only needs a few
small async callables, `HandoverSources`. Every time is UTC.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sety_console.api.models import (
    ACTIVE_STATUSES,
    Category,
    CurrentVisitor,
    DangerZone,
    Incident,
    IncidentPage,
    IncidentTimelineEvent,
    Severity,
    TimelineEventType,
)
from sety_console.core.rules import priority_key
from sety_console.ui.supervisor.backend import SupervisorBackend
from sety_console.ui.supervisor.gathering import aclose_quietly
from sety_console.ui.supervisor.wording import enum_label

__all__ = [
    "HandoverData",
    "HandoverFilters",
    "HandoverSources",
    "HandoverWindow",
    "NoteLine",
    "classify",
    "closed_at",
    "gather_handover",
    "sources_from_backend",
]

log = logging.getLogger(__name__)

IncidentPages = Callable[..., AsyncIterator[IncidentPage]]
"""Called with `list_incidents` query names; yields one page after another."""
PAGE_SIZE = 100
MAX_DETAIL_FETCHES = 20


@dataclass(frozen=True, slots=True)
class HandoverWindow:
    """The shift, `start` ≤ t ≤ `end`, both aware and normalised to UTC."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("The shift start and end need a time zone (use UTC, e.g. 2026-03-10T06:00Z).")
        object.__setattr__(self, "start", self.start.astimezone(UTC))
        object.__setattr__(self, "end", self.end.astimezone(UTC))
        if self.start >= self.end:
            raise ValueError("The shift must end after it starts.")

    def __contains__(self, moment: object) -> bool:
        return isinstance(moment, datetime) and self.start <= moment <= self.end

    @classmethod
    def last_hours(cls, hours: float, now: datetime | None = None) -> HandoverWindow:
        end = now or datetime.now(UTC)
        return cls(end - timedelta(hours=hours), end)


@dataclass(frozen=True, slots=True)
class HandoverFilters:
    """The active category and severity filters (enum values); empty means all."""

    categories: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()

    def query(self) -> dict[str, list[str]]:
        """The filters as `list_incidents` query names."""
        query: dict[str, list[str]] = {}
        if self.categories:
            query["category"] = list(self.categories)
        if self.severities:
            query["severity"] = list(self.severities)
        return query

    def matches(self, incident: Incident) -> bool:
        return (not self.categories or incident.category.value in self.categories) and (
            not self.severities or incident.severity.value in self.severities
        )

    def describe(self) -> str:
        """`All categories · all severities`, or the chosen ones in words."""
        categories = ", ".join(enum_label(Category(v)) for v in self.categories) or "All categories"
        severities = ", ".join(enum_label(Severity(v)) for v in self.severities) or "all severities"
        return f"{categories} · {severities}"


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


@dataclass(frozen=True, slots=True)
class NoteLine:
    """A note written during the shift."""

    incident_id: str
    timestamp: datetime
    author: str
    message: str


@dataclass
class HandoverData:
    """Everything the handover report shows, sorted and ready to print."""

    window: HandoverWindow
    filters: HandoverFilters
    generated_at: datetime
    opened: list[Incident] = field(default_factory=list)
    closed: list[Incident] = field(default_factory=list)
    still_open: list[Incident] = field(default_factory=list)
    breaches: list[Incident] = field(default_factory=list)
    notes: list[NoteLine] = field(default_factory=list)
    visitors: list[CurrentVisitor] = field(default_factory=list)
    zones: list[DangerZone] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """Parts that could not be loaded, in words; the rest of the report still stands."""

    @staticmethod
    def latest_entries(incident: Incident, count: int = 3) -> list[IncidentTimelineEvent]:
        """The last `count` timeline entries, newest first."""
        return sorted(incident.timeline, key=lambda e: e.timestamp, reverse=True)[:count]


def closed_at(incident: Incident) -> datetime | None:
    """When the incident was resolved or cancelled; None while it is active."""
    if incident.status.is_active or incident.status.is_unknown:
        return None
    return incident.resolved_at or incident.cancelled_at or incident.updated_at


def _breach_time(incident: Incident) -> datetime | None:
    entries = [e.timestamp for e in incident.timeline if e.event is TimelineEventType.sla_breached]
    if entries:
        return min(entries)
    return incident.created_at if incident.sla is not None and incident.sla.breached else None


def classify(
    incidents: Iterable[Incident],
    window: HandoverWindow,
    filters: HandoverFilters,
    *,
    visitors: Sequence[CurrentVisitor] = (),
    zones: Sequence[DangerZone] = (),
    top_zones: int = 5,
    now: datetime | None = None,
) -> HandoverData:
    """Sort `incidents` into the report's sections (filters applied; duplicates by id dropped)."""
    unique: dict[str, Incident] = {}
    for incident in incidents:
        known = unique.get(incident.incident_id)
        if filters.matches(incident) and (known is None or incident.updated_at >= known.updated_at):
            unique[incident.incident_id] = incident
    chosen = list(unique.values())
    data = HandoverData(window, filters, now or datetime.now(UTC))
    data.opened = sorted((i for i in chosen if i.created_at in window), key=lambda i: i.created_at)
    data.closed = sorted(
        (i for i in chosen if closed_at(i) in window), key=lambda i: closed_at(i) or i.updated_at
    )
    data.still_open = sorted(
        (i for i in chosen if i.created_at <= window.end and _open_at(i, window.end)), key=priority_key
    )
    data.breaches = sorted(
        (i for i in chosen if _breach_time(i) in window), key=lambda i: _breach_time(i) or i.created_at
    )
    data.notes = sorted(
        (
            NoteLine(i.incident_id, e.timestamp, e.author or "—", e.message)
            for i in chosen
            for e in i.timeline
            if e.event is TimelineEventType.note_added and e.timestamp in window
        ),
        key=lambda n: n.timestamp,
    )
    data.visitors = sorted(visitors, key=lambda v: v.minutes_inside, reverse=True)
    data.zones = sorted(zones, key=lambda z: (z.risk_score, z.incident_count), reverse=True)[:top_zones]
    return data


def _open_at(incident: Incident, moment: datetime) -> bool:
    closed = closed_at(incident)
    return closed is None or closed > moment


async def _collect(pages: AsyncIterator[IncidentPage], into: list[Incident]) -> None:
    try:
        async for page in pages:
            into.extend(page.data)
    finally:
        await aclose_quietly(pages)


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
    data.warnings = warnings
    return data


async def _complete_timelines(data: HandoverData, sources: HandoverSources) -> None:
    """Fetch the full incident for open ones listed without a timeline (bounded)."""
    if sources.incident_detail is None:
        return
    missing = [i for i in data.still_open if not i.timeline][:MAX_DETAIL_FETCHES]
    for incident in missing:
        detailed = await sources.incident_detail(incident.incident_id)
        index = data.still_open.index(incident)
        data.still_open[index] = detailed


def sources_from_backend(backend: SupervisorBackend) -> HandoverSources:
    """Report sources over the session: its paced page iterator and the stores it keeps current."""

    async def visitors() -> Sequence[CurrentVisitor]:
        return list(backend.visitors.values())

    async def zones() -> Sequence[DangerZone]:
        return list(backend.zones.values())

    return HandoverSources(
        incident_pages=backend.iter_incident_pages,
        current_visitors=visitors,
        danger_zones=zones,
        known_incidents=lambda: list(backend.incidents.values()),
    )
