"""Danger analytics for a location: everything the console's area panel shows, in one answer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np

from sety_console.api.models import (
    CategoryCounts,
    DangerAnalytics,
    DangerZone,
    IncidentAnalytics,
    SeverityCounts,
    StatusCounts,
)

from .city import city_places, compare
from .geo import bbox_around, circle_area_km2, geo_point, grow_bbox
from .nearby import cos_lat, within
from .patterns import patterns, time_analysis
from .prediction import Outlook, predict
from .records import WINDOW_DAYS, Columns, IncidentPoint, columns, epoch
from .safe_places import nearby_safe_zones
from .score import check_point, radius_text, score_area

SAFE_ZONE_RADIUS_KM = 5.0
SAFE_ZONE_LIMIT = 5
MAX_DAYS = 365


def danger_analytics(
    points: Sequence[IncidentPoint],
    lat: float,
    lng: float,
    radius_km: float,
    days: int,
    now: datetime,
    zones: Sequence[DangerZone] = (),
) -> DangerAnalytics:
    """Risk picture within `radius_km` of a point over the last `days` days (1–365), ending at `now`.

    The safety score always covers the last 90 days (as the contract defines it); the breakdown,
    time analysis, trend, prediction and patterns cover the requested period, the trend comparing it
    with the period of the same length just before (only when the history reaches back that far).
    The comparison ranks the place's score among the city's 1 km places, each scored the same way
    (see `city`). Pass the current danger `zones` to let the safety score name the nearest one.
    """
    check_point(lat, lng, radius_km)
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be between 1 and {MAX_DAYS}")
    every = columns(points, now)
    everything = every.subset(every.within_days(max(WINDOW_DAYS, 2 * days)))
    near = _near(everything, lat, lng, radius_km)
    period = near.subset(near.age_days <= days)
    recent = near.subset(near.age_days <= WINDOW_DAYS)
    score = score_area(recent, lat, lng, radius_km, now, zones)
    city = city_places(everything.subset(everything.age_days <= WINDOW_DAYS), radius_km, now, zones)
    previous = int(np.count_nonzero((near.age_days > days) & (near.age_days <= 2 * days)))
    reaches_back = len(every) > 0 and float(every.timestamp.min()) <= epoch(now) - 2 * days * 86_400.0
    comparison = compare(city, lat, lng, score.score, len(period), previous if reaches_back else None)
    in_city = int(np.count_nonzero(everything.age_days <= days))
    area_km2 = circle_area_km2(radius_km)
    times = time_analysis(period)
    outlook = Outlook(
        days=days,
        now=now,
        area_km2=area_km2,
        city_rate=in_city / city.area_km2 / days if city.area_km2 else 0.0,
        change_percent=comparison.change_percent,
        recent_7d=int(np.count_nonzero(period.age_days <= 7.0)),
        radius_text=radius_text(radius_km),
        level=score.level,
        by_weekday=tuple(times.by_weekday),
    )
    return DangerAnalytics(
        location=geo_point(lat, lng),
        radius_km=float(radius_km),
        period_days=days,
        safety_score=score,
        incident_analytics=incident_analytics(period),
        time_analysis=times,
        comparison=comparison,
        prediction=predict(period, outlook),
        patterns=patterns(period),
        safe_zones=nearby_safe_zones(
            lat, lng, radius_km=max(radius_km, SAFE_ZONE_RADIUS_KM), limit=SAFE_ZONE_LIMIT
        ),
    )


def _near(cols: Columns, lat: float, lng: float, radius_km: float) -> Columns:
    """The incidents within `radius_km` of the point, by the very test the safety score uses."""
    box = cols.subset(cols.in_bbox(grow_bbox(bbox_around(lat, lng, radius_km), 10.0)))
    place_lat, place_lng = np.array([lat]), np.array([lng])
    return box.subset(
        within(place_lat, place_lng, cos_lat(place_lat), box.lat, box.lng, radius_km * 1000.0)[0]
    )


def incident_analytics(cols: Columns) -> IncidentAnalytics:
    """Counts by category, severity and current status; mean delay to arrival; share resolved."""
    total = len(cols)
    arrivals = cols.arrive_seconds[~np.isnan(cols.arrive_seconds)]
    statuses = cols.counts("status")
    return IncidentAnalytics(
        total=total,
        by_category=CategoryCounts(**cols.counts("category")),
        by_severity=SeverityCounts(**cols.counts("severity")),
        by_status=StatusCounts(**statuses),
        average_response_seconds=round(float(arrivals.mean()), 1) if len(arrivals) else None,
        resolution_rate=round(statuses["resolved"] / total, 3) if total else None,
    )
