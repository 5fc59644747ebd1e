"""Sandbox + hub + several headless consoles over real sockets: one picture, one poll, shared alarms."""

from __future__ import annotations

import contextlib
import random
from datetime import UTC, datetime, timedelta

import pytest

from sety_console.api import ConflictError, PermissionDeniedError, SetyClient
from sety_console.api.hub_models import AlarmRecord
from sety_console.core.connection import ConnectionState
from sety_console.core.poller import PollMode
from sety_console.sandbox.server import SandboxServer

from .conftest import MakeRig, action_state, incident_request, status_of, wait_for

pytestmark = pytest.mark.asyncio


async def test_three_consoles_share_one_picture_and_one_poll(make_rig: MakeRig, direct: SetyClient) -> None:
    rng = random.Random(1)
    created = [(await direct.create_incident(incident_request(rng))).incident for _ in range(3)]
    rig = await make_rig()
    consoles = [await rig.console(name) for name in ("Ada", "Bo", "Chi")]
    ids = {i.incident_id for i in created}
    await wait_for(lambda: all(ids <= set(c.session.incidents.open_ids()) for c in consoles))
    assert all(c.session.available_workspaces()["control-room"] is None for c in consoles)
    await wait_for(lambda: all(c.session.connection.status.state is ConnectionState.ONLINE for c in consoles))
    assert all(not c.session.incidents.stale for c in consoles)

    # a change on the server reaches every console through the one poll of the hub
    polls_before = len(rig.sety.requests)
    victim = created[0].incident_id
    await direct.cancel_incident(victim, "test")
    await wait_for(lambda: all(status_of(c, victim) == "cancelled" for c in consoles))
    assert all(c.link.counters.snapshots == 1 for c in consoles)  # live deltas, no reload

    # the consoles' own probes were answered by the hub: Sety saw the hub's probes once, not four times
    probes = [r for r in rig.sety.requests if "0000000000000000" in r]
    assert len(probes) == 2
    assert len(rig.sety.requests) > polls_before
    assert 429 not in rig.sety.statuses
    names = sorted(s.operator for s in consoles[0].link.on_shift)
    assert names == ["Ada", "Bo", "Chi"]


async def test_acknowledgement_shelving_and_claims_reach_every_console(
    make_rig: MakeRig, direct: SetyClient
) -> None:
    incident = (await direct.create_incident(incident_request(random.Random(2), "critical"))).incident
    rig = await make_rig()
    ada, bo, chi = [await rig.console(name) for name in ("Ada", "Bo", "Chi")]
    seen: dict[str, list[AlarmRecord]] = {"Bo": [], "Chi": []}
    bo.link.alarm_changed.connect(seen["Bo"].append)
    chi.link.alarm_changed.connect(seen["Chi"].append)
    await wait_for(lambda: incident.incident_id in bo.session.incidents)

    acted = datetime.now(UTC) - timedelta(seconds=30)  # acted offline, half a minute ago
    record = await ada.acknowledge(incident.incident_id, "new_critical_sos", acted_at=acted)
    assert record.state == "acknowledged"
    assert record.actor == "Ada"
    assert record.workstation == "desk-Ada"
    await wait_for(lambda: all(s and s[-1].state == "acknowledged" for s in seen.values()), timeout=2)
    pushed = bo.link.alarms[(incident.incident_id, "new_critical_sos")]
    assert abs((pushed.acted_at - acted).total_seconds()) < 0.01  # the operator's time is kept…
    assert pushed.stored_at > pushed.acted_at  # …beside the time the hub stored it

    until = datetime.now(UTC) + timedelta(seconds=1.5)
    await bo.shelve(incident.incident_id, "sla_breached", until)
    await wait_for(lambda: chi.link.alarms.get((incident.incident_id, "sla_breached")) is not None)
    assert chi.link.alarms[(incident.incident_id, "sla_breached")].state == "shelved"
    # the shelf expires on the hub: the alarm annunciates again on every console
    await wait_for(
        lambda: chi.link.alarms[(incident.incident_id, "sla_breached")].state == "unacknowledged", timeout=5
    )

    claim = await ada.claim(incident.incident_id)
    assert claim.operator == "Ada"
    await wait_for(lambda: chi.link.claims.get(incident.incident_id) is not None)
    assert chi.link.claims[incident.incident_id].operator == "Ada"
    with pytest.raises(ConflictError, match="Taken by Ada"):
        await bo.claim(incident.incident_id)
    await ada.release(incident.incident_id)
    await wait_for(lambda: incident.incident_id not in chi.link.claims)

    audit = await chi.hub.audit()
    actions = [(e.actor, e.action) for e in audit]
    assert ("Ada", "alarm_acknowledged") in actions
    assert ("Bo", "alarm_shelved") in actions
    assert ("Ada", "claim") in actions
    assert ("Ada", "release") in actions
    assert ("hub", "alarm_unacknowledged") in actions  # the expiry, by the hub itself


async def test_a_refused_scope_is_answered_as_sety_would_without_spending_the_budget(
    make_rig: MakeRig, sandbox: SandboxServer, keys: dict[str, str]
) -> None:
    rig = await make_rig(role="operator")  # the operator key has no access:* scopes
    console = await rig.console("Ada")
    missing = frozenset({"access:read", "access:write"})
    await wait_for(lambda: console.session.connection.status.missing_scopes == missing)
    sent_before = len(rig.sety.requests)
    second = await rig.console("Bo")
    await wait_for(lambda: second.session.connection.status.missing_scopes == missing)
    assert console.session.available_workspaces() == second.session.available_workspaces()
    assert console.session.available_workspaces()["control-room"] is None
    assert second.session.available_workspaces()["gate"] is not None
    probes = [r for r in rig.sety.requests[sent_before:] if "0000000000000000" in r or r.endswith("limit=1")]
    assert probes == []  # a workstation's probes are answered by the hub, not forwarded

    async with SetyClient(sandbox.base_url, keys["operator"]) as direct_client:
        with pytest.raises(PermissionDeniedError) as direct_error:
            await direct_client.list_access_logs(limit=1)
        with pytest.raises(PermissionDeniedError) as hub_error:
            await second.client.list_access_logs(limit=1)
    assert direct_error.value.message == hub_error.value.message


async def test_the_org_key_never_reaches_a_workstation(make_rig: MakeRig, direct: SetyClient) -> None:
    rig = await make_rig()
    ada = await rig.console("Ada")
    incident = (await direct.create_incident(incident_request(random.Random(3)))).incident
    await wait_for(lambda: incident.incident_id in ada.session.incidents)
    entry = await ada.session.add_note(incident.incident_id, "on my way")
    await wait_for(lambda: action_state(ada, entry.action_id) == "done")
    await ada.acknowledge(incident.incident_id, "new_high")
    await ada.session.get_incident(incident.incident_id)
    await ada.session.safety_score(6.45, 3.4)  # forwarded to Sety by the hub
    for bad in ("nope",):
        with contextlib.suppress(Exception):
            await ada.client.list_incidents(status=bad)
    received = rig.everything_received()
    assert len(received) > 10
    secret = rig.org_key
    assert all(secret not in text and secret[-32:] not in text for text in received)


async def test_the_hub_polls_in_fallback_mode_too(make_rig: MakeRig, direct: SetyClient) -> None:
    """A Sety without `updated_since`: the core poller's fallback mode feeds the hub the same way."""
    incident = (await direct.create_incident(incident_request(random.Random(4), "critical"))).incident
    rig = await make_rig()
    rig.server.hub.feed.poller.mode = PollMode.FALLBACK
    bo = await rig.console("Bo")
    await wait_for(lambda: incident.incident_id in bo.session.incidents)
    await direct.cancel_incident(incident.incident_id, "fallback test")
    await wait_for(lambda: status_of(bo, incident.incident_id) == "cancelled", timeout=20)
    assert not any("updated_since" in r for r in rig.sety.requests[-5:])
