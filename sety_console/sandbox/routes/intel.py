"""Threat intelligence: danger zones, area analytics, heatmap, safety score, route safety.

Everything is computed by `sandbox.intel` from the service-area history (see `intel_cache`).
"""

from __future__ import annotations

import itertools
import re
from datetime import datetime, timedelta

from fastapi import APIRouter, Depends, Request, Response
from pydantic import Field, model_validator

from sety_console.api.models import Category, Known, RiskLevel, Severity

from ..auth import Caller, require, sandbox_of
from ..errors import bad_request
from ..geometry import distance_m
from ..intel import bbox_around, danger_analytics, heatmap, route_safety, safety_score, zones_near
from ..paging import slice_page
from ..responses import model_response, page_of_models
from ..validation import (
    CommaList,
    DateTimeParam,
    PageQuery,
    QueryModel,
    WindowEnd,
    WindowStart,
    check_window,
    parse_query,
)

router = APIRouter(tags=["Threat Intelligence"])

RISK_ORDER = ("low", "moderate", "high", "severe")
DEFAULT_DAYS = 90
MAX_ROUTE_KM = 200.0
_NUMBER = r"-?[0-9]{1,3}(\.[0-9]+)?"
_BBOX = re.compile(rf"^{_NUMBER},{_NUMBER},{_NUMBER},{_NUMBER}$")
_LATLNG = re.compile(r"^-?[0-9]{1,2}(\.[0-9]+)?,-?[0-9]{1,3}(\.[0-9]+)?$")

Lat = Field(ge=-90, le=90, allow_inf_nan=False)
Lng = Field(ge=-180, le=180, allow_inf_nan=False)
Radius = Field(default=2.0, ge=0.1, le=50, allow_inf_nan=False)


class _OptionalPoint(QueryModel):
    lat: float | None = Field(default=None, ge=-90, le=90, allow_inf_nan=False)
    lng: float | None = Field(default=None, ge=-180, le=180, allow_inf_nan=False)
    radius_km: float = Radius

    @model_validator(mode="after")
    def _together(self) -> _OptionalPoint:
        if (self.lat is None) != (self.lng is None):
            missing = "lng" if self.lng is None else "lat"
            raise ValueError(f"{missing}: give lat and lng together")
        return self


class DangerZoneQuery(PageQuery, _OptionalPoint):
    min_risk_level: Known[RiskLevel] | None = None


class PointQuery(QueryModel):
    lat: float = Lat
    lng: float = Lng
    radius_km: float = Radius


class AnalyticsQuery(PointQuery):
    days: int = Field(default=DEFAULT_DAYS, ge=1, le=365)


class HeatmapQuery(_OptionalPoint):
    bbox: str | None = Field(default=None, pattern=_BBOX.pattern)
    from_date: WindowStart | None = None
    to_date: WindowEnd | None = None
    category: CommaList[Known[Category]] | None = None
    severity: CommaList[Known[Severity]] | None = None
    grid_meters: int = Field(default=250, ge=50, le=5000)

    @model_validator(mode="after")
    def _area(self) -> HeatmapQuery:
        check_window(self.from_date, self.to_date)
        if (self.bbox is None) == (self.lat is None):
            raise ValueError("bbox: give either bbox or lat and lng, not both and not neither")
        return self


class RouteQuery(QueryModel):
    origin: str = Field(pattern=_LATLNG.pattern)
    destination: str = Field(pattern=_LATLNG.pattern)
    waypoints: str | None = None
    departure_time: DateTimeParam | None = None


@router.get("/danger-zones")
def list_danger_zones(request: Request, caller: Caller = Depends(require("intel:read"))) -> Response:
    query = parse_query(request, DangerZoneQuery)
    _, zones = sandbox_of(request).intel.snapshot()
    floor = query.min_risk_level.value if query.min_risk_level else None
    if query.lat is not None and query.lng is not None:
        zones = zones_near(zones, query.lat, query.lng, query.radius_km, floor)
    elif floor is not None:
        zones = [z for z in zones if RISK_ORDER.index(z.risk_level.value) >= RISK_ORDER.index(floor)]
    return page_of_models(slice_page(zones, query.page, query.limit), query.page, query.limit, len(zones))


@router.get("/danger-zones/analytics")
def get_danger_analytics(request: Request, caller: Caller = Depends(require("intel:read"))) -> Response:
    query = parse_query(request, AnalyticsQuery)
    sandbox = sandbox_of(request)
    points, zones = sandbox.intel.snapshot()
    now = sandbox.clock.now()
    result = danger_analytics(points, query.lat, query.lng, query.radius_km, query.days, now, zones)
    return model_response(result)


@router.get("/heatmap")
def get_heatmap(request: Request, caller: Caller = Depends(require("intel:read"))) -> Response:
    query = parse_query(request, HeatmapQuery)
    sandbox = sandbox_of(request)
    points, _ = sandbox.intel.snapshot()
    now = sandbox.clock.now()
    if query.bbox is not None:
        box = _parse_bbox(query.bbox)
    else:
        assert query.lat is not None
        assert query.lng is not None
        box = bbox_around(query.lat, query.lng, query.radius_km)
    start, end = _period(query.from_date, query.to_date, now)
    result = heatmap(
        points,
        bbox=box,
        grid_meters=query.grid_meters,
        period_from=start,
        period_to=end,
        categories={c.value for c in query.category} if query.category else None,
        severities={s.value for s in query.severity} if query.severity else None,
        now=now,
    )
    return model_response(result)


@router.get("/safety/score")
def get_safety_score(request: Request, caller: Caller = Depends(require("intel:read"))) -> Response:
    query = parse_query(request, PointQuery)
    sandbox = sandbox_of(request)
    points, zones = sandbox.intel.snapshot()
    now = sandbox.clock.now()
    return model_response(safety_score(points, query.lat, query.lng, query.radius_km, now, zones))


@router.get("/safety/route")
def get_route_safety(request: Request, caller: Caller = Depends(require("intel:read"))) -> Response:
    query = parse_query(request, RouteQuery)
    route = [_lat_lng("origin", query.origin)]
    if query.waypoints is not None:
        parts = query.waypoints.split("|")
        if len(parts) > 10:
            raise bad_request("waypoints", "give at most 10 points")
        route += [_lat_lng("waypoints", part) for part in parts]
    route.append(_lat_lng("destination", query.destination))
    length_km = sum(distance_m(a[1], a[0], b[1], b[0]) for a, b in itertools.pairwise(route)) / 1000
    if length_km > MAX_ROUTE_KM:
        raise bad_request("destination", f"the route may be at most {MAX_ROUTE_KM:g} km long")
    sandbox = sandbox_of(request)
    points, zones = sandbox.intel.snapshot()
    now = sandbox.clock.now()
    return model_response(route_safety(points, zones, route, query.departure_time, now))


def _lat_lng(field: str, text: str) -> tuple[float, float]:
    if not _LATLNG.match(text):
        raise bad_request(field, "must be written lat,lng (for example 6.5095,3.3841)")
    lat, lng = (float(v) for v in text.split(","))
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise bad_request(field, "latitude must be within -90..90 and longitude within -180..180")
    return lat, lng


def _parse_bbox(text: str) -> tuple[float, float, float, float]:
    min_lng, min_lat, max_lng, max_lat = (float(v) for v in text.split(","))
    if not (-180 <= min_lng < max_lng <= 180 and -90 <= min_lat < max_lat <= 90):
        raise bad_request(
            "bbox", "must be min_lng,min_lat,max_lng,max_lat within range, minimums below maximums"
        )
    return min_lng, min_lat, max_lng, max_lat


def _period(start: datetime | None, end: datetime | None, now: datetime) -> tuple[datetime, datetime]:
    """The heatmap period: given bounds, else the last 90 days up to now."""
    if end is None:
        end = now if start is None or start <= now else start + timedelta(days=DEFAULT_DAYS)
    if start is None:
        start = end - timedelta(days=DEFAULT_DAYS)
    return start, end
