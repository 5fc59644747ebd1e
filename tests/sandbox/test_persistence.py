"""A restarted sandbox keeps everything: incidents mid-dispatch, keys, access data, webhooks and
their pending deliveries."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import pytest

from sety_console.sandbox import SandboxClock, SandboxConfig, create_app
from sety_console.sandbox.auth import ALL_SCOPES

from .conftest import MakeHarness
from .helpers import PREFIX, START, code_body, incident_body

pytestmark = pytest.mark.asyncio

FIRST_LIFE_SECONDS = 150


async def first_life(database_url: str) -> dict[str, Any]:
    """Run a sandbox whose webhook receiver is down, leave things half done, and shut it down."""

    def failing(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(503)

    clock = SandboxClock.manual(START)
    app = create_app(
        SandboxConfig(
            database_url=database_url,
            clock=clock,
            webhook_retry_factor=1.0,
            webhook_transport=httpx.MockTransport(failing),
        )
    )
    sandbox = app.state.sandbox
    admin = {"Authorization": f"Bearer {sandbox.issue_keys()['admin']}"}
    state: dict[str, Any] = {}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s" + PREFIX) as client,
    ):

        async def post(path: str, body: dict[str, Any]) -> Any:
            return (await client.post(path, headers=admin, json=body)).json()

        state["key"] = await post("/api-keys", {"name": "kept", "scopes": list(ALL_SCOPES)})
        state["hook"] = await post("/webhooks", {"url": "http://hooks.test/x", "events": ["incident.*"]})
        state["incident"] = (await post("/incidents", incident_body()))["incident"]
        state["code"] = await post("/access-codes", code_body())
        state["log"] = await post("/access-logs", {"access_code": state["code"]["code"], "gate": "Main Gate"})
        clock.advance(FIRST_LIFE_SECONDS)  # a responder is on the way by now
        state["before"] = (
            await client.get(f"/incidents/{state['incident']['incident_id']}", headers=admin)
        ).json()
        deliveries = f"/webhooks/{state['hook']['endpoint_id']}/deliveries"
        for _ in range(100):
            pending = (await client.get(deliveries, headers=admin)).json()["data"]
            if pending and all(d["attempts"] == 1 for d in pending):
                break
            await asyncio.sleep(0.01)  # first attempts run in the background
    sandbox.close()
    return state


async def test_restart_keeps_everything(database_url: str, make_harness: MakeHarness) -> None:
    state = await first_life(database_url)
    before, incident_id = state["before"], state["incident"]["incident_id"]
    assert before["status"] in ("assigned", "responding", "on_scene")
    busy_unit = before["responder"]["responder_id"]

    again = await make_harness(clock=SandboxClock.manual(START + timedelta(seconds=FIRST_LIFE_SECONDS)))
    kept = {"Authorization": f"Bearer {state['key']['key']}"}

    async def get(path: str) -> Any:
        return (await again.call("GET", path, None, headers=kept)).json()

    assert await get(f"/incidents/{incident_id}") == before
    assert again.sandbox.dispatcher.units[busy_unit].incident_id == incident_id
    codes = (await get("/access-codes"))["data"]
    assert [(c["code_id"], c["uses"]) for c in codes] == [(state["code"]["code_id"], 1)]
    assert (await get("/access-logs/current"))["data"][0]["log_id"] == state["log"]["log_id"]
    await again.drain_webhooks()  # pending deliveries resume on start, to the (now healthy) receiver
    resumed = (await get(f"/webhooks/{state['hook']['endpoint_id']}/deliveries"))["data"]
    assert resumed
    assert all(d["status"] == "delivered" and d["attempts"] == 2 for d in resumed)
    again.clock.advance(3600)  # the simulation carries on where it stopped
    final = await get(f"/incidents/{incident_id}")
    assert final["status"] == "resolved"
    assert final["timeline"][: len(before["timeline"])] == before["timeline"]
    assert again.sandbox.dispatcher.units[busy_unit].incident_id is None
