"""Route safety: a trip cut into stretches of at most 2 km, each scored like a safety score.

The sandbox joins the route's points with straight lines. A stretch's score uses the incidents of the
last 90 days within 500 m of it (per km² of that corridor, so it compares with a place's score), the
time of day when it is passed (departure plus the distance so far at 20 km/h, Lagos traffic), the
police, fire and hospital cover around its middle, and the worst danger zone it passes through.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from sety_console.api.models import DangerZone, DangerZoneSummary, RouteSafety, RouteSegment, SafetyFactor

from .bands import clamp_score, risk_rank, safety_level
from .geo import geo_point, grow_bbox, haversine_m, segment_distances_m
from .records import WINDOW_DAYS, Columns, IncidentPoint, columns
from .score import ZONE_IMPACT, combine, coverage_factor, incident_factors, sums_of, time_factor

SEGMENT_MAX_M = 2000.0
CORRIDOR_M = 500.0
TRAVEL_SPEED_MPS = 20_000.0 / 3600.0
NIGHT_HOURS = frozenset({*range(18, 24), *range(0, 6)})
"""UTC hours counted as night in advice (Lagos is UTC+1)."""

LatLng = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Stretch:
    """One piece of the route: its ends, its length and how far along the route it starts."""

    start: LatLng
    end: LatLng
    length_m: float
    offset_m: float


def route_safety(
    points: Sequence[IncidentPoint],
    zones: Sequence[DangerZone],
    route: Sequence[LatLng],
    departure_time: datetime | None,
    now: datetime,
) -> RouteSafety:
    """Rate a trip along `route` (`[(lat, lng), …]`: origin, waypoints…, destination).

    `overall_score` is the length-weighted mean of the stretch scores (a route of zero length has
    one stretch, scored as a point). `departure_time` defaults to `now`.
    """
    stretches = cut(route)
    departure = departure_time or now
    bbox = grow_bbox(_bbox(route), CORRIDOR_M + 50.0)
    every = columns(points, now)
    cols = every.subset(every.in_bbox(bbox) & every.within_days(WINDOW_DAYS))
    segments, crossed = _segments(cols, zones, stretches, departure)
    total = sum(s.length_m for s in stretches)
    weights = [s.length_m for s in stretches] if total > 0 else [1.0] * len(stretches)
    overall = clamp_score(sum(w * seg.score for w, seg in zip(weights, segments, strict=True)) / sum(weights))
    riskiest = min(range(len(segments)), key=lambda i: (segments[i].score, i))
    return RouteSafety(
        overall_score=overall,
        level=safety_level(overall),
        distance_meters=round(total, 1),
        segments=segments,
        danger_zones_crossed=[
            DangerZoneSummary(zone_id=z.zone_id, name=z.name, risk_level=z.risk_level) for z in crossed
        ],
        riskiest_segment_index=riskiest,
        recommendation=recommendation(segments, crossed, riskiest, departure.hour),
        computed_at=now,
    )


def _segments(
    cols: Columns, zones: Sequence[DangerZone], stretches: list[Stretch], departure: datetime
) -> tuple[list[RouteSegment], list[DangerZone]]:
    """Each stretch scored, and the danger zones crossed in the order the trip meets them."""
    zone_lats = np.array([z.center.lat for z in zones], dtype=np.float64)
    zone_lngs = np.array([z.center.lng for z in zones], dtype=np.float64)
    zone_radii = np.array([z.radius_meters for z in zones], dtype=np.float64)
    segments: list[RouteSegment] = []
    crossed: dict[str, DangerZone] = {}
    for stretch in stretches:
        passing = departure + timedelta(seconds=(stretch.offset_m + stretch.length_m / 2) / TRAVEL_SPEED_MPS)
        inside = segment_distances_m(stretch.start, stretch.end, zone_lats, zone_lngs) <= zone_radii
        hit = [zones[i] for i in np.flatnonzero(inside).tolist()]
        for zone in hit:
            crossed.setdefault(zone.zone_id, zone)
        score = _stretch_score(cols, stretch, passing.hour, hit)
        segments.append(
            RouteSegment(
                start=geo_point(*stretch.start, digits=6),
                end=geo_point(*stretch.end, digits=6),
                score=score,
                level=safety_level(score),
                danger_zone_ids=[z.zone_id for z in hit],
            )
        )
    return segments, list(crossed.values())


def cut(route: Sequence[LatLng]) -> list[Stretch]:
    """Each leg between consecutive route points cut into equal stretches of at most 2 km."""
    if len(route) < 2:
        raise ValueError("a route needs an origin and a destination")
    for lat, lng in route:
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lng <= 180.0):
            raise ValueError("route points need a latitude within -90..90 and a longitude within -180..180")
    stretches: list[Stretch] = []
    offset = 0.0
    for (lat1, lng1), (lat2, lng2) in itertools.pairwise(route):
        leg = haversine_m(lat1, lng1, lat2, lng2)
        if leg == 0.0 and len(route) > 2:
            continue  # a repeated point adds nothing
        pieces = max(1, math.ceil((leg + 1.0) / SEGMENT_MAX_M))  # 1 m margin for rounding the ends
        ends = [_between(lat1, lng1, lat2, lng2, k / pieces) for k in range(pieces + 1)]
        for start, end in itertools.pairwise(ends):
            length = haversine_m(*start, *end)
            stretches.append(Stretch(start, end, length, offset))
            offset += length
    if not stretches:  # every point the same
        stretches.append(Stretch(route[0], route[0], 0.0, 0.0))
    return stretches


def _between(lat1: float, lng1: float, lat2: float, lng2: float, fraction: float) -> LatLng:
    """The point `fraction` of the way along the straight line, to 6 decimals (0.1 m)."""
    return (round(lat1 + (lat2 - lat1) * fraction, 6), round(lng1 + (lng2 - lng1) * fraction, 6))


def _bbox(route: Sequence[LatLng]) -> tuple[float, float, float, float]:
    lats, lngs = [p[0] for p in route], [p[1] for p in route]
    return (min(lngs), min(lats), max(lngs), max(lats))


def _stretch_score(cols: Columns, stretch: Stretch, hour: int, zones: list[DangerZone]) -> int:
    """Score of one stretch from the incidents in its 500 m corridor (see the module's docstring)."""
    box = grow_bbox(_bbox([stretch.start, stretch.end]), CORRIDOR_M + 50.0)
    candidates = cols.subset(cols.in_bbox(box))
    near = candidates.subset(
        segment_distances_m(stretch.start, stretch.end, candidates.lat, candidates.lng) <= CORRIDOR_M
    )
    area_km2 = (2 * CORRIDOR_M * stretch.length_m + math.pi * CORRIDOR_M**2) / 1e6
    sums = sums_of(near, hour)
    factors = incident_factors(sums, area_km2, f"{CORRIDOR_M:g} m")
    middle = ((stretch.start[0] + stretch.end[0]) / 2, (stretch.start[1] + stretch.end[1]) / 2)
    factors.append(coverage_factor(*middle))
    timing = time_factor(sums)
    if timing is not None:
        factors.append(timing)
    if zones:
        worst = max(zones, key=lambda z: (risk_rank(z.risk_level.value), z.risk_score))
        impact = ZONE_IMPACT.get(worst.risk_level.value, ZONE_IMPACT["moderate"])
        factors.append(SafetyFactor(name="danger_zone_crossed", impact=-impact, description=worst.name))
    return combine(factors)[0]


def recommendation(segments: list[RouteSegment], crossed: list[DangerZone], riskiest: int, hour: int) -> str:
    """One sentence of advice for the trip."""
    at_night = hour in NIGHT_HOURS
    if crossed:
        worst = max(crossed, key=lambda z: (risk_rank(z.risk_level.value), z.risk_score))
        numbers = [str(i + 1) for i, s in enumerate(segments) if worst.zone_id in s.danger_zone_ids]
        if len(numbers) == 1:
            which = f"Segment {numbers[0]} passes"
        else:
            which = f"Segments {', '.join(numbers[:-1])} and {numbers[-1]} pass"
        advice = (
            "prefer a daytime trip or keep doors locked and windows up there"
            if at_night
            else "keep doors locked and windows up there and avoid stopping"
        )
        sentence = f"{which} {worst.name} ({worst.risk_level.value} risk); {advice}."
        others = len(crossed) - 1
        if others:
            sentence += f" The route also crosses {others} other danger zone{'s' if others > 1 else ''}."
        return sentence
    level = safety_level(min(s.score for s in segments)).value
    if level == "safe":
        return "No danger zones on the way; the route looks safe for this departure time."
    if level == "moderate":
        return f"No danger zones on the way; stay alert on segment {riskiest + 1}, the least safe stretch."
    daytime = "a daytime trip" if at_night else "travelling in company"
    least = f"Segment {riskiest + 1} is the least safe stretch (score {segments[riskiest].score})"
    return f"{least}; consider another route or {daytime}."
