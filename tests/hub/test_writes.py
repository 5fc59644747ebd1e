"""Writes through the hub reach Sety exactly once: by idempotency key, and after a lost answer."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from sety_console.api import SetyClient
from sety_console.api.models import TimelineEventType
from sety_console.hub.db import HubDatabase, WriteRow

from .conftest import (
    CountingTransport,
    MakeRig,
    action_result,
    action_state,
    incident_request,
    status_of,
    wait_for,
)

pytestmark = pytest.mark.asyncio


class LosesFirstNoteAnswer(CountingTransport):
    """Sends the first note to Sety, then loses its answer (the write happened; nobody heard)."""

    def __init__(self) -> None:
        super().__init__()
        self.lost = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if request.method == "POST" and request.url.path.endswith("/notes") and not self.lost:
            self.lost += 1
            await response.aread()
            raise httpx.ReadTimeout("the answer was lost", request=request)
        return response


def notes(incident: Any, message: str) -> list[Any]:
    return [e for e in incident.timeline if e.event == TimelineEventType.note_added and e.message == message]


async def test_console_actions_through_the_hub_happen_once(make_rig: MakeRig, direct: SetyClient) -> None:
    rig = await make_rig()
    ada = await rig.console("Ada")
    bo = await rig.console("Bo")
    entry = await ada.session.create_incident(incident_request(random.Random(7), "critical"))
    await wait_for(lambda: action_state(ada, entry.action_id) == "done")
    incident_id = action_result(ada, entry.action_id)["incident"]["incident_id"]
    await wait_for(lambda: incident_id in bo.session.incidents, timeout=2)  # pushed, not polled
    note = await ada.session.add_note(incident_id, "units informed")
    cancel = await ada.session.cancel_incident(incident_id, "false alarm")
    await wait_for(lambda: action_state(ada, cancel.action_id) == "done")
    assert action_state(ada, note.action_id) == "done"
    await wait_for(lambda: status_of(bo, incident_id) == "cancelled", timeout=3)

    on_sety = await direct.get_incident(incident_id)
    assert on_sety.status == "cancelled"
    assert len(notes(on_sety, "units informed")) == 1
    posts = [r for r in rig.sety.requests if r.startswith("POST")]
    assert len([p for p in posts if p.endswith("/notes")]) == 1
    assert len([p for p in posts if p.endswith(f"{incident_id}/cancel")]) == 1
    # the hub forwarded each write under the console's own idempotency key
    db = HubDatabase(rig.server.config.database_url)
    with db.session() as session:
        keys = {row.idem_key for row in session.scalars(select(WriteRow))}
    db.close()
    assert {entry.idempotency_key, note.idempotency_key, cancel.idempotency_key} <= keys
    audit = await bo.hub.audit()
    mine = [(e.actor, e.action, e.target_id) for e in audit if e.target_id == incident_id]
    assert ("Ada", "create_incident", incident_id) in mine
    assert ("Ada", "cancel_incident", incident_id) in mine
    assert all(e.workstation == "desk-Ada" for e in audit if e.target_id == incident_id)


async def test_a_repeated_idempotency_key_is_answered_from_the_hub(
    make_rig: MakeRig, direct: SetyClient
) -> None:
    incident = (await direct.create_incident(incident_request(random.Random(8)))).incident
    rig = await make_rig()
    token = rig.operator("Ada")
    url = f"{rig.server.contract_url}/incidents/{incident.incident_id}/notes"
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "note-4f1c2a0e"}
    body = {"message": "checked twice", "author": "Ada"}
    async with httpx.AsyncClient(timeout=15) as http:
        await wait_for(lambda: rig.server.hub.feed.scopes is not None)
        first, second = await asyncio.gather(
            http.post(url, json=body, headers=headers), http.post(url, json=body, headers=headers)
        )
        third = await http.post(url, json=body, headers=headers)
        other = await http.post(url, json={"message": "something else"}, headers=headers)
    assert first.status_code == second.status_code == third.status_code == 201
    assert first.json() == second.json() == third.json()
    assert third.headers["idempotent-replayed"] == "true"
    assert other.status_code == 409
    assert "Idempotency-Key" in other.json()["message"]
    assert len(notes(await direct.get_incident(incident.incident_id), "checked twice")) == 1
    assert len([r for r in rig.sety.requests if r.endswith("/notes")]) == 1


async def test_a_lost_answer_is_checked_once_on_the_hub_never_sent_twice(
    make_rig: MakeRig, direct: SetyClient
) -> None:
    incident = (await direct.create_incident(incident_request(random.Random(9)))).incident
    faulty = LosesFirstNoteAnswer()  # the hub's link to Sety loses one answer
    rig = await make_rig(sety=faulty, settle_after_ambiguous_s=0.3)
    ada = await rig.console("Ada")
    await wait_for(lambda: incident.incident_id in ada.session.incidents)
    entry = await ada.session.add_note(incident.incident_id, "lost then found")
    await wait_for(lambda: action_state(ada, entry.action_id) == "done", timeout=20)
    assert faulty.lost == 1
    assert len([r for r in faulty.requests if r.endswith("/notes")]) == 1  # looked up, not resent
    assert len(notes(await direct.get_incident(incident.incident_id), "lost then found")) == 1
    result = action_result(ada, entry.action_id)
    assert result is not None
    assert result["message"] == "lost then found"
