"""The hub serves the Sety contract: reads from its picture answer as Sety would (envelopes, filters,
pagination, `updated_since`, errors), and a console that simply polls the hub works unchanged."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from sety_console.api import SetyClient
from sety_console.api.hub_stream import HubContractClient
from sety_console.core.session import ConsoleSession

from .conftest import MakeRig, incident_request, wait_for

pytestmark = pytest.mark.asyncio

QUERIES: list[dict[str, Any]] = [
    {"status": "created,dispatching", "limit": 2, "page": 2},
    {"status": "cancelled", "severity": "critical,low"},
    {"category": "sos", "status": "dispatching,created"},
    {"status": "dispatching", "limit": 100},
]


async def test_reads_from_the_picture_match_sety(
    make_rig: MakeRig, direct: SetyClient, sandbox: Any, keys: Any
) -> None:
    rng = random.Random(12)
    made = [
        (await direct.create_incident(incident_request(rng, rng.choice(["critical", "low"])))).incident
        for _ in range(5)
    ]
    await direct.cancel_incident(made[0].incident_id, "contract test")
    rig = await make_rig()
    token = rig.operator("Ada")
    await wait_for(
        lambda: rig.server.hub.feed.scopes is not None and not rig.server.hub.picture.incidents.stale
    )
    await wait_for(lambda: all(i.incident_id in rig.server.hub.picture.incidents for i in made))
    since = (made[2].updated_at).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    queries = [
        *QUERIES,
        {"updated_since": since},
        {"from_date": (datetime.now(UTC) - timedelta(hours=1)).isoformat()},
    ]
    auth_hub = {"Authorization": f"Bearer {token}"}
    auth_sety = {"Authorization": f"Bearer {rig.org_key}"}
    async with httpx.AsyncClient(timeout=10) as http:
        for params in queries:
            for _attempt in range(40):  # the picture trails Sety by one poll at most
                ours = await http.get(f"{rig.server.contract_url}/incidents", params=params, headers=auth_hub)
                theirs = await http.get(f"{sandbox.base_url}/incidents", params=params, headers=auth_sety)
                if ours.json() == theirs.json():
                    break
                await asyncio.sleep(0.1)
            assert ours.status_code == theirs.status_code == 200, params
            assert ours.json() == theirs.json(), params  # envelope, pagination, order, documents
            assert "x-ratelimit-remaining" in ours.headers
        one = await http.get(f"{rig.server.contract_url}/incidents/{made[1].incident_id}", headers=auth_hub)
        assert (
            one.json()
            == (
                await http.get(f"{sandbox.base_url}/incidents/{made[1].incident_id}", headers=auth_sety)
            ).json()
        )
        # answered from the picture; only "every cancelled incident ever" is not in it and went to Sety
        assert [r.split("?")[0] for r in rig.server.hub.reads.forwarded] == ["/incidents"]

        for params, field in (
            ({"limit": 500}, "limit"),
            ({"status": "lost"}, "status"),
            ({"colour": "red"}, "colour"),
            ({"from_date": "2026-03-10", "to_date": "2026-03-01"}, "from_date"),
        ):
            ours = await http.get(f"{rig.server.contract_url}/incidents", params=params, headers=auth_hub)
            assert ours.status_code == 400, params
            assert ours.json()["field"] == field
            assert ours.json()["request_id"]
        refused = await http.get(
            f"{rig.server.contract_url}/incidents", headers={"Authorization": "Bearer nope"}
        )
        assert refused.status_code == 401
        assert refused.json()["code"] == 401
        admin = await http.get(f"{rig.server.contract_url}/api-keys", headers=auth_hub)
        assert admin.status_code == 403


async def test_a_plain_console_polling_the_hub_costs_sety_nothing(
    make_rig: MakeRig, direct: SetyClient, tmp_path: Path
) -> None:
    rig = await make_rig()
    token = rig.operator("Ada")
    await wait_for(
        lambda: rig.server.hub.feed.scopes is not None and not rig.server.hub.picture.incidents.stale
    )
    client = HubContractClient(rig.server.contract_url, token, workstation="desk-old")
    session = ConsoleSession(
        client, data_dir=tmp_path / "old", operator_name="Ada"
    )  # today's console, unchanged
    await session.start()
    try:
        incident = (await direct.create_incident(incident_request(random.Random(13)))).incident
        await wait_for(lambda: incident.incident_id in session.incidents)
        await direct.cancel_incident(incident.incident_id, "polling test")
        await wait_for(lambda: status_of_plain(session, incident.incident_id) == "cancelled")
        await wait_for(lambda: session.poller.requests >= 5)  # several polls, however fast the changes came
        # every poll was answered by the hub; only its one-item scope probes (the newest incident or
        # access log of all time, which no picture holds) may have gone to Sety
        assert all(r.endswith("?limit=1") for r in rig.server.hub.reads.forwarded)
    finally:
        await session.close()
        await client.aclose()


def status_of_plain(session: ConsoleSession, incident_id: str) -> str | None:
    incident = session.incidents.get(incident_id)
    return None if incident is None else incident.status.value
