"""The city as a set of 1 km places, each scored like the place being analysed, to rank it among them.

A "place" is a 1 km grid cell whose centre lies in one of the seeded districts (so the lagoon and
the empty bush do not count as safe places). Each place gets the full safety score at its centre
with the same radius, window, hour and danger zones as the analysed point (`scoring.place_scores`),
so the percentile ("safer than N % of the city's places") is the share of places whose score is
lower than the score shown beside it, and the area and city averages are means of those scores.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from sety_console.api.models import DangerZone, LocationComparison, Trend

from ..geodata import NEIGHBOURHOODS
from .geo import distances_m, haversine_m
from .grid import Cell, Grid
from .records import Columns, FloatArray, IntArray
from .scoring import coverage, place_scores

PLACE_M = 1000.0
AREA_KM = 10.0
"""The "surrounding area" of a comparison: places whose centre is within 10 km."""
TREND_THRESHOLD_PERCENT = 10.0
TREND_MIN_COUNT = 5


@dataclass(frozen=True, slots=True)
class CityPlaces:
    """Centres and safety scores of the city's places (for one radius, window, hour and zone set)."""

    lats: FloatArray
    lngs: FloatArray
    scores: IntArray

    @property
    def area_km2(self) -> float:
        """Populated area of the city, in km²."""
        return len(self.scores) * (PLACE_M / 1000.0) ** 2

    def percentile(self, score: int) -> int:
        """Share (%) of the places with a lower score than `score`, rounded down."""
        if not len(self.scores):
            return 0
        return math.floor(100.0 * float(np.count_nonzero(self.scores < score)) / len(self.scores))


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


@functools.cache
def _centres() -> tuple[FloatArray, FloatArray, IntArray]:
    """Centres of the populated places and their (fixed) responder-coverage impacts."""
    grid = Grid(PLACE_M)
    centres = np.array([grid.centre(cell) for cell in populated_cells()]).reshape(-1, 2)
    lats, lngs = centres[:, 0].copy(), centres[:, 1].copy()
    return lats, lngs, coverage(lats, lngs)[0]


def city_places(cols: Columns, radius_km: float, now: datetime, zones: Sequence[DangerZone]) -> CityPlaces:
    """Score every place from `cols`, the city's incidents of the last 90 days (UTC hour of `now`)."""
    lats, lngs, covered = _centres()
    scores = place_scores(cols, lats, lngs, radius_km, now.hour, zones, coverage_impacts=covered)
    return CityPlaces(lats=lats, lngs=lngs, scores=scores)


def compare(
    city: CityPlaces, lat: float, lng: float, score: int, current: int, previous: int | None
) -> LocationComparison:
    """How the place (scored `score`) compares with its surroundings and the city, and its trend.

    `current` and `previous` are its incident counts in the period and in the period before it;
    `previous` is None when the history does not reach back over the whole period before, and then
    there is no change to tell (`change_percent` null, `trend` stable).
    """
    if len(city.scores):
        city_average = float(city.scores.mean())
        near = distances_m(lat, lng, city.lats, city.lngs) <= AREA_KM * 1000.0
        area_average = float(city.scores[near].mean()) if near.any() else city_average
    else:
        city_average = area_average = float(score)
    change = round(100.0 * (current - previous) / previous, 1) if previous else None
    return LocationComparison(
        area_average_score=round(area_average),
        city_average_score=round(city_average),
        percentile=city.percentile(score),
        trend=trend(current, previous or 0),
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
