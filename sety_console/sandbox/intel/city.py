"""The city as a set of 1 km places, each scored from its own incidents, to compare a location with.

A "place" is a 1 km grid cell whose centre lies in one of the seeded districts (so the lagoon and
the empty bush do not count as safe places). Each place gets the incident part of the safety score
(`score.core_score`: density, severity and recency over the last 90 days, per km²).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from sety_console.api.models import LocationComparison, Trend

from ..geodata import NEIGHBOURHOODS
from .geo import distances_m, haversine_m
from .grid import Cell, Grid, pack
from .records import SEVERITY_WEIGHT, WINDOW_DAYS, Columns, FloatArray, IntArray
from .score import core_score

PLACE_M = 1000.0
AREA_KM = 10.0
"""The "surrounding area" of a comparison: places whose centre is within 10 km."""
TREND_THRESHOLD_PERCENT = 10.0
TREND_MIN_COUNT = 5


@dataclass(frozen=True, slots=True)
class CityPlaces:
    """Centres and incident-only scores of the city's places."""

    lats: FloatArray
    lngs: FloatArray
    scores: FloatArray

    @property
    def area_km2(self) -> float:
        """Populated area of the city, in km²."""
        return len(self.scores) * (PLACE_M / 1000.0) ** 2


@functools.cache
def populated_cells() -> tuple[Cell, ...]:
    """The 1 km cells whose centre lies within a seeded district (computed once)."""
    grid = Grid(PLACE_M)
    found: set[Cell] = set()
    for hood in NEIGHBOURHOODS:
        reach = hood.radius_m + PLACE_M / 2
        low, high = (
            grid.cell_of(hood.lat - 0.05, hood.lng - 0.05),
            grid.cell_of(hood.lat + 0.05, hood.lng + 0.05),
        )
        for i in range(low[0], high[0] + 1):
            for j in range(low[1], high[1] + 1):
                lat, lng = grid.centre((i, j))
                if haversine_m(lat, lng, hood.lat, hood.lng) <= reach:
                    found.add((i, j))
    return tuple(sorted(found))


def city_places(cols: Columns) -> CityPlaces:
    """Score every place from `cols`, the city's incidents of (at least) the last 90 days."""
    grid = Grid(PLACE_M)
    cells = populated_cells()
    slot = _slots(grid, cols)
    keep = cols.within_days(WINDOW_DAYS) & (slot >= 0)
    severe = cols.severity_weight >= SEVERITY_WEIGHT["high"]
    weight = cols.weight[keep]
    size = len(cells)
    severe_weight = weight * (cols.severity_weight * severe)[keep] / SEVERITY_WEIGHT["high"]
    last_week = (cols.age_days[keep] <= 7.0).astype(np.float64)
    load, severe_load, recent_count = (
        np.bincount(slot[keep], weights=w, minlength=size).astype(np.float64)
        for w in (weight, severe_weight, last_week)
    )
    centres = np.array([grid.centre(cell) for cell in cells]).reshape(-1, 2)
    return CityPlaces(
        lats=centres[:, 0],
        lngs=centres[:, 1],
        scores=core_score(load, severe_load, recent_count, (PLACE_M / 1000.0) ** 2),
    )


@functools.cache
def _populated_keys() -> IntArray:
    """Sorted grid keys of the populated cells (their order is the places' order)."""
    return np.array([pack(cell) for cell in populated_cells()], dtype=np.int64)


def _slots(grid: Grid, cols: Columns) -> IntArray:
    """Index of each point's place in `populated_cells()`, or -1 outside every place."""
    keys = grid.keys(cols.lat, cols.lng)
    known = _populated_keys()
    if len(known) == 0:
        return np.full(len(keys), -1, dtype=np.int64)
    at = np.clip(np.searchsorted(known, keys), 0, len(known) - 1)
    result: IntArray = np.where(known[at] == keys, at, -1).astype(np.int64)
    return result


def compare(
    city: CityPlaces, lat: float, lng: float, own_core: float, current: int, previous: int
) -> LocationComparison:
    """How the place compares with its surroundings and the city, and its trend on the previous period.

    `own_core` is the place's incident-only score (so like is compared with like); `current` and
    `previous` are its incident counts in the period and in the period before it.
    """
    if len(city.scores):
        city_average = float(city.scores.mean())
        near = distances_m(lat, lng, city.lats, city.lngs) <= AREA_KM * 1000.0
        area_average = float(city.scores[near].mean()) if near.any() else city_average
        percentile = 100.0 * float(np.count_nonzero(city.scores < own_core)) / len(city.scores)
    else:
        city_average = area_average = own_core
        percentile = 0.0
    change = round(100.0 * (current - previous) / previous, 1) if previous else None
    return LocationComparison(
        area_average_score=round(area_average),
        city_average_score=round(city_average),
        percentile=math.floor(percentile),
        trend=trend(current, previous),
        change_percent=change,
    )


def trend(current: int, previous: int) -> Trend:
    """`worsening` when incidents rose by 10 % or more, `improving` when they fell as much, else `stable`.

    Too few incidents in both periods (under 5 each), or none before, always read as `stable`.
    """
    if previous == 0 or max(current, previous) < TREND_MIN_COUNT:
        return Trend.stable
    change = 100.0 * (current - previous) / previous
    if change >= TREND_THRESHOLD_PERCENT:
        return Trend.worsening
    if change <= -TREND_THRESHOLD_PERCENT:
        return Trend.improving
    return Trend.stable
