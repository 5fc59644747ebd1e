"""What threat intelligence is computed from: one point per (non-drill) incident of the history.

The functions take a plain sequence of `IncidentPoint`s and turn it into numpy columns (`columns`)
for the maths. That conversion is the costly part of a question (15–20 ms for 20,000 points), so
the columns of the last sequence seen are kept: when the next call passes the same point objects
(the same list, or a new list holding the same objects in the same order) they are reused. The check
is exact (object identity of every element, with the old objects kept alive), so a changed history is
never answered from stale columns.
"""

from __future__ import annotations

import operator
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

CATEGORIES: tuple[str, ...] = ("sos", "vehicle", "location_threat", "medical")
"""The contract's categories, in the contract's order (used to break ties)."""

SEVERITIES: tuple[str, ...] = ("low", "medium", "high", "critical")
STATUSES: tuple[str, ...] = (
    "created",
    "dispatching",
    "assigned",
    "responding",
    "on_scene",
    "resolved",
    "cancelled",
)

WINDOW_DAYS = 90
"""The contract's look-back for danger zones and safety scores."""

SEVERITY_WEIGHT: dict[str, float] = {"low": 0.5, "medium": 1.0, "high": 1.6, "critical": 2.5}
"""How much one incident of each severity weighs in risk; unknown severities count as medium."""

CANCELLED_WEIGHT = 0.4
"""A cancelled incident is mostly a false alarm, so it weighs less than a real one."""

RECENCY_HALF_LIFE_DAYS = 30.0
"""An incident's weight halves every 30 days: last week matters more than last quarter."""

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class IncidentPoint:
    """One incident of the history, as the server hands it to the intelligence functions.

    `category`, `severity` and `status` are contract values (unknown values are tolerated);
    `created_at` is timezone-aware UTC; the two delays are the incident's SLA durations when known.
    """

    incident_id: str
    lng: float
    lat: float
    category: str
    severity: str
    status: str
    created_at: datetime
    time_to_assign_seconds: float | None = None
    time_to_arrive_seconds: float | None = None


@dataclass(frozen=True, slots=True)
class Labels:
    """Code → text of the coded columns: the contract's values first, unknown ones after them."""

    category: tuple[str, ...]
    severity: tuple[str, ...]
    status: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Columns:
    """Points of one question as numpy columns (`columns()` builds them; `subset` narrows them).

    `row` indexes `source`, the points as handed in; ages count days back from the `now` of the
    question; `weight` is recency × status (a cancelled incident weighs 0.4), without severity.
    """

    source: Sequence[IncidentPoint]
    labels: Labels
    row: IntArray
    lat: FloatArray
    lng: FloatArray
    timestamp: FloatArray
    age_days: FloatArray
    weight: FloatArray
    severity_weight: FloatArray
    hour: IntArray
    weekday: IntArray
    category: IntArray
    severity: IntArray
    status: IntArray
    arrive_seconds: FloatArray
    """Seconds from creation to arrival; NaN when no responder arrived."""

    def __len__(self) -> int:
        return len(self.row)

    def subset(self, mask: BoolArray) -> Columns:
        """The rows where `mask` is true, in the same order (these very columns when it keeps all)."""
        if bool(mask.all()):
            return self
        return self.take(np.flatnonzero(mask))

    def take(self, index: IntArray | Sequence[int]) -> Columns:
        """The rows at `index`, in that order."""
        at = np.asarray(index, dtype=np.int64)
        arrays = {name: getattr(self, name)[at] for name in _ARRAYS}
        return Columns(source=self.source, labels=self.labels, **arrays)

    def within_days(self, days: float) -> BoolArray:
        """Mask of the points created in the closed window `[now - days, now]`."""
        result: BoolArray = (self.age_days >= 0.0) & (self.age_days <= days)
        return result

    def in_bbox(self, bbox: tuple[float, float, float, float]) -> BoolArray:
        """Mask of the points inside `bbox = (min_lng, min_lat, max_lng, max_lat)`, edges included."""
        min_lng, min_lat, max_lng, max_lat = bbox
        result: BoolArray = (
            (self.lat >= min_lat) & (self.lat <= max_lat) & (self.lng >= min_lng) & (self.lng <= max_lng)
        )
        return result

    def counts(self, field: str) -> dict[str, int]:
        """Counts by `category`, `severity` or `status`: contract values always present, others when seen."""
        names: tuple[str, ...] = getattr(self.labels, field)
        tally = np.bincount(getattr(self, field), minlength=len(names)).tolist()
        known = _KNOWN[field]
        return {name: int(n) for name, n in zip(names, tally, strict=True) if name in known or n > 0}

    def created_at(self, position: int) -> datetime:
        """`created_at` of the point at `position` in these columns."""
        return self.source[int(self.row[position])].created_at


_ARRAYS = tuple(name for name in Columns.__slots__ if name not in ("source", "labels"))
_KNOWN = {"category": frozenset(CATEGORIES), "severity": frozenset(SEVERITIES), "status": frozenset(STATUSES)}


@dataclass(frozen=True, slots=True)
class _Table:
    """The `now`-independent columns of one sequence of points."""

    points: list[IncidentPoint]
    ids: list[int]
    labels: Labels
    arrays: dict[str, Any]
    """Column name → numpy array (never written to: every `Columns` shares them)."""


_cache_lock = threading.Lock()
_cache: _Table | None = None


def columns(points: Sequence[IncidentPoint], now: datetime) -> Columns:
    """All `points` as columns; `age_days` counts back from `now` (negative for points after it)."""
    base = _table(points)
    arrays = dict(base.arrays)
    timestamp: FloatArray = arrays["timestamp"]
    age = (epoch(now) - timestamp) / 86_400.0
    recency = np.power(0.5, np.clip(age, 0.0, None) / RECENCY_HALF_LIFE_DAYS)
    arrays["age_days"] = age
    arrays["weight"] = recency * np.where(arrays.pop("cancelled"), CANCELLED_WEIGHT, 1.0)
    return Columns(source=base.points, labels=base.labels, **arrays)


def epoch(moment: datetime) -> float:
    """Seconds since 1970 of `moment`; a naive moment is taken as UTC (never as the machine's zone)."""
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)).timestamp()


def _table(points: Sequence[IncidentPoint]) -> _Table:
    global _cache
    ids = list(map(id, points))
    cached = _cache
    if cached is not None and cached.ids == ids:
        return cached
    table = _build(list(points), ids)
    with _cache_lock:
        _cache = table
    return table


_FIELDS = operator.attrgetter(
    "lat", "lng", "created_at", "category", "severity", "status", "time_to_arrive_seconds"
)


def _codes(values: Sequence[str], known: tuple[str, ...]) -> tuple[IntArray, tuple[str, ...]]:
    """Small integer codes of `values`: the contract's values first, unknown ones in order of appearance."""
    index = {value: i for i, value in enumerate(known)}
    codes = list(map(index.get, values))
    if None in codes:  # a value this version does not know: give it the next code
        for value in values:
            index.setdefault(value, len(index))
        codes = list(map(index.get, values))
    return np.array(codes, dtype=np.int64).reshape(-1), tuple(index)


def _build(items: list[IncidentPoint], ids: list[int]) -> _Table:
    """Columns of `items`, one C-level pass per field."""

    def field(name: str) -> list[Any]:
        return list(map(operator.attrgetter(name), items))

    timestamp = np.array(list(map(datetime.timestamp, field("created_at"))), dtype=np.float64).reshape(-1)
    category, category_names = _codes(field("category"), CATEGORIES)
    severity, severity_names = _codes(field("severity"), SEVERITIES)
    status, status_names = _codes(field("status"), STATUSES)
    weights = np.array([SEVERITY_WEIGHT.get(name, 1.0) for name in severity_names])
    arrive = np.array(field("time_to_arrive_seconds"), dtype=np.float64).reshape(-1)  # None becomes NaN
    arrays: dict[str, Any] = {
        "row": np.arange(len(items), dtype=np.int64),
        "lat": np.array(field("lat"), dtype=np.float64).reshape(-1),
        "lng": np.array(field("lng"), dtype=np.float64).reshape(-1),
        "timestamp": timestamp,
        "severity_weight": weights[severity],
        "hour": (np.floor(timestamp / 3600.0) % 24).astype(np.int64),
        "weekday": ((np.floor(timestamp / 86_400.0) + 3) % 7).astype(np.int64),  # 1970-01-01 was a Thursday
        "category": category,
        "severity": severity,
        "status": status,
        "cancelled": status == STATUSES.index("cancelled"),
        "arrive_seconds": arrive,
    }
    labels = Labels(category=category_names, severity=severity_names, status=status_names)
    return _Table(points=items, ids=ids, labels=labels, arrays=arrays)


def ranked(counts: dict[str, int], known: tuple[str, ...]) -> list[str]:
    """Keys with a positive count, largest first; ties in contract order, then alphabetical."""
    order = {value: i for i, value in enumerate(known)}
    present = [k for k, v in counts.items() if v > 0]
    return sorted(present, key=lambda k: (-counts[k], order.get(k, len(order)), k))
