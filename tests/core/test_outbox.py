"""Outbox: durable, ordered, retried; nothing lost and nothing duplicated under injected faults."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from sety_console.api import SetyClient
from sety_console.api.models import CreateIncidentRequest
from sety_console.core.actions import ActionKind, ActionState
from sety_console.core.clock import ManualClock
from sety_console.core.outbox import Outbox
from sety_console.core.outbox_store import OutboxStorageError

from .fake_api import FakeApi, FaultyTransport


def new_outbox(client: SetyClient, tmp_path: Path, clock: ManualClock) -> Outbox:
    return Outbox(client, tmp_path, clock, rng=random.Random(7))


def create_payload(key: str = "trip-1") -> dict:
    request = CreateIncidentRequest.model_validate(
        {
            "category": "sos",
            "subject": {"name": "Ada"},
            "location": {"coordinates": [3.4, 6.5]},
            "idempotency_key": key,
        }
    )
    return request.body()


async def drain(outbox: Outbox, clock: ManualClock, seconds: float = 600.0) -> None:
    """Deliver until nothing is open (or `seconds` of fake time pass)."""
    for _ in range(int(seconds)):
        await outbox.deliver_due()
        if not outbox.open_entries():
            return
        await clock.advance(1.0)


# A 429 is a refusal: the server did not act, so it is injected only "before".
FAULTS = [(w, k) for w in ("before", "after") for k in ("timeout", "reset", "500", "malformed")] + [
    ("before", "429")
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("when", "kind"), FAULTS)
async def test_note_is_delivered_exactly_once_despite_a_fault(
    api: FakeApi,
    transport: FaultyTransport,
    client: SetyClient,
    clock: ManualClock,
    tmp_path: Path,
    when: str,
    kind: str,
) -> None:
    incident_id = api.add_incident()["incident_id"]
    outbox = new_outbox(client, tmp_path, clock)
    transport.inject("POST /incidents/", when, kind, times=2)
    entry = outbox.submit(
        ActionKind.ADD_NOTE,
        {"message": "Caller safe", "author": "Op Ada"},
        target_id=incident_id,
        created_by="Op Ada",
    )
    await drain(outbox, clock)
    assert outbox.get(entry.action_id).state is ActionState.DONE
    assert [n["message"] for n in api.notes(incident_id)] == ["Caller safe"]
    outbox.close()


@pytest.mark.asyncio
@pytest.mark.parametrize(("when", "kind"), FAULTS)
async def test_create_reuses_its_idempotency_key_and_creates_once(
    api: FakeApi,
    transport: FaultyTransport,
    client: SetyClient,
    clock: ManualClock,
    tmp_path: Path,
    when: str,
    kind: str,
) -> None:
    outbox = new_outbox(client, tmp_path, clock)
    transport.inject("POST /incidents", when, kind, times=3)
    entry = outbox.submit(ActionKind.CREATE_INCIDENT, create_payload(), target_id=None, created_by="Op Ada")
    await drain(outbox, clock)
    done = outbox.get(entry.action_id)
    assert done.state is ActionState.DONE
    assert done.attempts == 4
    assert len(api.incidents) == 1
    assert done.result["incident"]["idempotency_key"] == "trip-1"
    outbox.close()


@pytest.mark.asyncio
@pytest.mark.parametrize("when", ["before", "after"])
async def test_check_in_is_not_duplicated_after_an_ambiguous_timeout(
    api: FakeApi,
    transport: FaultyTransport,
    client: SetyClient,
    clock: ManualClock,
    tmp_path: Path,
    when: str,
) -> None:
    outbox = new_outbox(client, tmp_path, clock)
    transport.inject("POST /access-logs", when, "timeout")
    payload = {"visitor_name": "Emeka", "host_name": "Bisi", "gate": "Main", "created_by": "Op Ada"}
    entry = outbox.submit(ActionKind.CHECK_IN, payload, target_id=None, created_by="Op Ada")
    await drain(outbox, clock)
    assert outbox.get(entry.action_id).state is ActionState.DONE
    assert len(api.logs) == 1
    assert outbox.get(entry.action_id).result["log_id"] in api.logs
    outbox.close()


@pytest.mark.asyncio
async def test_two_identical_notes_typed_on_purpose_are_both_kept(
    api: FakeApi, transport: FaultyTransport, client: SetyClient, clock: ManualClock, tmp_path: Path
) -> None:
    incident_id = api.add_incident()["incident_id"]
    outbox = new_outbox(client, tmp_path, clock)
    note = {"message": "Called again", "author": "Op Ada"}
    outbox.submit(ActionKind.ADD_NOTE, note, target_id=incident_id, created_by="Op Ada")
    await drain(outbox, clock)
    transport.inject("POST /incidents/", "before", "timeout")  # the second one never reaches the server
    outbox.submit(ActionKind.ADD_NOTE, note, target_id=incident_id, created_by="Op Ada")
    await drain(outbox, clock)
    assert len(api.notes(incident_id)) == 2


@pytest.mark.asyncio
async def test_permanent_errors_fail_with_the_servers_message(
    api: FakeApi, client: SetyClient, clock: ManualClock, tmp_path: Path
) -> None:
    outbox = new_outbox(client, tmp_path, clock)
    missing = outbox.submit(
        ActionKind.ADD_NOTE, {"message": "x"}, target_id="inc_missing00000000", created_by=None
    )
    api.scopes.discard("access:write")
    refused = outbox.submit(ActionKind.REVOKE_ACCESS_CODE, {}, target_id="acc_1", created_by=None)
    await drain(outbox, clock)
    assert outbox.get(missing.action_id).state is ActionState.FAILED
    assert "Incident not found" in outbox.get(missing.action_id).error
    assert outbox.get(refused.action_id).state is ActionState.FAILED
    assert api.count("POST", "/incidents/inc_missing") == 1  # never retried


@pytest.mark.asyncio
async def test_conflicts_that_mean_done(
    api: FakeApi, client: SetyClient, clock: ManualClock, tmp_path: Path
) -> None:
    cancelled = api.add_incident()["incident_id"]
    api.set_status(cancelled, "cancelled")
    resolved = api.add_incident()["incident_id"]
    api.set_status(resolved, "resolved")
    log_id = api.check_in("", None, {"visitor_name": "V", "host_name": "H", "gate": "Main"}).json()["log_id"]
    api.checkout(log_id, None, {})
    outbox = new_outbox(client, tmp_path, clock)
    a = outbox.submit(ActionKind.CANCEL_INCIDENT, {"reason": "safe"}, target_id=cancelled, created_by=None)
    b = outbox.submit(ActionKind.CANCEL_INCIDENT, {}, target_id=resolved, created_by=None)
    c = outbox.submit(ActionKind.CHECK_OUT, {}, target_id=log_id, created_by=None)
    await drain(outbox, clock)
    assert outbox.get(a.action_id).state is ActionState.DONE
    assert outbox.get(b.action_id).state is ActionState.FAILED
    assert "already resolved" in outbox.get(b.action_id).error
    assert outbox.get(c.action_id).state is ActionState.DONE


@pytest.mark.asyncio
async def test_actions_survive_a_restart_and_sending_ones_are_checked_first(
    api: FakeApi, client: SetyClient, clock: ManualClock, tmp_path: Path
) -> None:
    incident_id = api.add_incident()["incident_id"]
    outbox = new_outbox(client, tmp_path, clock)
    entry = outbox.submit(
        ActionKind.ADD_NOTE, {"message": "m", "author": "Op"}, target_id=incident_id, created_by="Op"
    )
    # simulate a crash after the request reached the server: the row says "sending"
    api.add_note(incident_id, None, {"message": "m", "author": "Op"})
    outbox._store.update(replace(entry, state=ActionState.SENDING))
    outbox.close()
    restarted = new_outbox(client, tmp_path, clock)
    [reloaded] = restarted.open_entries()
    assert reloaded.needs_check
    assert reloaded.state is ActionState.PENDING
    await drain(restarted, clock)
    assert restarted.get(entry.action_id).state is ActionState.DONE
    assert len(api.notes(incident_id)) == 1
    restarted.close()


@pytest.mark.asyncio
async def test_actions_about_one_target_stay_in_order(
    api: FakeApi, transport: FaultyTransport, client: SetyClient, clock: ManualClock, tmp_path: Path
) -> None:
    incident_id = api.add_incident()["incident_id"]
    outbox = new_outbox(client, tmp_path, clock)
    transport.inject("POST /incidents/", "before", "connect", times=3)
    for text in ("first", "second", "third"):
        outbox.submit(ActionKind.ADD_NOTE, {"message": text}, target_id=incident_id, created_by=None)
    await drain(outbox, clock)
    assert [n["message"] for n in api.notes(incident_id)] == ["first", "second", "third"]


@pytest.mark.asyncio
async def test_a_second_console_on_the_same_folder_is_refused(
    client: SetyClient, clock: ManualClock, tmp_path: Path
) -> None:
    outbox = new_outbox(client, tmp_path, clock)
    with pytest.raises(OutboxStorageError, match="Another Sety Console"):
        new_outbox(client, tmp_path, clock)
    outbox.close()
    new_outbox(client, tmp_path, clock).close()  # free again once closed


@pytest.mark.asyncio
async def test_a_locked_database_is_reported_not_swallowed(
    client: SetyClient, clock: ManualClock, tmp_path: Path
) -> None:
    outbox = new_outbox(client, tmp_path, clock)
    problems: list[str] = []
    outbox.storage_problem.connect(problems.append)
    blocker = sqlite3.connect(tmp_path / "outbox.sqlite3", timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(OutboxStorageError, match="locked"):
            outbox.submit(ActionKind.ADD_NOTE, {"message": "m"}, target_id="inc_x", created_by=None)
    finally:
        blocker.rollback()
        blocker.close()
    assert problems
    assert "locked" in problems[0]
    assert outbox.open_entries() == []  # nothing half-stored
    outbox.submit(ActionKind.ADD_NOTE, {"message": "m"}, target_id="inc_x", created_by=None)
    assert problems[-1] == ""  # recovery is announced too
    outbox.close()


@pytest.mark.asyncio
async def test_a_full_disk_is_reported(client: SetyClient, clock: ManualClock, tmp_path: Path) -> None:
    outbox = new_outbox(client, tmp_path, clock)
    pages = outbox._store._db.execute("PRAGMA page_count").fetchone()[0]
    outbox._store._db.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full from now on
    big = {"message": "x" * 20_000}
    with pytest.raises(OutboxStorageError, match="full"):
        outbox.submit(ActionKind.ADD_NOTE, big, target_id="inc_x", created_by=None)
    assert outbox.open_entries() == []
    outbox.close()
