"""What a workstation does while its hub cannot be reached (issue 14, the console side, over real sockets):
an acknowledgement takes effect here at once, is said as not shared yet, is kept on disk across a
restart and is sent again — with the time the operator acted — once the hub answers; an outbox action
sent late carries the operator's own time (`X-Sety-Acted-At`) into the hub's audit."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from sety_console.api import RetryPolicy, SetyClient
from sety_console.core import hub_alarms
from sety_console.core.actions import ActionState
from sety_console.core.hub_alarms import NotSharedYet
from sety_console.core.hub_session import HubSession, connect_to_hub

from .conftest import CuttableProxy, HubRig, MakeRig, incident_request, wait_for

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def proxy_rig(make_rig: MakeRig) -> AsyncIterator[tuple[HubRig, CuttableProxy]]:
    rig = await make_rig()
    proxy = CuttableProxy(rig.port)
    await proxy.start()
    yield rig, proxy
    await proxy.close()


def _rings(console: HubSession, incident_id: str) -> bool:
    return any(a.incident_id == incident_id for a in console.session.alarms.ringing(datetime.now(UTC)))


async def _console_behind(
    rig: HubRig, proxy: CuttableProxy, name: str, token: str, folder: Path
) -> HubSession:
    """A workstation whose every connection to the hub goes through `proxy` (one try per request)."""
    session = connect_to_hub(
        proxy.contract_url(),
        token,
        data_dir=folder,
        operator_name=name,
        workstation=f"desk-{name}",
        client_options={"retry": RetryPolicy.never()},
    )
    rig.sessions.append(session)
    await session.session.start()
    return session


async def test_an_acknowledgement_the_hub_could_not_record_is_kept_and_shared_later(
    proxy_rig: tuple[HubRig, CuttableProxy],
    direct: SetyClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(hub_alarms, "RETRY_S", 0.2)
    rig, proxy = proxy_rig
    incident = (await direct.create_incident(incident_request(random.Random(21), "critical"))).incident
    token = rig.operator("Ada")
    ada = await _console_behind(rig, proxy, "Ada", token, tmp_path / "ada")
    bo = await rig.console("Bo")
    key = incident.incident_id
    await wait_for(lambda: all(key in c.session.incidents for c in (ada, bo)))
    await wait_for(lambda: _rings(bo, key))

    proxy.cut()  # the hub is unreachable from Ada's desk
    counts: list[int] = []
    ada.alarm_log.unshared_changed.connect(counts.append)
    acted = datetime.now(UTC)
    with pytest.raises(NotSharedYet, match="the other workstations do not know yet"):
        await ada.session.alarms.acknowledge(key, "Ada", acted)
    assert not any(a.incident_id == key for a in ada.session.alarms.ringing(acted))  # silenced here at once
    assert counts == [1]
    assert _rings(bo, key)  # not yet there

    await ada.close()  # Ada's console restarts while the hub is still unreachable
    again = await _console_behind(rig, proxy, "Ada", token, tmp_path / "ada")
    assert again.alarm_log.unshared_count == 1  # kept on disk…
    assert not _rings(again, key)  # …and applied

    proxy.blocked = False  # the hub answers again: the kept acknowledgement is sent, with Ada's time
    await wait_for(lambda: again.alarm_log.unshared_count == 0, timeout=10)
    await wait_for(lambda: not _rings(bo, key))
    shared = bo.link.alarms[(key, "new_critical")]
    assert shared.state == "acknowledged"
    assert abs((shared.acted_at - acted).total_seconds()) < 0.01
    assert shared.stored_at - shared.acted_at > timedelta(seconds=0.1)


async def test_an_outbox_action_sent_late_carries_the_operators_time(
    proxy_rig: tuple[HubRig, CuttableProxy], direct: SetyClient, tmp_path: Path
) -> None:
    rig, proxy = proxy_rig
    incident = (await direct.create_incident(incident_request(random.Random(22)))).incident
    ada = await _console_behind(rig, proxy, "Ada", rig.operator("Ada"), tmp_path / "ada")
    await wait_for(lambda: incident.incident_id in ada.session.incidents)

    proxy.cut()
    entry = await ada.session.add_note(incident.incident_id, "Caller says the gate is locked")
    await wait_for(lambda: (ada.session.outbox.get(entry.action_id) or entry).attempts >= 1, timeout=10)
    proxy.blocked = False
    await wait_for(
        lambda: (e := ada.session.outbox.get(entry.action_id)) is not None and e.state is ActionState.DONE,
        timeout=30,
    )
    audit = [a for a in await rig.sessions[0].hub.audit() if a.action == "add_note"]
    assert len(audit) == 1
    assert audit[0].actor == "Ada"
    assert abs((audit[0].acted_at - entry.created_at).total_seconds()) < 0.01  # when Ada typed it
    assert audit[0].stored_at > audit[0].acted_at
