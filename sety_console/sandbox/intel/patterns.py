"""When and where incidents repeat around a place: time analysis, hotspots, recurring patterns."""

from __future__ import annotations

import numpy as np

from sety_console.api.models import Category, Hotspot, IncidentPatterns, RecurringPattern, TimeAnalysis

from .geo import geo_point
from .grid import Grid, pack
from .records import CATEGORIES, BoolArray, Columns, IntArray, ranked
from .zones import top_hours

HOTSPOT_CELL_M = 250.0
HOTSPOT_MIN = 3
HOTSPOT_LIMIT = 5
RECURRING_MIN = 3
RECURRING_LIMIT = 5
SLOTS_PER_WEEK = 7 * 24


def time_analysis(cols: Columns) -> TimeAnalysis:
    """Counts by UTC hour and weekday (Monday = 0), the three busiest and the three quietest hours."""
    by_hour = np.bincount(cols.hour, minlength=24).tolist()
    quiet = sorted(range(24), key=lambda h: (by_hour[h], h))[:3] if len(cols) else []
    return TimeAnalysis(
        by_hour=by_hour,
        by_weekday=np.bincount(cols.weekday, minlength=7).tolist(),
        riskiest_hours=top_hours(cols.hour),
        safest_hours=quiet,
    )


def patterns(cols: Columns) -> IncidentPatterns:
    """Hotspots, recurring (category, weekday, hour) patterns and the categories seen, most first."""
    categories = cols.counts("category")
    return IncidentPatterns(
        hotspots=hotspots(cols),
        recurring=recurring(cols),
        common_categories=[Category(c) for c in ranked(categories, CATEGORIES)],
    )


def hotspots(cols: Columns) -> list[Hotspot]:
    """Up to five clusters, largest first: the fullest 250 m cell with its free neighbours, repeatedly.

    A cluster needs at least three incidents; its centre is the mean position of its incidents.
    """
    if len(cols) == 0:
        return []
    keys, inverse, counts = np.unique(
        Grid(HOTSPOT_CELL_M).keys(cols.lat, cols.lng), return_inverse=True, return_counts=True
    )
    used = np.zeros(len(keys), dtype=np.bool_)
    found: list[Hotspot] = []
    for start in np.lexsort((keys, -counts)).tolist():
        if len(found) >= HOTSPOT_LIMIT:
            break
        if used[start]:
            continue
        block = _free_block(keys, used, int(keys[start]))
        if int(counts[block].sum()) < HOTSPOT_MIN:
            continue
        used[block] = True
        group = cols.subset(np.isin(inverse, block))
        found.append(
            Hotspot(
                center=geo_point(float(group.lat.mean()), float(group.lng.mean()), digits=4),
                incident_count=len(group),
                dominant_category=Category(ranked(group.counts("category"), CATEGORIES)[0]),
            )
        )
    return found


def _free_block(keys: IntArray, used: BoolArray, key: int) -> IntArray:
    """Indexes (in the sorted `keys`) of the occupied, unused cells of the 3 × 3 block around `key`."""
    around = np.array([pack((di, dj)) - pack((0, 0)) for di in (-1, 0, 1) for dj in (-1, 0, 1)]) + key
    at = np.clip(np.searchsorted(keys, around), 0, len(keys) - 1)
    found = at[(keys[at] == around) & ~used[at]]
    result: IntArray = np.unique(found)
    return result


def recurring(cols: Columns) -> list[RecurringPattern]:
    """(category, weekday, UTC hour) slots that keep coming back, strongest first (at most five).

    A slot counts when it holds at least three incidents and at least twice its category's average
    slot (the category's incidents spread evenly over the 168 hours of a week).
    """
    names = cols.labels.category
    slots = np.bincount(
        cols.category * SLOTS_PER_WEEK + cols.weekday * 24 + cols.hour, minlength=len(names) * SLOTS_PER_WEEK
    ).reshape(len(names), SLOTS_PER_WEEK)
    floor = np.maximum(RECURRING_MIN, 2.0 * slots.sum(axis=1, keepdims=True) / SLOTS_PER_WEEK)
    category, slot = np.nonzero(slots >= floor)
    strong = sorted(
        zip((-slots[category, slot]).tolist(), category.tolist(), slot.tolist(), strict=True),
        key=lambda item: (item[0], _contract_order(names[item[1]]), names[item[1]], item[2]),
    )
    return [
        RecurringPattern(category=Category(names[c]), weekday=s // 24, hour=s % 24, count=-negative)
        for negative, c, s in strong[:RECURRING_LIMIT]
    ]


def _contract_order(category: str) -> int:
    return CATEGORIES.index(category) if category in CATEGORIES else len(CATEGORIES)
