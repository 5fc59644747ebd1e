"""A hub restart loses nothing: workstations resume from their sequence, pending writes finish once."""

from __future__ import annotations

import json
import random

import pytest

from sety_console.api import SetyClient
from sety_console.api.models import TimelineEventType
from sety_console.core.actions import ActionKind
from sety_console.hub.db import HubDatabase, WriteRow, now_ms
from sety_console.hub.hub import HubConfig
from sety_console.hub.server import HubServer
from sety_console.sandbox.server import SandboxServer

from .conftest import MakeRig, incident_request, status_of, wait_for

pytestmark = pytest.mark.asyncio


async def test_workstations_resume_across_a_hub_restart(make_rig: MakeRig, direct: SetyClient) -> None:
    incident = (await direct.create_incident(incident_request(random.Random(21)))).incident
    rig = await make_rig()
    ada = await rig.console("Ada")
    await wait_for(lambda: incident.incident_id in ada.session.incidents)
    assert ada.link.hello is not None
    assert ada.link.hello.environment == "test"
    port, config = rig.port, rig.server.config
    rig.server.stop()
    await wait_for(lambda: ada.session.incidents.stale)
    await direct.cancel_incident(incident.incident_id, "while the hub was down")

    rig.server = HubServer(config, port=port)  # same database, same address
    rig.server.start()
    await wait_for(lambda: status_of(ada, incident.incident_id) == "cancelled", timeout=20)
    assert ada.link.counters.snapshots == 1  # the sequence survived the restart: resumed, not reloaded
    assert ada.link.counters.resumes >= 1


async def test_writes_left_pending_by_a_dead_hub_finish_exactly_once(
    sandbox: SandboxServer, keys: dict[str, str], hub_database: str, direct: SetyClient
) -> None:
    incident = (await direct.create_incident(incident_request(random.Random(22)))).incident
    # the previous hub sent this note, Sety applied it, and the hub died before storing the answer…
    await direct.add_incident_note(incident.incident_id, "sent before the crash", "Ada")
    db = HubDatabase(hub_database)
    with db.session() as session:
        for key, message in (("k-sent", "sent before the crash"), ("k-unsent", "never sent")):
            body = {"message": message, "author": "Ada"}
            session.add(
                WriteRow(
                    idem_key=key,
                    operation=ActionKind.ADD_NOTE.value,
                    target_id=incident.incident_id,
                    body_hash="x",
                    body=json.dumps(body),
                    state="pending",
                    operator="Ada",
                    workstation="desk-1",
                    acted_at_ms=now_ms() - 1000,
                )
            )
    db.close()
    config = HubConfig(
        database_url=hub_database,
        api_url=sandbox.base_url,
        api_key=keys["admin"],
        settle_after_ambiguous_s=0.1,
    )
    with HubServer(config) as server:
        await wait_for(lambda: server.hub.writes.sent_to_sety >= 1 and server.hub.writes.in_flight == 0)
    on_sety = await direct.get_incident(incident.incident_id)
    texts = [e.message for e in on_sety.timeline if e.event == TimelineEventType.note_added]
    assert texts.count("sent before the crash") == 1  # looked up, found, not sent again
    assert texts.count("never sent") == 1  # looked up, absent, sent once
    db = HubDatabase(hub_database)
    with db.session() as session:
        states = {row.idem_key: row.state for row in session.query(WriteRow)}
    db.close()
    assert states == {"k-sent": "done", "k-unsent": "done"}
