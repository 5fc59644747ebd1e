"""The ui's on-demand reads through the session: each one reports to the connection monitor.

Errors are the api's `SetyError` subclasses, re-raised after the connection state has been updated
(a 403 also marks the operation's scope missing, so the workspace shows why it is unavailable).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sety_console.api import BBox
from sety_console.api.errors import PermissionDeniedError, SetyError
from sety_console.api.models import (
    AccessCodePage,
    AccessLogPage,
    AccessLogStats,
    DangerAnalytics,
    HeatmapResponse,
    Incident,
    IncidentPage,
    RouteSafety,
    SafetyScore,
    ValidationResult,
)

from .changes import ChangeSet
from .clock import Clock
from .connection import ConnectionMonitor
from .events import Event
from .pacing import SharePacer
from .stores import IncidentStore

if TYPE_CHECKING:
    from sety_console.api import SetyClient

T = TypeVar("T")


class SessionReads:
    """Mixin of `ConsoleSession`: reads the ui awaits directly (not through the poller)."""

    _client: SetyClient
    _clock: Clock
    connection: ConnectionMonitor
    incidents: IncidentStore
    incidents_changed: Event[ChangeSet]
    _analytics_pacer: SharePacer
    _started: asyncio.Event

    async def _read(self, call: Awaitable[T], scope: str) -> T:
        """Await `call` once the session has started (the server is ready), reporting how it went."""
        await self._started.wait()
        try:
            result = await call
        except PermissionDeniedError as error:
            self.connection.record_failure(error, self._clock.now(), scope=scope)
            raise
        except SetyError as error:
            if error.transient or error.status in (401, 402):
                self.connection.record_failure(error, self._clock.now())
            elif error.status is not None:
                self.connection.record_success(self._clock.now())  # it answered (400, 404, 409)
            raise
        self.connection.record_success(self._clock.now())
        return result

    async def get_incident(self, incident_id: str) -> Incident:
        """The incident as the server has it now; also updates the store."""
        incident = await self._read(self._client.get_incident(incident_id), "incidents:read")
        changes = self.incidents.apply([incident])
        if changes:
            self.incidents_changed.emit(changes)
        return incident

    async def validate_access_code(self, code: str) -> ValidationResult:
        return await self._read(self._client.validate_access_code(code), "access:read")

    async def list_access_codes(
        self, *, status: list[str] | None = None, page: int = 1, limit: int = 50
    ) -> AccessCodePage:
        return await self._read(
            self._client.list_access_codes(status=status, page=page, limit=limit), "access:read"
        )

    async def list_access_logs(
        self,
        *,
        status: str | None = None,
        gate: str | None = None,
        from_date: date | datetime | None = None,
        to_date: date | datetime | None = None,
        search: str | None = None,
        page: int = 1,
        limit: int = 50,
    ) -> AccessLogPage:
        call = self._client.list_access_logs(
            status=status,
            gate=gate,
            from_date=from_date,
            to_date=to_date,
            search=search,
            page=page,
            limit=limit,
        )
        return await self._read(call, "access:read")

    async def access_log_stats(
        self,
        *,
        from_date: date | datetime | None = None,
        to_date: date | datetime | None = None,
        gate: str | None = None,
    ) -> AccessLogStats:
        call = self._client.get_access_log_stats(from_date=from_date, to_date=to_date, gate=gate)
        return await self._read(call, "access:read")

    async def safety_score(self, lat: float, lng: float, radius_km: float = 2.0) -> SafetyScore:
        return await self._read(
            self._client.get_safety_score(lat=lat, lng=lng, radius_km=radius_km), "intel:read"
        )

    async def danger_analytics(
        self, lat: float, lng: float, radius_km: float = 2.0, days: int = 90
    ) -> DangerAnalytics:
        call = self._client.get_danger_analytics(lat=lat, lng=lng, radius_km=radius_km, days=days)
        return await self._read(call, "intel:read")

    async def heatmap(
        self,
        *,
        lat: float | None = None,
        lng: float | None = None,
        radius_km: float | None = None,
        bbox: BBox | None = None,
        from_date: date | datetime | None = None,
        to_date: date | datetime | None = None,
        category: str | list[str] | None = None,
        severity: str | list[str] | None = None,
        grid_meters: int | None = None,
    ) -> HeatmapResponse:
        """Incident density on a grid, around a point or inside `bbox`."""
        call = self._client.get_heatmap(
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
        return await self._read(call, "intel:read")

    async def route_safety(
        self,
        origin: tuple[float, float],
        destination: tuple[float, float],
        waypoints: Sequence[tuple[float, float]] = (),
    ) -> RouteSafety:
        """Safety along a route; points are (lat, lng)."""
        call = self._client.get_route_safety(
            origin=origin, destination=destination, waypoints=list(waypoints)
        )
        return await self._read(call, "intel:read")

    async def iter_incident_pages(self, **filters: Any) -> AsyncIterator[IncidentPage]:
        """Every page of `list_incidents(**filters)` for analytics, paced to leave the poller its share."""
        page_no = 1
        while True:
            while (wait := self._analytics_pacer.delay()) > 0:
                await self._clock.sleep(wait)
            self._analytics_pacer.sent()
            try:
                page = await self._read(
                    self._client.list_incidents(page=page_no, **filters), "incidents:read"
                )
            finally:
                self._analytics_pacer.observe()
            yield page
            if not page.pagination.has_more or not page.data:
                return
            page_no += 1
