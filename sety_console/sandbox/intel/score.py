"""Safety scores: 100 plus the impacts of a few readable factors, kept within 0–100.

Factors (impact = points added; negative makes the place less safe):

* `incident_density`: incidents per km² over the last 90 days, each weighted by recency (half-life
  30 days) and status (a cancelled incident, mostly a false alarm, counts 0.4); up to −40.
* `incident_severity`: the same for high and critical incidents only (critical counts 1.56); up to −15.
* `recent_incidents`: incidents per km² in the last 7 days; up to −25.
* `time_of_day`: how much more (or less) often incidents happen nearby in the hours around now than
  in an average three hours; −12 to +5 (only with at least 5 incidents to learn from).
* `danger_zone_nearby`: the worst danger zone reaching within the radius; −3 (low) to −15 (severe),
  60 % of that when the point is outside the zone itself.
* `responder_coverage`: police stations (+3), fire stations (+2) and hospitals (+1) within 2 km; up to +10.

The density scales are per km², so a score does not depend on the radius asked for, and are set so
that, with a history like the demo's (~33 incidents a day across Lagos), a quiet district scores
"safe", an average one "moderate" and a motor park at night "danger". The arithmetic is `scoring`'s,
shared with the city's places a score is ranked among. Descriptions name no clock time: the
contract's hours are UTC, and the console shows hours in the service area's zone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

import numpy as np

from sety_console.api.models import DangerZone, SafetyFactor, SafetyScore

from ..geodata import SAFE_PLACES
from .bands import clamp_score, safety_level
from .geo import bbox_around, geo_point
from .records import WINDOW_DAYS, Columns, IncidentPoint, columns
from .scoring import (
    COVERAGE_KM,
    COVERAGE_POINTS,
    ZONE_IMPACT,
    Sums,
    coverage,
    incident_impacts,
    sums_within,
    time_impacts,
    time_ratio,
    zone_impacts,
)

__all__ = [
    "ZONE_IMPACT",
    "area_columns",
    "check_point",
    "combine",
    "coverage_factor",
    "incident_factors",
    "radius_text",
    "safety_score",
    "score_area",
    "sums_of",
    "time_factor",
]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def sums_of(cols: Columns, hour: int) -> Sums:
    """The totals of an area already cut to its incidents (a route's corridor): one "place"."""
    everywhere = np.array([0.0])
    return sums_within(cols, everywhere, everywhere, math.inf, hour)


def incident_factors(sums: Sums, area_km2: float, radius_text: str) -> list[SafetyFactor]:
    """The density, severity and recency factors of one place (`sums` of one place)."""
    impacts = {name: int(values[0]) for name, values in incident_impacts(sums, area_km2).items()}
    count, recent, severe = int(sums.count[0]), int(sums.recent_7d[0]), int(sums.severe_count[0])
    if count:
        density_text = f"{_plural(count, 'incident')} within {radius_text} in the last {WINDOW_DAYS} days"
        severity_text = f"{severe} of them high or critical"
    else:
        density_text = f"No incidents within {radius_text} in the last {WINDOW_DAYS} days"
        severity_text = "No high or critical incidents nearby"
    recent_text = (
        f"{_plural(recent, 'incident')} within {radius_text} in the last 7 days"
        if recent
        else f"No incidents within {radius_text} in the last 7 days"
    )
    return [
        SafetyFactor(name="recent_incidents", impact=impacts["recent_incidents"], description=recent_text),
        SafetyFactor(name="incident_density", impact=impacts["incident_density"], description=density_text),
        SafetyFactor(
            name="incident_severity", impact=impacts["incident_severity"], description=severity_text
        ),
    ]


def time_factor(sums: Sums) -> SafetyFactor | None:
    """How incidents nearby fall in the hours around now compared with the average; None when quiet."""
    impact = int(time_impacts(sums.count, sums.around_hour)[0])
    if impact == 0:
        return None
    ratio = float(time_ratio(sums.count, sums.around_hour)[0])
    if impact < 0:
        text = f"Around this hour of day incidents nearby are {ratio:.1f} times as common as on average"
    else:
        text = f"Around this hour of day incidents nearby are rarer than on average ({ratio:.1f} times)"
    return SafetyFactor(name="time_of_day", impact=impact, description=text)


def coverage_factor(lat: float, lng: float) -> SafetyFactor:
    """Police stations, fire stations and hospitals within 2 km."""
    impacts, near = coverage(np.array([lat]), np.array([lng]))
    counts = dict.fromkeys(COVERAGE_POINTS, 0)
    for index in np.flatnonzero(near[0]).tolist():
        counts[SAFE_PLACES[index].kind] += 1
    words = {"police_station": "police station", "fire_station": "fire station", "hospital": "hospital"}
    parts = [_plural(counts[kind], words[kind]) for kind in COVERAGE_POINTS if counts[kind]]
    if not parts:
        text = f"No police station, fire station or hospital within {COVERAGE_KM:g} km"
    else:
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        text = f"{listed} within {COVERAGE_KM:g} km"
    return SafetyFactor(name="responder_coverage", impact=int(impacts[0]), description=text)


def _distance_text(metres: float) -> str:
    return f"{round(metres, -1):.0f} m" if metres < 1000 else f"{metres / 1000:.1f} km"


def zone_factor(zones: Sequence[DangerZone], lat: float, lng: float, radius_km: float) -> SafetyFactor | None:
    """The worst danger zone whose circle reaches within `radius_km`; None when there is none."""
    impacts, chosen, distance = zone_impacts(zones, np.array([lat]), np.array([lng]), radius_km)
    if chosen[0] < 0:
        return None
    zone = zones[int(chosen[0])]
    level = zone.risk_level.value
    if float(distance[0]) <= zone.radius_meters:
        text = f"Inside {zone.name} ({level} risk zone)"
    else:
        text = f"{zone.name} ({level}) is {_distance_text(float(distance[0]))} away"
    return SafetyFactor(name="danger_zone_nearby", impact=int(impacts[0]), description=text)


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
    """Columns of the incidents created in the last `days` days, in the box around the circle.

    The circle itself is cut by whoever uses them (`score_area` with `scoring.within`).
    """
    cols = columns(points, now)
    return cols.subset(cols.in_bbox(bbox_around(lat, lng, radius_km)) & cols.within_days(days))


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
    """The safety score of a place from (at least) its last-90-days incidents around it."""
    sums = sums_within(cols, np.array([lat]), np.array([lng]), radius_km * 1000.0, now.hour)
    factors = incident_factors(sums, math.pi * radius_km * radius_km, radius_text(radius_km))
    factors.append(coverage_factor(lat, lng))
    for optional in (time_factor(sums), zone_factor(zones, lat, lng, radius_km)):
        if optional is not None:
            factors.append(optional)
    score, ordered = combine(factors)
    return SafetyScore(
        score=score,
        level=safety_level(score),
        location=geo_point(lat, lng),
        radius_km=float(radius_km),
        incident_count=int(sums.count[0]),
        recent_incidents_7d=int(sums.recent_7d[0]),
        factors=ordered,
        computed_at=now,
    )
