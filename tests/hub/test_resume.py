"""A dropped stream resumes from its sequence number: no gap, no reload (a snapshot only when too old)."""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import pytest_asyncio

from sety_console.api import SetyClient
from sety_console.core.hub_link import LinkState

from .conftest import CuttableProxy, MakeRig, incident_request, status_of, wait_for

pytestmark = pytest.mark.asyncio
MakeProxy = Callable[[int], Awaitable[CuttableProxy]]


@pytest_asyncio.fixture
async def proxy_for() -> AsyncIterator[MakeProxy]:
    proxies: list[CuttableProxy] = []

    async def make(port: int) -> CuttableProxy:
        proxy = CuttableProxy(port)
        await proxy.start()
        proxies.append(proxy)
        return proxy

    yield make
    for proxy in proxies:
        await proxy.close()


def change_seqs(messages: list[str]) -> list[int]:
    seqs = []
    for text in messages:
        data = json.loads(text)
        if data.get("type") == "change":
            seqs.append(data["seq"])
    return seqs


async def test_a_dropped_stream_resumes_with_no_gap_and_no_reload(
    make_rig: MakeRig, proxy_for: MakeProxy, direct: SetyClient
) -> None:
    rng = random.Random(5)
    incidents = [(await direct.create_incident(incident_request(rng))).incident for _ in range(3)]
    rig = await make_rig()
    ada = await rig.console("Ada")
    proxy = await proxy_for(rig.port)
    bo = await rig.console("Bo", url=proxy.contract_url())
    states: list[LinkState] = []
    bo.link.link_changed.connect(states.append)
    ids = {i.incident_id for i in incidents}
    await wait_for(lambda: ids <= set(bo.session.incidents.open_ids()))
    start_seq = bo.link.seq
    assert start_seq is not None

    proxy.cut()  # the network drops; Bo cannot reconnect for a while
    await wait_for(lambda: LinkState.DROPPED in states)
    assert bo.session.incidents.stale  # never shown as live while cut off
    await direct.cancel_incident(incidents[0].incident_id, "resume test")
    new = (await direct.create_incident(incident_request(rng))).incident
    await ada.acknowledge(incidents[1].incident_id, "new_high")
    await ada.claim(incidents[2].incident_id)
    await wait_for(lambda: status_of(ada, incidents[0].incident_id) == "cancelled")
    await wait_for(lambda: new.incident_id in ada.session.incidents)
    missed_head = rig.server.hub.changelog.head

    proxy.blocked = False
    await wait_for(lambda: bo.link.seq is not None and bo.link.seq >= missed_head)
    assert status_of(bo, incidents[0].incident_id) == "cancelled"
    assert new.incident_id in bo.session.incidents
    assert bo.link.alarms[(incidents[1].incident_id, "new_high")].actor == "Ada"
    assert bo.link.claims[incidents[2].incident_id].operator == "Ada"
    assert bo.link.counters.snapshots == 1  # the first load only: the drop cost no reload
    assert bo.link.counters.resumes >= 1
    await wait_for(lambda: not bo.session.incidents.stale)

    # no gap: every change the hub logged after Bo's position reached Bo, once, in order
    upto = bo.link.seq
    assert upto is not None
    logged = [c.seq for c in rig.server.hub.changelog.read_after(start_seq) or [] if c.seq <= upto]
    received = [s for s in change_seqs(rig.messages["Bo"]) if start_seq < s <= upto]
    assert len(logged) >= 4
    assert received == logged  # each change once, in order, none missing


async def test_a_console_behind_the_kept_log_gets_one_snapshot(
    make_rig: MakeRig, proxy_for: MakeProxy, direct: SetyClient
) -> None:
    rng = random.Random(6)
    rig = await make_rig(keep_changes=2)
    ada = await rig.console("Ada")
    proxy = await proxy_for(rig.port)
    bo = await rig.console("Bo", url=proxy.contract_url())
    first = (await direct.create_incident(incident_request(rng))).incident
    await wait_for(lambda: first.incident_id in bo.session.incidents)
    proxy.cut()
    await wait_for(lambda: bo.session.incidents.stale)
    for _ in range(4):
        incident = (await direct.create_incident(incident_request(rng))).incident
        await ada.acknowledge(incident.incident_id, "new_high")
    await wait_for(lambda: incident.incident_id in ada.session.incidents)
    rig.server.hub.changelog.prune()  # Bo's position is no longer kept
    proxy.blocked = False
    await wait_for(lambda: incident.incident_id in bo.session.incidents)
    assert bo.link.counters.snapshots == 2
    assert (incident.incident_id, "new_high") in bo.link.alarms
    assert set(bo.session.incidents.open_ids()) == set(ada.session.incidents.open_ids())
