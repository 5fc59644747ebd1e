"""Safety scores: 100 plus the impacts of a few readable factors, kept within 0–100.

Factors (impact = points added; negative makes the place less safe):

* `incident_density`: incidents per km² over the last 90 days, each weighted by recency (half-life
  30 days) and status (a cancelled incident, mostly a false alarm, counts 0.4); up to −40.
* `incident_severity`: the same for high and critical incidents only (critical counts 1.56); up to −15.
* `recent_incidents`: incidents per km² in the last 7 days; up to −25.
* `time_of_day`: how much more (or less) often incidents happen nearby at this UTC hour than on
  average; −12 to +5 (only with at least 5 incidents to learn from).
* `danger_zone_nearby`: the worst danger zone reaching within the radius; −3 (low) to −15 (severe),
  60 % of that when the point is outside the zone itself.
* `responder_coverage`: police stations (+3), fire stations (+2) and hospitals (+1) within 2 km; up to +10.

The density scales are per km², so a score does not depend on the radius asked for, and are set so
that, with a history like the demo's (~55 incidents a day across Lagos), a quiet district scores
"safe", an average one "moderate" and a motor park at night "danger".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from sety_console.api.models import DangerZone, SafetyFactor, SafetyScore

from .bands import clamp_score, risk_rank, safety_level
from .geo import bbox_around, circle_area_km2, distances_m, geo_point, haversine_m
from .records import SEVERITY_WEIGHT, WINDOW_DAYS, Columns, FloatArray, IncidentPoint, columns
from .safe_places import places_within

DENSITY_MAX, DENSITY_SCALE = 40.0, 14.0
SEVERITY_MAX, SEVERITY_SCALE = 15.0, 10.0
RECENT_MAX, RECENT_SCALE = 25.0, 2.7
"""Penalty caps and the per-km² values at which 63 % of the cap is reached (calibrated on demo data)."""

ZONE_IMPACT = {"low": 3, "moderate": 6, "high": 10, "severe": 15}
COVERAGE_KM = 2.0
COVERAGE_POINTS = {"police_station": 3, "fire_station": 2, "hospital": 1}
TIME_WINDOW_HOURS = 3


@dataclass(frozen=True, slots=True)
class Exposure:
    """What happened in one area over the last 90 days."""

    area_km2: float
    count: int
    recent_7d: int
    load: float
    severe_count: int
    severe_load: float
    by_hour: list[int]


def exposure(cols: Columns, area_km2: float) -> Exposure:
    """Exposure of an area from the columns of its last-90-days incidents."""
    severe = cols.severity_weight >= SEVERITY_WEIGHT["high"]
    return Exposure(
        area_km2=max(area_km2, 1e-6),
        count=len(cols),
        recent_7d=int(np.count_nonzero(cols.age_days <= 7.0)),
        load=float(cols.weight.sum()),
        severe_count=int(np.count_nonzero(severe)),
        severe_load=float((cols.weight * cols.severity_weight * severe).sum() / SEVERITY_WEIGHT["high"]),
        by_hour=np.bincount(cols.hour, minlength=24).tolist(),
    )


def saturating(value: FloatArray | float, cap: float, scale: float) -> FloatArray | float:
    """`cap × (1 − e^(−value/scale))`: grows with `value`, never above `cap`."""
    return cap * (1.0 - np.exp(-np.asarray(value) / scale))


def core_score(load: FloatArray, severe_load: FloatArray, recent: FloatArray, area_km2: float) -> FloatArray:
    """Score from the three incident factors alone (vectorised; used to rank the city's places)."""
    penalty = (
        np.rint(saturating(load / area_km2, DENSITY_MAX, DENSITY_SCALE))
        + np.rint(saturating(severe_load / area_km2, SEVERITY_MAX, SEVERITY_SCALE))
        + np.rint(saturating(recent / area_km2, RECENT_MAX, RECENT_SCALE))
    )
    result: FloatArray = np.clip(100.0 - penalty, 0.0, 100.0)
    return result


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def incident_factors(exp: Exposure, radius_text: str) -> list[SafetyFactor]:
    """The density, severity and recency factors of an area."""
    density = -round(float(saturating(exp.load / exp.area_km2, DENSITY_MAX, DENSITY_SCALE)))
    severity = -round(float(saturating(exp.severe_load / exp.area_km2, SEVERITY_MAX, SEVERITY_SCALE)))
    recent = -round(float(saturating(exp.recent_7d / exp.area_km2, RECENT_MAX, RECENT_SCALE)))
    if exp.count:
        density_text = f"{_plural(exp.count, 'incident')} within {radius_text} in the last {WINDOW_DAYS} days"
        severity_text = f"{exp.severe_count} of them high or critical"
    else:
        density_text = f"No incidents within {radius_text} in the last {WINDOW_DAYS} days"
        severity_text = "No high or critical incidents nearby"
    recent_text = (
        f"{_plural(exp.recent_7d, 'incident')} within {radius_text} in the last 7 days"
        if exp.recent_7d
        else f"No incidents within {radius_text} in the last 7 days"
    )
    return [
        SafetyFactor(name="recent_incidents", impact=recent, description=recent_text),
        SafetyFactor(name="incident_density", impact=density, description=density_text),
        SafetyFactor(name="incident_severity", impact=severity, description=severity_text),
    ]


def peak_window(by_hour: Sequence[int], width: int = TIME_WINDOW_HOURS) -> int:
    """First UTC hour of the `width`-hour window (wrapping at midnight) with the most incidents."""
    sums = [sum(by_hour[(start + i) % 24] for i in range(width)) for start in range(24)]
    return max(range(24), key=lambda start: (sums[start], -start))


def time_factor(by_hour: Sequence[int], hour: int) -> SafetyFactor | None:
    """How the incidents nearby fall at `hour` (± 1) compared with the average hour; None when quiet."""
    total = sum(by_hour)
    if total < 5:
        return None
    share = TIME_WINDOW_HOURS / 24.0
    around = sum(by_hour[(hour + d) % 24] for d in (-1, 0, 1))
    ratio = (around + 24 * share) / (total + 24) / share  # shrunk towards "like any hour"
    impact = -min(12, round(8 * (ratio - 1))) if ratio > 1 else min(5, round(6 * (1 - ratio)))
    if impact == 0:
        return None
    start = peak_window(by_hour)
    window = f"between {start:02d}:00 and {(start + TIME_WINDOW_HOURS) % 24:02d}:00 UTC"
    if impact < 0:
        text = f"Incidents nearby cluster {window}; it is {hour:02d}:00 UTC"
    else:
        text = f"Few incidents nearby around {hour:02d}:00 UTC; they cluster {window}"
    return SafetyFactor(name="time_of_day", impact=impact, description=text)


def coverage_factor(lat: float, lng: float) -> SafetyFactor:
    """Police stations, fire stations and hospitals within 2 km."""
    counts = dict.fromkeys(COVERAGE_POINTS, 0)
    for _, place in places_within(lat, lng, COVERAGE_KM * 1000.0):
        counts[place.kind] = counts.get(place.kind, 0) + 1
    impact = min(10, sum(COVERAGE_POINTS[kind] * n for kind, n in counts.items() if kind in COVERAGE_POINTS))
    words = {"police_station": "police station", "fire_station": "fire station", "hospital": "hospital"}
    parts = [_plural(counts[kind], words[kind]) for kind in COVERAGE_POINTS if counts[kind]]
    if not parts:
        text = f"No police station, fire station or hospital within {COVERAGE_KM:g} km"
    else:
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        text = f"{listed} within {COVERAGE_KM:g} km"
    return SafetyFactor(name="responder_coverage", impact=impact, description=text)


def _distance_text(metres: float) -> str:
    return f"{round(metres, -1):.0f} m" if metres < 1000 else f"{metres / 1000:.1f} km"


def zone_factor(zones: Sequence[DangerZone], lat: float, lng: float, radius_km: float) -> SafetyFactor | None:
    """The worst danger zone whose circle reaches within `radius_km`; None when there is none."""
    reach: list[tuple[int, float, DangerZone]] = []
    for zone in zones:
        distance = haversine_m(lat, lng, zone.center.lat, zone.center.lng)
        if distance - zone.radius_meters <= radius_km * 1000.0:
            reach.append((risk_rank(zone.risk_level.value), distance, zone))
    if not reach:
        return None
    _, distance, zone = max(reach, key=lambda item: (item[0], -item[1], item[2].zone_id))
    level = zone.risk_level.value
    full = ZONE_IMPACT.get(level, ZONE_IMPACT["moderate"])
    if distance <= zone.radius_meters:
        return SafetyFactor(
            name="danger_zone_nearby", impact=-full, description=f"Inside {zone.name} ({level} risk zone)"
        )
    text = f"{zone.name} ({level}) is {_distance_text(distance)} away"
    return SafetyFactor(name="danger_zone_nearby", impact=-round(full * 0.6), description=text)


def combine(factors: list[SafetyFactor]) -> tuple[int, list[SafetyFactor]]:
    """The score (100 + impacts, within 0–100) and the factors, most harmful first."""
    ordered = sorted(factors, key=lambda f: (f.impact, f.name))
    return clamp_score(100 + sum(f.impact for f in ordered)), ordered


def radius_text(radius_km: float) -> str:
    """`2 km`, `0.5 km`, as descriptions write a radius."""
    return f"{round(radius_km, 2):g} km"


def check_point(lat: float, lng: float, radius_km: float) -> None:
    """Refuse a point or radius no one could mean, in words an operator understands."""
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lng <= 180.0):
        raise ValueError("latitude must be within -90..90 and longitude within -180..180")
    if not (radius_km > 0 and math.isfinite(radius_km)):
        raise ValueError("the radius must be a positive number of kilometres")


def area_columns(
    points: Sequence[IncidentPoint],
    lat: float,
    lng: float,
    radius_km: float,
    now: datetime,
    days: float = WINDOW_DAYS,
) -> Columns:
    """Columns of the incidents within `radius_km` of the point created in the last `days` days."""
    cols = columns(points, now)
    box = cols.subset(cols.in_bbox(bbox_around(lat, lng, radius_km)) & cols.within_days(days))
    return box.subset(distances_m(lat, lng, box.lat, box.lng) <= radius_km * 1000.0)


def safety_score(
    points: Sequence[IncidentPoint],
    lat: float,
    lng: float,
    radius_km: float,
    now: datetime,
    zones: Sequence[DangerZone] = (),
) -> SafetyScore:
    """Safety of a place (0–100, 100 safest) from the incidents within `radius_km` over the last 90 days.

    Pass the current danger `zones` to add the `danger_zone_nearby` factor.
    """
    check_point(lat, lng, radius_km)
    return score_area(area_columns(points, lat, lng, radius_km, now), lat, lng, radius_km, now, zones)


def score_area(
    cols: Columns, lat: float, lng: float, radius_km: float, now: datetime, zones: Sequence[DangerZone]
) -> SafetyScore:
    """The safety score of a place from the columns of its last-90-days incidents within `radius_km`."""
    exp = exposure(cols, circle_area_km2(radius_km))
    factors = incident_factors(exp, radius_text(radius_km))
    factors.append(coverage_factor(lat, lng))
    for optional in (time_factor(exp.by_hour, now.hour), zone_factor(zones, lat, lng, radius_km)):
        if optional is not None:
            factors.append(optional)
    score, ordered = combine(factors)
    return SafetyScore(
        score=score,
        level=safety_level(score),
        location=geo_point(lat, lng),
        radius_km=float(radius_km),
        incident_count=exp.count,
        recent_incidents_7d=exp.recent_7d,
        factors=ordered,
        computed_at=now,
    )
