"""Incident analytics as pure functions and values: counts, SLA figures, histograms, hour × weekday.

No Qt here, so every number the supervisor sees is unit-tested on its own. Times are UTC; weekdays
run Monday (0) to Sunday (6), as the contract's `TimeAnalysis` does.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sety_console.api.models import Category, Incident, IncidentStatus, TimelineEventType

__all__ = [
    "CATEGORY_ORDER",
    "HOURS",
    "SEVERITY_ORDER",
    "STATUS_ORDER",
    "WEEKDAYS",
    "Bin",
    "IncidentStats",
    "aggregate",
    "histogram",
    "is_breached",
    "ordered_counts",
    "percentile",
]

HOURS = 24
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
NICE_WIDTHS_SECONDS = (5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400)


def is_breached(incident: Incident) -> bool:
    """True when the SLA block says so, or the timeline records an `sla_breached` event."""
    if incident.sla is not None and incident.sla.breached:
        return True
    return any(entry.event is TimelineEventType.sla_breached for entry in incident.timeline)


@dataclass
class IncidentStats:
    """Running totals over a set of incidents; `add` ignores an incident id already counted."""

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
    """`hour_weekday[weekday][hour]`: incidents created in that UTC hour of that weekday."""
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
        created = incident.created_at
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
        """(weekday, hour, count) of the busiest UTC hour of the week; None when all are zero."""
        best = max(
            (
                (day, hour, count)
                for day, row in enumerate(self.hour_weekday)
                for hour, count in enumerate(row)
            ),
            key=lambda slot: slot[2],
        )
        return best if best[2] else None


def aggregate(incidents: Iterable[Incident]) -> IncidentStats:
    """The statistics of `incidents` (duplicates by id counted once)."""
    stats = IncidentStats()
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


def percentile(values: Sequence[float], q: float) -> float | None:
    """The `q`-th percentile (0–100) with linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * min(max(q, 0.0), 100.0) / 100.0
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True, slots=True)
class Bin:
    """One histogram bar: `start` ≤ value < `end` seconds; `end` None is the open last bar."""

    start: float
    end: float | None
    count: int


def histogram(values: Sequence[float], max_bins: int = 12) -> list[Bin]:
    """Bars of a round width (5 s … 1 day) from zero; far-out values share an open last bar.

    The bulk is every value up to the upper outer fence (third quartile + 3 × the interquartile
    range); the width is the smallest round one that fits it in `max_bins - 1` bars, so one very
    slow incident never squashes the rest into a single bar.
    """
    if not values:
        return []
    q1, q3 = percentile(values, 25) or 0.0, percentile(values, 75) or 0.0
    fence = q3 + 3 * (q3 - q1)
    top = max(v for v in values if v <= fence)
    width = next(
        (w for w in NICE_WIDTHS_SECONDS if math.floor(top / w) + 1 <= max_bins - 1), NICE_WIDTHS_SECONDS[-1]
    )
    closed = math.floor(top / width) + 1
    counts = [0] * closed
    overflow = 0
    for value in values:
        index = int(max(value, 0.0) // width)
        if index < closed:
            counts[index] += 1
        else:
            overflow += 1
    bins = [Bin(i * width, (i + 1) * width, n) for i, n in enumerate(counts)]
    if overflow:
        bins.append(Bin(closed * width, None, overflow))
    return bins
