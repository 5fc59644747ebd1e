"""Shift handover data: the shift, the filters, and what happened sorted into the report's sections.

No Qt here. Times are kept as aware UTC; the report shows them in the service area's zone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sety_console.api.models import (
    Category,
    CurrentVisitor,
    DangerZone,
    Incident,
    IncidentTimelineEvent,
    Severity,
    TimelineEventType,
)
from sety_console.core.alarm_kpis import AlarmKpis
from sety_console.core.audit import AuditEntry
from sety_console.core.rules import priority_key
from sety_console.core.wording import enum_label

__all__ = [
    "HandoverData",
    "HandoverFilters",
    "HandoverWindow",
    "NoteLine",
    "breach_time",
    "classify",
    "closed_at",
]


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
    """Open at the end of the shift: breached ones first, then by the queue's priority."""
    breaches: list[Incident] = field(default_factory=list)
    notes: list[NoteLine] = field(default_factory=list)
    visitors: list[CurrentVisitor] = field(default_factory=list)
    zones: list[DangerZone] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """Parts that could not be loaded, in words; the rest of the report still stands."""
    activity: list[AuditEntry] | None = None
    """Operator actions of the shift from the workstation's audit trail (None: no trail was read)."""
    alarm_kpis: AlarmKpis | None = None
    """The shift's alarm KPIs from the workstation's alarm history (None: no history was read)."""
    records_missing: str = ""
    """Why the audit trail or the alarm history is missing, in words (e.g. no file in the profile)."""
    named: dict[str, Incident] = field(default_factory=dict)
    """Incidents fetched only to name what operators and alarms refer to."""

    def records_summary(self) -> str:
        """`12 operator actions, 40 alarms` (or what is missing), for status lines."""
        actions = "no audit trail" if self.activity is None else f"{len(self.activity)} operator actions"
        alarms = "no alarm history" if self.alarm_kpis is None else f"{self.alarm_kpis.total} alarms"
        return f"{actions}, {alarms}"

    def incident(self, incident_id: str) -> Incident | None:
        """The incident with this id among everything the report holds (None when unknown)."""
        for group in (self.still_open, self.opened, self.closed, self.breaches):
            for incident in group:
                if incident.incident_id == incident_id:
                    return incident
        return self.named.get(incident_id)

    @staticmethod
    def latest_entries(incident: Incident, count: int = 3) -> list[IncidentTimelineEvent]:
        """The last `count` timeline entries, newest first."""
        return sorted(incident.timeline, key=lambda e: e.timestamp, reverse=True)[:count]


def closed_at(incident: Incident) -> datetime | None:
    """When the incident was resolved or cancelled; None while it is active."""
    if incident.status.is_active or incident.status.is_unknown:
        return None
    return incident.resolved_at or incident.cancelled_at or incident.updated_at


def breach_time(incident: Incident) -> datetime | None:
    """When the incident first breached its SLA; None when it never did."""
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
        (i for i in chosen if i.created_at <= window.end and _open_at(i, window.end)),
        key=lambda i: (breach_time(i) is None, priority_key(i)),
    )
    data.breaches = sorted(
        (i for i in chosen if breach_time(i) in window), key=lambda i: breach_time(i) or i.created_at
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
