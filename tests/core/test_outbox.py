"""Outbox: durable, ordered, retried; nothing lost and nothing duplicated under injected faults."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from sety_console.api import SetyClient
from sety_console.api.models import CreateIncidentRequest
from sety_console.core.actions import ActionKind, ActionState, OutboxEntry, Settlement
from sety_console.core.clock import ManualClock
from sety_console.core.outbox import Outbox
from sety_console.core.outbox_store import OutboxStorageError

from .fake_api import FakeApi, FaultyTransport

pytestmark = pytest.mark.asyncio


async def new_outbox(client: SetyClient, tmp_path: Path, clock: ManualClock, **options: Any) -> Outbox:
    outbox = Outbox(client, tmp_path, clock, rng=random.Random(7), **options)
    await outbox.open()
    return outbox


def create_payload(key: str = "trip-1") -> dict[str, Any]:
    request = CreateIncidentRequest.model_validate(
        {
            "category": "sos",
            "subject": {"name": "Ada"},
            "location": {"coordinates": [3.4, 6.5]},
            "idempotency_key": key,
        }
    )
    return request.body()


async def drain(
    outbox: Outbox, clock: ManualClock, transport: FaultyTransport | None = None, seconds: float = 600.0
) -> None:
    """Deliver until nothing is open (or `seconds` of fake time pass); late requests land when due."""
    for _ in range(int(seconds)):
        if transport is not None:
            transport.deliver_late()
        await outbox.deliver_due()
        if not outbox.open_entries():
            return
        await clock.advance(1.0)


async def note(outbox: Outbox, incident_id: str, message: str = "Caller safe") -> OutboxEntry:
    return await outbox.submit(
        ActionKind.ADD_NOTE,
        {"message": message, "author": "Op Ada"},
        target_id=incident_id,
        created_by="Op Ada",
    )


# A 429 is a refusal: the server did not act, so it is injected only "before".
FAULTS = [(w, k) for w in ("before", "after") for k in ("timeout", "reset", "500", "malformed")] + [
    ("before", "429")
]


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
    outbox = await new_outbox(client, tmp_path, clock)
    transport.inject("POST /incidents/", when, kind, times=2)
    entry = await note(outbox, incident_id)
    await drain(outbox, clock)
    done = outbox.get(entry.action_id)
    assert done is not None
    assert done.state is ActionState.DONE
    assert [n["message"] for n in api.notes(incident_id)] == ["Caller safe"]
    assert {k for _, p, k in api.keys_seen if p.endswith("/notes")} == {entry.idempotency_key}
    await outbox.close()


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
    outbox = await new_outbox(client, tmp_path, clock)
    transport.inject("POST /incidents", when, kind, times=3)
    entry = await outbox.submit(
        ActionKind.CREATE_INCIDENT, create_payload(), target_id=None, created_by="Op Ada"
    )
    assert entry.idempotency_key == "trip-1"
    await drain(outbox, clock)
    done = outbox.get(entry.action_id)
    assert done is not None
    assert done.state is ActionState.DONE
    assert done.attempts == 4
    assert len(api.incidents) == 1
    assert done.result is not None
    assert done.result["incident"]["idempotency_key"] == "trip-1"
    assert done.settled_by is (Settlement.REPLAYED if when == "after" else Settlement.RESENT)
    await outbox.close()


@pytest.mark.parametrize("when", ["before", "after"])
async def test_check_in_is_not_duplicated_after_an_ambiguous_timeout(
    api: FakeApi,
    transport: FaultyTransport,
    client: SetyClient,
    clock: ManualClock,
    tmp_path: Path,
    when: str,
) -> None:
    outbox = await new_outbox(client, tmp_path, clock)
    transport.inject("POST /access-logs", when, "timeout")
    payload = {"visitor_name": "Emeka", "host_name": "Bisi", "gate": "Main", "created_by": "Op Ada"}
    entry = await outbox.submit(ActionKind.CHECK_IN, payload, target_id=None, created_by="Op Ada")
    await drain(outbox, clock)
    done = outbox.get(entry.action_id)
    assert done is not None
    assert done.state is ActionState.DONE
    assert len(api.logs) == 1
    assert done.result is not None
    assert done.result["log_id"] in api.logs
    assert done.settled_by is (Settlement.FOUND if when == "after" else Settlement.RESENT)


@pytest.mark.parametrize(("margin", "duplicates"), [(30.0, 0), (0.0, 1)])
async def test_a_request_that_lands_late_is_waited_for_before_looking(
    api: FakeApi,
    transport: FaultyTransport,
    client: SetyClient,
    clock: ManualClock,
    tmp_path: Path,
    margin: float,
    duplicates: int,
) -> None:
    """Issue 18 §1: the first try is held by the network past the client's timeout, then arrives.

    With the quiet margin the outbox looks only once it can no longer arrive, and finds it; without
    it (the old behaviour, margin 0) it looks too early, finds nothing, sends again: a duplicate.
    """
    incident_id = api.add_incident()["incident_id"]
    outbox = await new_outbox(client, tmp_path, clock, quiet_margin_s=margin)
    transport.late_by = client.timeout + 15.0  # arrives 25 s after it was sent
    transport.inject("POST /incidents/", "before", "late")
    entry = await note(outbox, incident_id)
    await drain(outbox, clock, transport)
    transport.deliver_late()
    await clock.advance(60)
    transport.deliver_late()
    assert len(api.notes(incident_id)) == 1 + duplicates
    done = outbox.get(entry.action_id)
    assert done is not None
    if not duplicates:
        assert done.settled_by is Settlement.FOUND


async def test_the_quiet_period_counts_from_the_last_try_across_a_restart(
    api: FakeApi, transport: FaultyTransport, client: SetyClient, clock: ManualClock, tmp_path: Path
) -> None:
    incident_id = api.add_incident()["incident_id"]
    outbox = await new_outbox(client, tmp_path, clock, quiet_margin_s=30.0)
    transport.inject("POST /incidents/", "after", "timeout")
    entry = await note(outbox, incident_id)
    await outbox.deliver_due()
    failed_at = clock.now()
    await outbox.close()
    await clock.advance(5)  # the console restarts 5 s later
    again = await new_outbox(client, tmp_path, clock, quiet_margin_s=30.0)
    [reloaded] = again.open_entries()
    assert reloaded.needs_check
    assert reloaded.next_attempt_at is not None
    assert (reloaded.next_attempt_at - failed_at).total_seconds() >= client.timeout + 30.0
    gets = api.count("GET", f"/incidents/{incident_id}")
    await again.deliver_due()
    await clock.advance(30)
    await again.deliver_due()
    assert api.count("GET", f"/incidents/{incident_id}") == gets  # not looked at while it may arrive
    await drain(again, clock)
    done = again.get(entry.action_id)
    assert done is not None
    assert done.settled_by is Settlement.FOUND
    assert len(api.notes(incident_id)) == 1
    await again.close()


async def test_a_restart_mid_send_waits_as_if_the_try_started_as_late_as_it_could(
    api: FakeApi, client: SetyClient, clock: ManualClock, tmp_path: Path
) -> None:
    incident_id = api.add_incident()["incident_id"]
    outbox = await new_outbox(client, tmp_path, clock, quiet_margin_s=30.0)
    entry = await note(outbox, incident_id, "m")
    api.add_note(incident_id, None, {"message": "m", "author": "Op Ada"})  # it reached the server…
    await outbox.update(replace(entry, state=ActionState.SENDING, last_sent_at=clock.now()))
    await outbox.close()  # …and the process died before the answer
    restarted = await new_outbox(client, tmp_path, clock, quiet_margin_s=30.0)
    [reloaded] = restarted.open_entries()
    assert reloaded.state is ActionState.PENDING
    assert reloaded.needs_check
    await drain(restarted, clock)
    done = restarted.get(entry.action_id)
    assert done is not None
    assert (done.state, done.settled_by) == (ActionState.DONE, Settlement.FOUND)
    assert len(api.notes(incident_id)) == 1
    await restarted.close()


async def test_a_busy_gate_is_paged_through_every_candidate(
    api: FakeApi, transport: FaultyTransport, client: SetyClient, clock: ManualClock, tmp_path: Path
) -> None:
    """Issue 18 §2: with more than a page of newer check-ins, the original is on page 2 and still found."""
    outbox = await new_outbox(client, tmp_path, clock, quiet_margin_s=5.0)
    transport.inject("POST /access-logs", "after", "timeout")
    payload = {"visitor_name": "Emeka", "host_name": "Bisi", "gate": "Main", "created_by": "Op Ada"}
    entry = await outbox.submit(ActionKind.CHECK_IN, payload, target_id=None, created_by="Op Ada")
    await outbox.deliver_due()
    for number in range(150):  # the gate is busy while the outbox waits
        await clock.advance(0.05)
        api.check_in("", {}, {"visitor_name": f"V{number}", "host_name": "H", "gate": "Main"})
    await drain(outbox, clock)
    assert sum(1 for log in api.logs.values() if log["visitor_name"] == "Emeka") == 1
    done = outbox.get(entry.action_id)
    assert done is not None
    assert done.settled_by is Settlement.FOUND
    assert api.count("GET", "/access-logs") >= 2  # more than the first page


async def test_busy_access_codes_are_paged_through_too(
    api: FakeApi, transport: FaultyTransport, client: SetyClient, clock: ManualClock, tmp_path: Path
) -> None:
    outbox = await new_outbox(client, tmp_path, clock, quiet_margin_s=5.0)
    transport.inject("POST /access-codes", "after", "reset")
    payload = {"visitor_name": "Emeka", "host_name": "Bisi", "valid_until": "2026-03-11T12:00:00.000Z"}
    entry = await outbox.submit(ActionKind.CREATE_ACCESS_CODE, payload, target_id=None, created_by=None)
    await outbox.deliver_due()
    for number in range(230):
        await clock.advance(0.05)
        api.create_code(
            "",
            {},
            {"visitor_name": f"V{number}", "host_name": "H", "valid_until": "2026-03-11T12:00:00.000Z"},
        )
    await drain(outbox, clock)
    assert sum(1 for code in api.codes.values() if code["visitor_name"] == "Emeka") == 1
    done = outbox.get(entry.action_id)
    assert done is not None
    assert done.settled_by is Settlement.FOUND


async def test_a_server_known_to_honour_the_key_gets_the_same_key_again_at_once(
    api: FakeApi, transport: FaultyTransport, client: SetyClient, clock: ManualClock, tmp_path: Path
) -> None:
    api.honours_idempotency_key = True
    incident_id = api.add_incident()["incident_id"]
    outbox = await new_outbox(client, tmp_path, clock)
    # a cancel whose answer is lost, sent again: the replay teaches the client that keys are honoured
    transport.inject("POST /incidents/", "after", "timeout")
    cancel = await outbox.submit(
        ActionKind.CANCEL_INCIDENT, {"reason": "r"}, target_id=incident_id, created_by=None
    )
    await drain(outbox, clock, seconds=30)
    assert client.idempotency_honoured is True
    assert outbox.get(cancel.action_id).settled_by is Settlement.REPLAYED
    transport.inject("POST /incidents/", "after", "timeout")
    entry = await note(outbox, incident_id)
    await drain(outbox, clock, seconds=30)  # far less than the quiet period: no waiting, no looking
    done = outbox.get(entry.action_id)
    assert done is not None
    assert done.settled_by is Settlement.REPLAYED
    assert len(api.notes(incident_id)) == 1
    assert api.count("GET", f"/incidents/{incident_id}") == 0  # nothing was looked up


async def test_two_identical_notes_typed_on_purpose_are_both_kept(
    api: FakeApi, transport: FaultyTransport, client: SetyClient, clock: ManualClock, tmp_path: Path
) -> None:
    incident_id = api.add_incident()["incident_id"]
    outbox = await new_outbox(client, tmp_path, clock)
    await note(outbox, incident_id, "Called again")
    await drain(outbox, clock)
    transport.inject("POST /incidents/", "before", "timeout")  # the second one never reaches the server
    await note(outbox, incident_id, "Called again")
    await drain(outbox, clock)
    assert len(api.notes(incident_id)) == 2


async def test_permanent_errors_fail_with_the_servers_message(
    api: FakeApi, client: SetyClient, clock: ManualClock, tmp_path: Path
) -> None:
    outbox = await new_outbox(client, tmp_path, clock)
    missing = await outbox.submit(
        ActionKind.ADD_NOTE, {"message": "x"}, target_id="inc_missing00000000", created_by=None
    )
    api.scopes.discard("access:write")
    refused = await outbox.submit(ActionKind.REVOKE_ACCESS_CODE, {}, target_id="acc_1", created_by=None)
    await drain(outbox, clock)
    first, second = outbox.get(missing.action_id), outbox.get(refused.action_id)
    assert first is not None
    assert second is not None
    assert first.state is ActionState.FAILED
    assert "Incident not found" in (first.error or "")
    assert second.state is ActionState.FAILED
    assert api.count("POST", "/incidents/inc_missing") == 1  # never retried
    assert outbox.counts() == (0, 2)


async def test_conflicts_that_mean_done(
    api: FakeApi, client: SetyClient, clock: ManualClock, tmp_path: Path
) -> None:
    cancelled = api.add_incident()["incident_id"]
    api.set_status(cancelled, "cancelled")
    resolved = api.add_incident()["incident_id"]
    api.set_status(resolved, "resolved")
    log_id = api.check_in("", None, {"visitor_name": "V", "host_name": "H", "gate": "Main"}).json()["log_id"]
    api.checkout(log_id, None, {})
    outbox = await new_outbox(client, tmp_path, clock)
    a = await outbox.submit(
        ActionKind.CANCEL_INCIDENT, {"reason": "safe"}, target_id=cancelled, created_by=None
    )
    b = await outbox.submit(ActionKind.CANCEL_INCIDENT, {}, target_id=resolved, created_by=None)
    c = await outbox.submit(ActionKind.CHECK_OUT, {}, target_id=log_id, created_by=None)
    await drain(outbox, clock)
    done_a, done_b, done_c = (outbox.get(e.action_id) for e in (a, b, c))
    assert done_a is not None
    assert done_b is not None
    assert done_c is not None
    assert (done_a.state, done_a.settled_by) == (ActionState.DONE, Settlement.ALREADY_DONE)
    assert done_b.state is ActionState.FAILED
    assert "already resolved" in (done_b.error or "")
    assert (done_c.state, done_c.settled_by) == (ActionState.DONE, Settlement.ALREADY_DONE)


async def test_actions_about_one_target_stay_in_order(
    api: FakeApi, transport: FaultyTransport, client: SetyClient, clock: ManualClock, tmp_path: Path
) -> None:
    incident_id = api.add_incident()["incident_id"]
    outbox = await new_outbox(client, tmp_path, clock)
    transport.inject("POST /incidents/", "before", "connect", times=3)
    for text in ("first", "second", "third"):
        await outbox.submit(ActionKind.ADD_NOTE, {"message": text}, target_id=incident_id, created_by=None)
    await drain(outbox, clock)
    assert [n["message"] for n in api.notes(incident_id)] == ["first", "second", "third"]


async def test_every_done_action_records_how_it_was_settled(
    api: FakeApi, client: SetyClient, clock: ManualClock, tmp_path: Path
) -> None:
    incident_id = api.add_incident()["incident_id"]
    outbox = await new_outbox(client, tmp_path, clock)
    await note(outbox, incident_id)
    await drain(outbox, clock)
    await outbox.close()
    from sety_console.core.outbox_store import OutboxStore

    store = OutboxStore(tmp_path)
    assert store.settlements() == {"sent": 1}
    [row] = store.recent()
    assert row.idempotency_key
    store.close()


async def test_ui_reads_come_from_memory_not_from_the_disk(
    api: FakeApi, client: SetyClient, clock: ManualClock, tmp_path: Path
) -> None:
    incident_id = api.add_incident()["incident_id"]
    outbox = await new_outbox(client, tmp_path, clock)
    entries = [await note(outbox, incident_id, f"n{i}") for i in range(3)]
    store = outbox._store
    assert store is not None

    def no_disk(*_: object) -> None:
        raise AssertionError("the ui's reads must not touch the disk")

    store.recent = store.open_entries = store.get = no_disk  # type: ignore[method-assign,assignment]
    assert outbox.counts() == (3, 0)
    assert [e.action_id for e in outbox.recent(2)] == [entries[2].action_id, entries[1].action_id]
    assert outbox.pending_for(incident_id) == entries
    assert outbox.get(entries[0].action_id) == entries[0]
    await outbox.close()


async def test_a_second_console_on_the_same_folder_is_refused(
    client: SetyClient, clock: ManualClock, tmp_path: Path
) -> None:
    outbox = await new_outbox(client, tmp_path, clock)
    with pytest.raises(OutboxStorageError, match="Another Sety Console"):
        await new_outbox(client, tmp_path, clock)
    await outbox.close()
    await (await new_outbox(client, tmp_path, clock)).close()  # free again once closed


async def test_a_full_disk_is_reported_at_once_and_nothing_is_half_stored(
    client: SetyClient, clock: ManualClock, tmp_path: Path
) -> None:
    outbox = await new_outbox(client, tmp_path, clock)
    problems: list[str] = []
    outbox.storage_problem.connect(problems.append)
    store = outbox._store
    assert store is not None

    def fill_the_disk() -> None:
        pages = store._db.execute("PRAGMA page_count").fetchone()[0]
        store._db.execute(f"PRAGMA max_page_count = {pages}")

    await outbox._disk.run(fill_the_disk)
    with pytest.raises(OutboxStorageError, match="full"):
        await outbox.submit(
            ActionKind.ADD_NOTE, {"message": "x" * 20_000}, target_id="inc_x", created_by=None
        )
    assert outbox.open_entries() == []
    assert problems
    assert "full" in problems[0]
    await outbox.close()


async def test_a_look_up_never_claims_a_result_delivered_long_ago_for_another_action(
    api: FakeApi,
    transport: FaultyTransport,
    client: SetyClient,
    clock: ManualClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two identical check-ins typed on purpose: the first one's log is not the second's, even when the
    first has long left the outbox's memory (it is read from the file)."""
    payload = {"visitor_name": "Emeka", "host_name": "Bisi", "gate": "Main", "created_by": "Op Ada"}
    earlier = await new_outbox(client, tmp_path, clock)
    await earlier.submit(ActionKind.CHECK_IN, payload, target_id=None, created_by="Op Ada")
    await drain(earlier, clock)
    await earlier.close()
    monkeypatch.setattr("sety_console.core.outbox.RECENT_KEPT", 1)  # memory keeps one entry only
    again = await new_outbox(client, tmp_path, clock)
    transport.inject("POST /access-logs", "before", "timeout")  # ambiguous, but it never arrived
    second = await again.submit(ActionKind.CHECK_IN, payload, target_id=None, created_by="Op Ada")
    assert [e.action_id for e in again.recent()] == [second.action_id]  # the first one is not in memory
    await drain(again, clock)
    done = again.get(second.action_id)
    assert done is not None
    assert done.settled_by is Settlement.RESENT
    assert len(api.logs) == 2
    await again.close()


async def test_an_action_saved_before_keys_existed_is_looked_up_even_on_a_honouring_server(
    api: FakeApi, client: SetyClient, clock: ManualClock, tmp_path: Path
) -> None:
    """An older outbox file's open note has no key: the header cannot deduplicate its earlier tries."""
    incident_id = api.add_incident()["incident_id"]
    api.add_note(incident_id, None, {"message": "m", "author": "Op"})  # its earlier try arrived
    from sety_console.core.outbox_store import OutboxStore

    store = OutboxStore(tmp_path)
    old = OutboxEntry(
        action_id="act_old",
        kind=ActionKind.ADD_NOTE,
        payload={"message": "m", "author": "Op"},
        target_id=incident_id,
        state=ActionState.SENDING,
        created_at=clock.now(),
        updated_at=clock.now(),
    )
    store.insert(old)
    store.close()
    client.idempotency_honoured = True
    outbox = await new_outbox(client, tmp_path, clock)
    await drain(outbox, clock)
    done = outbox.get("act_old")
    assert done is not None
    assert done.settled_by is Settlement.FOUND
    assert len(api.notes(incident_id)) == 1
    await outbox.close()
