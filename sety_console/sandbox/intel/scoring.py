"""Safety-score arithmetic for many places at once: one place, or every place of the city.

A place's score is 100 plus the impacts of its factors (see `score`). Here every impact is computed
as an array over places, with the same distance test, rounding and caps, so the score the area panel
shows for a point and the scores of the city's places it is ranked among (`city`) come from one
computation: a percentile can never disagree with the score beside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sety_console.api.models import DangerZone

from ..geodata import SAFE_PLACES
from .bands import risk_rank
from .geo import METRES_PER_DEGREE
from .nearby import cos_lat, sum_within, within
from .records import SEVERITY_WEIGHT, Columns, FloatArray, IntArray

DENSITY_MAX, DENSITY_SCALE = 40.0, 8.4
SEVERITY_MAX, SEVERITY_SCALE = 15.0, 6.0
RECENT_MAX, RECENT_SCALE = 25.0, 1.6
"""Penalty caps and the per-km² values at which 63 % of the cap is reached (calibrated on demo data)."""
TIME_WINDOW_HOURS = 3
TIME_MIN_INCIDENTS = 5
ZONE_IMPACT = {"low": 3, "moderate": 6, "high": 10, "severe": 15}
ZONE_NEARBY_SHARE = 0.6
COVERAGE_KM = 2.0
COVERAGE_POINTS = {"police_station": 3, "fire_station": 2, "hospital": 1}
COVERAGE_MAX = 10


@dataclass(frozen=True, slots=True)
class Sums:
    """Per place, over its incidents of the last 90 days within the radius."""

    count: IntArray
    recent_7d: IntArray
    severe_count: IntArray
    load: FloatArray
    severe_load: FloatArray
    around_hour: IntArray
    """Incidents in the three hours around the hour asked about (any day)."""


def sums_within(cols: Columns, lats: FloatArray, lngs: FloatArray, radius_m: float, hour: int) -> Sums:
    """What each place (centre `lats[i]`, `lngs[i]`) has within `radius_m`, from `cols` (last 90 days)."""
    severe = cols.severity_weight >= SEVERITY_WEIGHT["high"]
    near_hour = np.isin(cols.hour, [(hour + d) % 24 for d in (-1, 0, 1)])
    channels = np.column_stack(
        [
            np.ones(len(cols)),
            (cols.age_days <= 7.0).astype(np.float64),
            severe.astype(np.float64),
            cols.weight,
            cols.weight * cols.severity_weight * severe / SEVERITY_WEIGHT["high"],
            near_hour.astype(np.float64),
        ]
    )
    totals = sum_within(lats, lngs, cols, channels, radius_m)
    counts = np.rint(totals[:, [0, 1, 2, 5]]).astype(np.int64)
    return Sums(
        count=counts[:, 0],
        recent_7d=counts[:, 1],
        severe_count=counts[:, 2],
        load=totals[:, 3],
        severe_load=totals[:, 4],
        around_hour=counts[:, 3],
    )


def saturating(value: FloatArray | float, cap: float, scale: float) -> FloatArray:
    """`cap × (1 − e^(−value/scale))`: grows with `value`, never above `cap`."""
    result: FloatArray = cap * (1.0 - np.exp(-np.asarray(value, dtype=np.float64) / scale))
    return result


def incident_impacts(sums: Sums, area_km2: float) -> dict[str, IntArray]:
    """The density, severity and recency impacts (≤ 0) of each place."""
    area = max(area_km2, 1e-6)
    return {
        "incident_density": -np.rint(saturating(sums.load / area, DENSITY_MAX, DENSITY_SCALE)).astype(
            np.int64
        ),
        "incident_severity": -np.rint(
            saturating(sums.severe_load / area, SEVERITY_MAX, SEVERITY_SCALE)
        ).astype(np.int64),
        "recent_incidents": -np.rint(saturating(sums.recent_7d / area, RECENT_MAX, RECENT_SCALE)).astype(
            np.int64
        ),
    }


def time_ratio(total: IntArray, around: IntArray) -> FloatArray:
    """How much more often incidents happen in the hours around now than in an average 3 hours.

    Shrunk towards 1 ("like any hour") by 24 imaginary incidents spread evenly over the day.
    """
    share = TIME_WINDOW_HOURS / 24.0
    result: FloatArray = (around + 24 * share) / (total + 24) / share
    return result


def time_impacts(total: IntArray, around: IntArray) -> IntArray:
    """−12 to +5 per place (0 with fewer than 5 incidents): busier or quieter hours than average."""
    ratio = time_ratio(total, around)
    worse = -np.minimum(12, np.rint(8 * (ratio - 1)))
    better = np.minimum(5, np.rint(6 * (1 - ratio)))
    impact = np.where(ratio > 1, worse, better).astype(np.int64)
    result: IntArray = np.where(total >= TIME_MIN_INCIDENTS, impact, 0)
    return result


_SAFE_LATS = np.array([p.lat for p in SAFE_PLACES])
_SAFE_LNGS = np.array([p.lng for p in SAFE_PLACES])
_SAFE_POINTS = np.array([COVERAGE_POINTS.get(p.kind, 0) for p in SAFE_PLACES])


def coverage(lats: FloatArray, lngs: FloatArray) -> tuple[IntArray, np.ndarray]:
    """Each place's coverage impact (0 to +10) and which safe places count (places × safe places)."""
    near = within(lats, lngs, cos_lat(lats), _SAFE_LATS, _SAFE_LNGS, COVERAGE_KM * 1000.0)
    near &= _SAFE_POINTS[None, :] > 0
    impact: IntArray = np.minimum(COVERAGE_MAX, near.astype(np.int64) @ _SAFE_POINTS)
    return impact, near


def zone_impacts(
    zones: Sequence[DangerZone], lats: FloatArray, lngs: FloatArray, radius_km: float
) -> tuple[IntArray, IntArray, FloatArray]:
    """Per place: the worst reaching zone's impact (≤ 0), its index in `zones` (-1: none) and distance.

    A zone reaches a place when its circle comes within `radius_km`; the worst is the highest risk
    level, then the nearest, then the smallest id. Inside the zone it costs its level's points, near
    it 60 % of them.
    """
    count = len(lats)
    if not zones:
        return np.zeros(count, dtype=np.int64), np.full(count, -1, dtype=np.int64), np.zeros(count)
    centres_lat = np.array([z.center.lat for z in zones])
    centres_lng = np.array([z.center.lng for z in zones])
    k = cos_lat(lats)
    dx = (centres_lng[None, :] - lngs[:, None]) * (METRES_PER_DEGREE * k)[:, None]
    dy = (centres_lat[None, :] - lats[:, None]) * METRES_PER_DEGREE
    distance = np.hypot(dx, dy)
    radii = np.array([z.radius_meters for z in zones])
    reaches = distance - radii[None, :] <= radius_km * 1000.0
    ranks = np.array([risk_rank(z.risk_level.value) for z in zones])
    by_id = np.argsort(np.argsort([z.zone_id for z in zones]))  # position of each zone in id order
    key = np.where(reaches, ranks[None, :] * 1e12 - distance * 1e3 - by_id[None, :] * 1e-3, -np.inf)
    chosen = np.where(reaches.any(axis=1), np.argmax(key, axis=1), -1)
    full = np.array([ZONE_IMPACT.get(z.risk_level.value, ZONE_IMPACT["moderate"]) for z in zones])
    rows = np.arange(count)
    picked = np.clip(chosen, 0, None)
    gap = distance[rows, picked]
    inside = gap <= radii[picked]
    cost = np.where(inside, full[picked], np.rint(full[picked] * ZONE_NEARBY_SHARE)).astype(np.int64)
    impact: IntArray = np.where(chosen >= 0, -cost, 0)
    return impact, chosen.astype(np.int64), gap


def combine_scores(*impacts: IntArray) -> IntArray:
    """100 plus the impacts, kept within 0–100."""
    result: IntArray = np.clip(100 + np.sum(impacts, axis=0), 0, 100).astype(np.int64)
    return result


def place_scores(
    cols: Columns,
    lats: FloatArray,
    lngs: FloatArray,
    radius_km: float,
    hour: int,
    zones: Sequence[DangerZone],
    coverage_impacts: IntArray | None = None,
) -> IntArray:
    """The safety score of each place (`cols`: the last 90 days' incidents; `hour`: UTC hour now)."""
    sums = sums_within(cols, lats, lngs, radius_km * 1000.0, hour)
    area_km2 = math.pi * radius_km * radius_km
    incidents = incident_impacts(sums, area_km2)
    covered = coverage(lats, lngs)[0] if coverage_impacts is None else coverage_impacts
    return combine_scores(
        *incidents.values(),
        time_impacts(sums.count, sums.around_hour),
        covered,
        zone_impacts(zones, lats, lngs, radius_km)[0],
    )
