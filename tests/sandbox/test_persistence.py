"""A restarted sandbox keeps everything: incidents mid-dispatch, keys, access data, webhooks and
their pending deliveries."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest

from sety_console.sandbox import SandboxClock, SandboxConfig, create_app
from sety_console.sandbox.auth import ALL_SCOPES

from .conftest import MakeHarness
from .helpers import PREFIX, START, code_body, incident_body

pytestmark = pytest.mark.asyncio


async def test_restart_keeps_everything(database_url: str, make_harness: MakeHarness) -> None:
    def failing(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(503)

    clock = SandboxClock.manual(START)
    config = SandboxConfig(
        database_url=database_url,
        clock=clock,
        webhook_retry_factor=1.0,
        webhook_transport=httpx.MockTransport(failing),
    )
    app = create_app(config)
    sandbox = app.state.sandbox
    admin = {"Authorization": f"Bearer {sandbox.issue_keys()['admin']}"}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s" + PREFIX) as client,
    ):
        key = (
            await client.post("/api-keys", headers=admin, json={"name": "kept", "scopes": list(ALL_SCOPES)})
        ).json()
        hook = (
            await client.post(
                "/webhooks", headers=admin, json={"url": "http://hooks.test/x", "events": ["incident.*"]}
            )
        ).json()
        incident = (await client.post("/incidents", headers=admin, json=incident_body())).json()["incident"]
        code = (await client.post("/access-codes", headers=admin, json=code_body())).json()
        log = (
            await client.post(
                "/access-logs", headers=admin, json={"access_code": code["code"], "gate": "Main Gate"}
            )
        ).json()
        clock.advance(150)  # a responder is on the way by now
        before = (await client.get(f"/incidents/{incident['incident_id']}", headers=admin)).json()
        for _ in range(100):
            pending = (await client.get(f"/webhooks/{hook['endpoint_id']}/deliveries", headers=admin)).json()[
                "data"
            ]
            if pending and all(d["attempts"] == 1 for d in pending):
                break
            await asyncio.sleep(0.01)  # first attempts run in the background
    sandbox.close()
    assert before["status"] in ("assigned", "responding", "on_scene")
    busy_unit = before["responder"]["responder_id"]

    again = await make_harness(clock=SandboxClock.manual(START + timedelta(seconds=150)))
    kept = {"Authorization": f"Bearer {key['key']}"}
    assert (
        await again.call("GET", f"/incidents/{incident['incident_id']}", None, headers=kept)
    ).json() == before
    assert again.sandbox.dispatcher.units[busy_unit].incident_id == incident["incident_id"]
    codes = (await again.call("GET", "/access-codes", None, headers=kept)).json()["data"]
    assert [(c["code_id"], c["uses"]) for c in codes] == [(code["code_id"], 1)]
    assert (await again.call("GET", "/access-logs/current", None, headers=kept)).json()["data"][0][
        "log_id"
    ] == log["log_id"]
    await again.drain_webhooks()  # pending deliveries resume on start, to the (now healthy) receiver
    resumed = (
        await again.call("GET", f"/webhooks/{hook['endpoint_id']}/deliveries", None, headers=kept)
    ).json()
    assert resumed["data"]
    assert all(d["status"] == "delivered" and d["attempts"] == 2 for d in resumed["data"])
    again.clock.advance(3600)  # the simulation carries on where it stopped
    final = (await again.call("GET", f"/incidents/{incident['incident_id']}", None, headers=kept)).json()
    assert final["status"] == "resolved"
    assert final["timeline"][: len(before["timeline"])] == before["timeline"]
    assert again.sandbox.dispatcher.units[busy_unit].incident_id is None
