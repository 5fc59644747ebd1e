"""Threat Intelligence operations: danger zones, analytics, heatmap, safety score, route safety.

Points in these queries are latitude first: `lat`/`lng` arguments, and `(lat, lng)` tuples for routes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime

from .._query import LatLng, OneOrMany, check_point, lat_lng, query
from ..base import BaseClient
from ..errors import RequestValidationError
from ..models import (
    Category,
    DangerAnalytics,
    DangerZone,
    DangerZonePage,
    HeatmapResponse,
    RiskLevel,
    RouteSafety,
    SafetyScore,
    Severity,
)
from ..pagination import paginate

__all__ = ["BBox", "IntelOperations"]

BBox = tuple[float, float, float, float]
"""`(min_lng, min_lat, max_lng, max_lat)`: longitude first, like body coordinates."""

MAX_WAYPOINTS = 10


class IntelOperations(BaseClient):
    """The Threat Intelligence tag."""

    async def list_danger_zones(
        self,
        *,
        lat: float | None = None,
        lng: float | None = None,
        radius_km: float | None = None,
        min_risk_level: RiskLevel | str | None = None,
        page: int | None = None,
        limit: int | None = None,
    ) -> DangerZonePage:
        """`GET /danger-zones`: zones near `lat`/`lng` (both or neither), most dangerous first."""
        check_point(lat, lng)
        params = query(
            lat=lat, lng=lng, radius_km=radius_km, min_risk_level=min_risk_level, page=page, limit=limit
        )
        return await self._call(DangerZonePage, "GET", "/danger-zones", params=params)

    def iter_danger_zones(
        self,
        *,
        lat: float | None = None,
        lng: float | None = None,
        radius_km: float | None = None,
        min_risk_level: RiskLevel | str | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[DangerZone]:
        """Every danger zone matching the filters, page after page."""
        return paginate(
            lambda page: self.list_danger_zones(
                lat=lat, lng=lng, radius_km=radius_km, min_risk_level=min_risk_level, page=page, limit=limit
            )
        )

    async def get_danger_analytics(
        self, lat: float, lng: float, *, radius_km: float | None = None, days: int | None = None
    ) -> DangerAnalytics:
        """`GET /danger-zones/analytics`: the full risk picture around one point over `days` days."""
        check_point(lat, lng)
        params = query(lat=lat, lng=lng, radius_km=radius_km, days=days)
        return await self._call(DangerAnalytics, "GET", "/danger-zones/analytics", params=params)

    async def get_heatmap(
        self,
        *,
        lat: float | None = None,
        lng: float | None = None,
        radius_km: float | None = None,
        bbox: BBox | None = None,
        from_date: date | datetime | None = None,
        to_date: date | datetime | None = None,
        category: OneOrMany[Category | str] | None = None,
        severity: OneOrMany[Severity | str] | None = None,
        grid_meters: int | None = None,
    ) -> HeatmapResponse:
        """`GET /heatmap`: incident density; give exactly one area, `lat` + `lng` or `bbox`."""
        check_point(lat, lng)
        if (lat is None) == (bbox is None):
            raise RequestValidationError("give exactly one area: lat and lng, or bbox", field="bbox")
        if bbox is not None and len(bbox) != 4:
            raise RequestValidationError("bbox must be (min_lng, min_lat, max_lng, max_lat)", field="bbox")
        params = query(
            lat=lat,
            lng=lng,
            radius_km=radius_km,
            bbox=bbox,
            from_date=from_date,
            to_date=to_date,
            category=category,
            severity=severity,
            grid_meters=grid_meters,
        )
        return await self._call(HeatmapResponse, "GET", "/heatmap", params=params)

    async def get_safety_score(
        self, lat: float, lng: float, *, radius_km: float | None = None
    ) -> SafetyScore:
        """`GET /safety/score`: 0 (worst) to 100 (safest) for a place."""
        check_point(lat, lng)
        params = query(lat=lat, lng=lng, radius_km=radius_km)
        return await self._call(SafetyScore, "GET", "/safety/score", params=params)

    async def get_route_safety(
        self,
        origin: LatLng,
        destination: LatLng,
        *,
        waypoints: Sequence[LatLng] | None = None,
        departure_time: datetime | None = None,
    ) -> RouteSafety:
        """`GET /safety/route`: rate a trip; points are `(lat, lng)`, up to 10 waypoints."""
        stops = list(waypoints or [])
        if len(stops) > MAX_WAYPOINTS:
            raise RequestValidationError(f"at most {MAX_WAYPOINTS} waypoints", field="waypoints")
        params = query(
            origin=lat_lng(origin, "origin"),
            destination=lat_lng(destination, "destination"),
            waypoints="|".join(lat_lng(stop, "waypoints") for stop in stops) or None,
            departure_time=departure_time,
        )
        return await self._call(RouteSafety, "GET", "/safety/route", params=params)
