"""Incident analytics as pure values: counts, SLA figures and the local hour × weekday table.

No Qt here, so every number the supervisor sees is unit-tested on its own. Hours and weekdays are
local to the stats' `zone` (the service area's); weekdays run Monday (0) to Sunday (6).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sety_console.api.models import Category, Incident, IncidentStatus, TimelineEventType
from sety_console.core.local_time import LocalZone
from sety_console.core.wording import WEEKDAYS

__all__ = [
    "CATEGORY_ORDER",
    "HOURS",
    "SEVERITY_ORDER",
    "STATUS_ORDER",
    "IncidentStats",
    "aggregate",
    "is_breached",
    "ordered_counts",
]

HOURS = 24


def is_breached(incident: Incident) -> bool:
    """True when the SLA block says so, or the timeline records an `sla_breached` event."""
    if incident.sla is not None and incident.sla.breached:
        return True
    return any(entry.event is TimelineEventType.sla_breached for entry in incident.timeline)


@dataclass
class IncidentStats:
    """Running totals over a set of incidents; `add` ignores an incident id already counted."""

    zone: LocalZone = field(default_factory=LocalZone)
    """Where the hour × weekday table is counted (the service area's zone)."""
    total: int = 0
    by_category: Counter[str] = field(default_factory=Counter)
    by_severity: Counter[str] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)
    assign_seconds: list[float] = field(default_factory=list)
    arrive_seconds: list[float] = field(default_factory=list)
    with_sla: int = 0
    breached: int = 0
    drills: int = 0
    hour_weekday: list[list[int]] = field(default_factory=lambda: [[0] * HOURS for _ in WEEKDAYS])
    """`hour_weekday[weekday][hour]`: incidents created in that local hour of that local weekday."""
    _seen: set[str] = field(default_factory=set, repr=False)

    def add(self, incidents: Iterable[Incident]) -> int:
        """Count `incidents` not counted before; returns how many were new."""
        added = 0
        for incident in incidents:
            if incident.incident_id in self._seen:
                continue
            self._seen.add(incident.incident_id)
            self._count(incident)
            added += 1
        return added

    def _count(self, incident: Incident) -> None:
        self.total += 1
        self.by_category[incident.category.value] += 1
        self.by_severity[incident.severity.value] += 1
        self.by_status[incident.status.value] += 1
        self.drills += incident.is_drill
        created = self.zone.localise(incident.created_at)
        self.hour_weekday[created.weekday()][created.hour] += 1
        breached = is_breached(incident)
        self.breached += breached
        sla = incident.sla
        if sla is None:
            self.with_sla += breached
            return
        self.with_sla += 1
        if sla.time_to_assign_seconds is not None:
            self.assign_seconds.append(sla.time_to_assign_seconds)
        if sla.time_to_arrive_seconds is not None:
            self.arrive_seconds.append(sla.time_to_arrive_seconds)

    @property
    def breach_rate(self) -> float | None:
        """Breached ÷ incidents with SLA figures, 0–1; None when no incident has any."""
        return self.breached / self.with_sla if self.with_sla else None

    @property
    def busiest_slot(self) -> tuple[int, int, int] | None:
        """(weekday, hour, count) of the busiest local hour of the week; None when all are zero."""
        best = max(
            (
                (day, hour, count)
                for day, row in enumerate(self.hour_weekday)
                for hour, count in enumerate(row)
            ),
            key=lambda slot: slot[2],
        )
        return best if best[2] else None


def aggregate(incidents: Iterable[Incident], zone: LocalZone | None = None) -> IncidentStats:
    """The statistics of `incidents` (duplicates by id counted once), hours local to `zone`."""
    stats = IncidentStats(zone=zone or LocalZone())
    stats.add(incidents)
    return stats


def ordered_counts(counts: Counter[str], known: Sequence[str]) -> list[tuple[str, int]]:
    """`known` values in their order (zeros included), then any unknown value seen, by count."""
    rows = [(value, counts.get(value, 0)) for value in known]
    extra = sorted(((v, n) for v, n in counts.items() if v not in known), key=lambda vn: (-vn[1], vn[0]))
    return rows + extra


CATEGORY_ORDER = tuple(member.value for member in Category)
SEVERITY_ORDER = ("critical", "high", "medium", "low")
STATUS_ORDER = tuple(member.value for member in IncidentStatus)
