"""Poller: delta and fallback modes, resync, focus, missing scopes, and the shared rate budget."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from sety_console.api import SetyClient
from sety_console.core.changes import ChangeSet
from sety_console.core.clock import ManualClock
from sety_console.core.connection import ConnectionMonitor, ConnectionState
from sety_console.core.pacing import SharePacer
from sety_console.core.poll_plan import Area
from sety_console.core.poller import Poller, PollMode
from sety_console.core.stores import IncidentStore, VisitorStore, ZoneStore

from .conftest import make_client
from .fake_api import FakeApi, FaultyTransport


def build_poller(client: SetyClient, clock: ManualClock) -> Poller:
    return Poller(
        client,
        incidents=IncidentStore(),
        visitors=VisitorStore(),
        zones=ZoneStore(),
        monitor=ConnectionMonitor(clock.now()),
        clock=clock,
        pacer=SharePacer(client.budget, clock),
    )


async def run_for(
    clock: ManualClock, seconds: float, *pollers: Poller, during: Callable[[float], Any] | None = None
) -> None:
    """Run the pollers for `seconds` of fake time, calling `during(t)` every 0.1 s."""
    tasks = [asyncio.ensure_future(p.run()) for p in pollers]
    try:
        steps = int(seconds * 10)
        for step in range(steps):
            if during is not None:
                during(step / 10)
            await clock.advance(0.1)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def change_tracker(poller: Poller, clock: ManualClock) -> dict[str, float]:
    """incident id -> fake monotonic time the store last changed it."""
    seen: dict[str, float] = {}

    def record(changes: ChangeSet) -> None:
        for incident_id in (*changes.added, *changes.updated):
            seen[incident_id] = clock.monotonic()

    poller.events.incidents_changed.connect(record)
    return seen


@pytest.mark.asyncio
async def test_delta_mode_resyncs_then_follows_changes_quickly(
    api: FakeApi, client: SetyClient, clock: ManualClock
) -> None:
    api.rate_limit = 60
    open_ids = [api.add_incident()["incident_id"] for _ in range(5)]
    closed = api.add_incident(status="resolved")["incident_id"]
    poller = build_poller(client, clock)
    seen = change_tracker(poller, clock)
    await run_for(clock, 5, poller)
    assert set(poller._incidents.open_ids()) == set(open_ids)
    assert closed in poller._incidents
    assert poller.mode is PollMode.DELTA

    def change(t: float) -> None:
        if t == 1.0:
            api.set_status(open_ids[2], "assigned")

    started = clock.monotonic()
    await run_for(clock, 5, poller, during=change)
    assert poller._incidents.get(open_ids[2]).status == "assigned"
    assert seen[open_ids[2]] - (started + 1.0) <= 1.5  # one delta interval at 60/min
    assert any(p == "/incidents" for m, p in api.requests)
    assert poller._incidents.fresh_as_of is not None
    assert not poller._incidents.stale
    assert api.status_counts.get(429, 0) == 0


@pytest.mark.asyncio
async def test_fallback_mode_when_updated_since_is_refused(
    api: FakeApi, client: SetyClient, clock: ManualClock
) -> None:
    api.supports_updated_since = False
    api.rate_limit = 60
    ids = [api.add_incident(severity="medium", category="medical")["incident_id"] for _ in range(150)]
    clock_ids = ids  # oldest first: ids[0] falls off the newest page of 100
    poller = build_poller(client, clock)
    modes: list[PollMode] = []
    poller.events.mode_changed.connect(modes.append)
    await run_for(clock, 10, poller)
    assert modes == [PollMode.FALLBACK]
    assert len(poller._incidents.open_ids()) == 150

    def changes(t: float) -> None:
        if t == 1.0:
            api.set_status(clock_ids[0], "assigned")  # off the newest page
            api.set_status(clock_ids[-1], "resolved")  # on the newest page, vanishes from the open list

    await run_for(clock, 20, poller, during=changes)
    store = poller._incidents
    assert store.get(clock_ids[0]).status == "assigned"
    assert store.get(clock_ids[-1]).status == "resolved"
    assert clock_ids[-1] not in store.open_ids()
    assert api.status_counts.get(429, 0) == 0


@pytest.mark.asyncio
async def test_fallback_refreshes_urgent_off_page_incidents_one_by_one(
    api: FakeApi, client: SetyClient, clock: ManualClock
) -> None:
    api.supports_updated_since = False
    critical = api.add_incident(severity="critical")["incident_id"]
    for _ in range(100):
        api.add_incident(severity="low", category="medical")
    poller = build_poller(client, clock)
    await run_for(clock, 30, poller)
    gets = [p for m, p in api.requests if m == "GET" and p.startswith("/incidents/")]
    assert gets.count(f"/incidents/{critical}") >= 2


@pytest.mark.asyncio
async def test_the_budget_is_spent_evenly_without_a_429(
    api: FakeApi, client: SetyClient, clock: ManualClock
) -> None:
    api.rate_limit = 60
    api.add_incident()
    poller = build_poller(client, clock)
    await run_for(clock, 180, poller)
    assert api.status_counts.get(429, 0) == 0
    per_minute = len(api.requests) / 3
    assert 50 <= per_minute <= 60


@pytest.mark.asyncio
async def test_three_consoles_share_one_key_fairly_without_a_429(
    api: FakeApi, transport: FaultyTransport, clock: ManualClock
) -> None:
    api.rate_limit = 60
    api.add_incident()
    clients = [make_client(transport, clock) for _ in range(3)]
    pollers = [build_poller(c, clock) for c in clients]
    await run_for(clock, 240, *pollers)
    assert api.status_counts.get(429, 0) == 0
    shares = [p.requests / len(api.requests) for p in pollers]
    assert all(0.25 <= s <= 0.42 for s in shares), shares
    assert len(api.requests) / 4 >= 50  # the key's budget is still used
    for c in clients:
        await c.aclose()


@pytest.mark.asyncio
async def test_resync_after_a_reconnect(
    api: FakeApi, transport: FaultyTransport, client: SetyClient, clock: ManualClock
) -> None:
    api.add_incident()
    poller = build_poller(client, clock)
    await run_for(clock, 3, poller)
    transport.inject("GET /incidents", "before", "connect", times=4)
    await run_for(clock, 60, poller)
    assert poller._monitor.status.state is ConnectionState.ONLINE
    resyncs = [p for m, p in api.requests if p == "/incidents"]
    assert len(resyncs) > 4
    assert poller._resync_due is False


@pytest.mark.asyncio
async def test_visitors_follow_the_focus_and_a_missing_scope_stops_them(
    api: FakeApi, client: SetyClient, clock: ManualClock
) -> None:
    api.check_in("", None, {"visitor_name": "V", "host_name": "H", "gate": "Main"})
    poller = build_poller(client, clock)
    poller.set_focus("gate")
    await run_for(clock, 21, poller)
    assert len(poller._visitors) == 1
    assert 4 <= api.count("GET", "/access-logs/current") <= 6  # every 5 s at the gate
    api.scopes.discard("access:read")
    await run_for(clock, 10, poller)
    assert Area.VISITORS in poller._disabled
    assert "gate" in poller._monitor.status.unavailable


@pytest.mark.asyncio
async def test_a_guard_key_still_polls_the_visitors_at_the_gates_pace(
    api: FakeApi, client: SetyClient, clock: ManualClock
) -> None:
    """No incidents scope, nothing due right now: the poller waits for the visitors' next turn (5 s at
    the gate), not a minute (issue 13.6: the gate header, log and stats must follow the visitors)."""
    api.check_in("", None, {"visitor_name": "V", "host_name": "H", "gate": "Main"})
    poller = build_poller(client, clock)
    poller.disable(Area.INCIDENTS)
    poller.disable(Area.ZONES)
    poller.set_focus("gate")
    await run_for(clock, 21, poller)
    assert 4 <= api.count("GET", "/access-logs/current") <= 6
    poller.set_focus("control-room")  # the gate not in focus: once a minute is enough
    before = api.count("GET", "/access-logs/current")
    await run_for(clock, 70, poller)
    assert 1 <= api.count("GET", "/access-logs/current") - before <= 2
