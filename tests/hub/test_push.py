"""Webhook push into the hub: a change reaches the consoles by webhook (no poll), the endpoint is found
again after a restart, and deliveries sent twice, out of order, forged, stale or partial are handled."""

from __future__ import annotations

import json
import random
import time
from typing import Any

import httpx
import pytest

from sety_console.api import SetyClient
from sety_console.api.webhooks import sign
from sety_console.hub import push_health
from sety_console.hub.db import ChangeRow, DeliveryRow, EndpointRow, HubDatabase, now_ms
from sety_console.hub.server import HubServer
from sety_console.sandbox.server import SandboxServer

from .conftest import HubRig, MakeRig, incident_request, remove_webhook_endpoints, status_of, wait_for

pytestmark = pytest.mark.asyncio
SECRET = "whsec_" + "5e" * 16


def list_polls(rig: HubRig) -> int:
    """Incident list requests the hub sent to Sety (its polls)."""
    return sum(1 for r in rig.sety.requests if r.startswith("GET /v1/external/incidents?"))


async def endpoints(sandbox: SandboxServer, admin_key: str) -> list[tuple[str, str]]:
    async with SetyClient(sandbox.base_url, admin_key) as admin:
        return [(e.endpoint_id, e.url) async for e in admin.iter_webhook_endpoints()]


async def test_a_server_change_reaches_the_consoles_by_webhook_not_by_poll(
    make_rig: MakeRig, direct: SetyClient, sandbox: SandboxServer, keys: dict[str, str]
) -> None:
    rig = await make_rig(push=True, push_poll_interval_s=30.0)
    hub = rig.server.hub
    ada = await rig.console("Ada")
    await wait_for(lambda: hub.push.health.state == "on")
    assert [url for _, url in await endpoints(sandbox, keys["admin"])] == [hub.push.url]
    await wait_for(lambda: hub.feed.poller.gate.floor_s == 30.0)  # webhooks flow: polls stretched
    await wait_for(lambda: ada.link.expected_interval("incidents") == 30.0)  # the consoles are told
    polls = list_polls(rig)

    incident = (await direct.create_incident(incident_request(random.Random(41)))).incident
    started = time.monotonic()
    await wait_for(lambda: incident.incident_id in ada.session.incidents, timeout=5)
    await direct.cancel_incident(incident.incident_id, "push test")
    await wait_for(lambda: status_of(ada, incident.incident_id) == "cancelled", timeout=5)
    assert time.monotonic() - started < 5
    assert list_polls(rig) == polls  # no poll brought them: the webhooks did
    assert hub.push.applier.applied >= 2
    assert not ada.session.incidents.stale  # live: judged against the hub's stretched interval


async def test_the_endpoint_is_found_again_after_a_restart_never_piled_up(
    make_rig: MakeRig, sandbox: SandboxServer, keys: dict[str, str], hub_database: str
) -> None:
    rig = await make_rig(push=True)
    await wait_for(lambda: rig.server.hub.push.health.state == "on")
    first = rig.server.hub.push.health.endpoint_id
    port, config = rig.port, rig.server.config
    for _ in range(2):
        rig.server.stop()
        rig.server = HubServer(config, port=port)
        rig.server.start()
        await wait_for(lambda: rig.server.hub.push.health.state == "on")
        assert rig.server.hub.push.health.endpoint_id == first
    assert [i for i, _ in await endpoints(sandbox, keys["admin"])] == [first]

    # a hub that lost its database's copy of the secret cannot verify that endpoint: it replaces it
    rig.server.stop()
    db = HubDatabase(hub_database)
    with db.session() as session:
        session.query(EndpointRow).delete()
    db.close()
    rig.server = HubServer(config, port=port)
    rig.server.start()
    await wait_for(lambda: rig.server.hub.push.health.state == "on")
    listed = await endpoints(sandbox, keys["admin"])
    assert len(listed) == 1
    assert listed[0][0] != first


def incident_document(base: dict[str, Any], incident_id: str, status: str, updated: str) -> dict[str, Any]:
    return {**base, "incident_id": incident_id, "status": status, "updated_at": updated}


async def test_deliveries_twice_out_of_order_forged_stale_or_partial(
    make_rig: MakeRig, direct: SetyClient, hub_database: str
) -> None:
    db = HubDatabase(hub_database)
    with db.session() as session:  # the secret a registration would have stored
        session.add(EndpointRow(endpoint_id="wh_test", url="http://x", secret=SECRET, created_at_ms=now_ms()))
    rig = await make_rig()
    ada = await rig.console("Ada")
    real = (await direct.create_incident(incident_request(random.Random(42)))).incident
    base = json.loads(real.model_dump_json(by_alias=True))
    await wait_for(lambda: real.incident_id in ada.session.incidents)
    url = rig.server.root_url + "/hub/v1/webhooks/sety"
    fake = "inc_pushtest000000a"
    newer = incident_document(base, fake, "cancelled", "2099-01-01T00:00:02.000Z")
    older = incident_document(base, fake, "dispatching", "2099-01-01T00:00:01.000Z")

    async with httpx.AsyncClient(timeout=5) as http:

        async def deliver(
            document: dict[str, Any], delivery: str, secret: str = SECRET, at: int | None = None
        ) -> httpx.Response:
            body = json.dumps(
                {
                    "event": "incident.status_changed",
                    "delivered_at": "2099-01-01T00:00:03.000Z",
                    "data": {"incident": document},
                }
            ).encode()
            headers = {
                "X-Sety-Signature": sign(secret, body, at),
                "X-Sety-Event": "incident.status_changed",
                "X-Sety-Delivery": delivery,
                "Content-Type": "application/json",
            }
            return await http.post(url, content=body, headers=headers)

        forged = await deliver(newer, "whd_forged", secret="whsec_" + "00" * 16)
        assert forged.status_code == 401
        assert "signature" in forged.json()["message"]
        stale = await deliver(newer, "whd_stale", at=int(time.time()) - 400)
        assert stale.status_code == 401
        assert "300 s" in stale.json()["message"]
        assert (await deliver(newer, "")).status_code == 400  # no delivery id
        big = await http.post(
            url, content=b"x" * 1_100_000, headers={"X-Sety-Signature": "t=1,v1=" + "0" * 64}
        )
        assert big.status_code == 413

        assert (await deliver(newer, "whd_newer")).json() == {"received": True, "duplicate": False}
        await wait_for(lambda: status_of(ada, fake) == "cancelled", timeout=5)
        again = await deliver(newer, "whd_newer")  # Sety retrying, or a replay within 300 s
        assert again.json() == {"received": True, "duplicate": True}
        assert (await deliver(older, "whd_older")).json()["duplicate"] is False  # out of order
        partial = {"incident_id": real.incident_id, "status": real.status.value}
        assert (await deliver(partial, "whd_partial")).status_code == 200
        await wait_for(
            lambda: f"GET /v1/external/incidents/{real.incident_id}" in rig.sety.requests, timeout=5
        )
        hub = rig.server.hub
        await wait_for(lambda: hub.push.applier.applied >= 3, timeout=5)
        await hub.picture.flush()

    assert status_of(ada, fake) == "cancelled"  # the older copy changed nothing
    with db.session() as session:
        stored = {r.delivery_id: r.applied for r in session.query(DeliveryRow)}
        logged = [r.payload for r in session.query(ChangeRow) if fake in r.payload]
    db.close()
    assert stored == {"whd_newer": True, "whd_older": True, "whd_partial": True}  # forged ones never stored
    assert len(logged) == 1  # one change for the newest copy; none for the repeat or the older one
    sent = [m for m in rig.messages["Ada"] if fake in m and '"type":"change"' in m.replace(" ", "")]
    assert len(sent) == 1  # the console heard of it once
    assert hub.push.health.refused == 2
    assert hub.push.health.duplicates == 1


async def test_webhooks_that_stop_are_noticed_polls_tighten_and_the_endpoint_comes_back(
    make_rig: MakeRig, direct: SetyClient, sandbox: SandboxServer, keys: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(push_health, "MISSED_GRACE_S", 0.0)  # no webhook: a polled change is missed
    rig = await make_rig(push=True, push_poll_interval_s=2.0)
    hub = rig.server.hub
    ada = await rig.console("Ada")
    await wait_for(lambda: hub.push.health.state == "on" and hub.feed.poller.gate.floor_s == 2.0)
    first = hub.push.health.endpoint_id
    await remove_webhook_endpoints(sandbox, keys["admin"])  # someone deletes it: the webhooks stop

    missed = (await direct.create_incident(incident_request(random.Random(43)))).incident
    await wait_for(lambda: missed.incident_id in ada.session.incidents, timeout=10)  # the stretched poll
    assert hub.push.health.missed >= 1
    assert hub.feed.poller.gate.floor_s == 0.0  # tightened: polls at the budget's pace again
    await wait_for(lambda: (ada.link.expected_interval("incidents") or 0) < 2.0)  # the consoles are told

    await wait_for(lambda: hub.push.health.endpoint_id not in (None, first), timeout=10)  # registered anew
    applied = hub.push.applier.applied
    pushed = (await direct.create_incident(incident_request(random.Random(44)))).incident
    await wait_for(lambda: hub.push.applier.applied > applied, timeout=5)  # by webhook again
    await wait_for(lambda: pushed.incident_id in ada.session.incidents, timeout=5)
    assert [i for i, _ in await endpoints(sandbox, keys["admin"])] == [hub.push.health.endpoint_id]
