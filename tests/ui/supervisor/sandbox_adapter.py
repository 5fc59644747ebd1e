"""A `SupervisorSession` over a real `SetyClient` talking to the sandbox in process (ASGI), so the
panels are tested against what the sandbox really answers, without the core session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from sety_console.api import SetyClient
from sety_console.api.models import ACTIVE_STATUSES, DangerAnalytics, Incident, IncidentPage, SafetyScore
from sety_console.api.ratelimit import RateBudget
from sety_console.sandbox import SandboxClock, SandboxConfig, create_app

from .fakes import FakeRecords, FakeStore

DEMO_HISTORY = 400


class SandboxBackend:
    """Reads go straight to the client; the stores are filled once by `load_stores()`."""

    def __init__(self, client: SetyClient) -> None:
        self.client = client
        self._incidents, self._visitors, self._zones = FakeStore(), FakeStore(), FakeStore()
        self.records = FakeRecords()

    @property
    def incidents(self) -> FakeStore:
        return self._incidents

    @property
    def visitors(self) -> FakeStore:
        return self._visitors

    @property
    def zones(self) -> FakeStore:
        return self._zones

    @property
    def budget(self) -> RateBudget:
        return self.client.budget

    async def load_stores(self) -> None:
        """What the poller would hold: open incidents, visitors inside, danger zones."""
        async for incident in self.client.iter_incidents(status=sorted(ACTIVE_STATUSES), limit=100):
            self._incidents.items[incident.incident_id] = incident
        for visitor in (await self.client.list_current_visitors()).data:
            self._visitors.items[visitor.log_id] = visitor
        async for zone in self.client.iter_danger_zones(limit=100):
            self._zones.items[zone.zone_id] = zone

    async def get_incident(self, incident_id: str) -> Incident:
        return await self.client.get_incident(incident_id)

    async def safety_score(self, lat: float, lng: float, radius_km: float = 2.0) -> SafetyScore:
        return await self.client.get_safety_score(lat, lng, radius_km=radius_km)

    async def danger_analytics(
        self, lat: float, lng: float, radius_km: float = 2.0, days: int = 90
    ) -> DangerAnalytics:
        return await self.client.get_danger_analytics(lat, lng, radius_km=radius_km, days=days)

    async def iter_incident_pages(self, **filters: Any) -> AsyncIterator[IncidentPage]:
        page = 1
        while True:
            result = await self.client.list_incidents(page=page, **filters)
            yield result
            if not result.pagination.has_more or not result.data:
                return
            page += 1


async def open_sandbox(stack: AsyncExitStack, folder: Path, now: datetime) -> SandboxBackend:
    """A seeded sandbox (manual clock at `now`) served in process; closed with `stack`."""
    config = SandboxConfig(
        database_url=f"sqlite:///{folder / 'sandbox.db'}",
        clock=SandboxClock.manual(now),
        seed="demo",
        demo_history_count=DEMO_HISTORY,
        intel_refresh_seconds=0.0,
    )
    app = create_app(config)
    stack.callback(app.state.sandbox.close)
    await stack.enter_async_context(app.router.lifespan_context(app))
    key = app.state.sandbox.issue_keys()["supervisor"]
    transport = httpx.ASGITransport(app=app)
    client = SetyClient("http://sandbox.test/v1/external", key, transport=transport)
    stack.push_async_callback(client.aclose)
    backend = SandboxBackend(client)
    await backend.load_stores()
    return backend
