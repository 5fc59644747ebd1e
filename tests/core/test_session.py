"""ConsoleSession: snapshot at start (stale), scope probing, actions through the outbox into the stores."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from sety_console.api.errors import RequestValidationError
from sety_console.api.models import CreateAccessLogRequest, CreateIncidentRequest
from sety_console.core.actions import ActionState
from sety_console.core.changes import ChangeSet
from sety_console.core.clock import ManualClock
from sety_console.core.connection import ConnectionState

from .conftest import SessionFactory
from .fake_api import FakeApi, FaultyTransport


def sos_request() -> CreateIncidentRequest:
    return CreateIncidentRequest.model_validate(
        {"category": "sos", "subject": {"name": "Ada"}, "location": {"coordinates": [3.4, 6.5]}}
    )


@pytest.mark.asyncio
async def test_created_incident_appears_at_once_and_keeps_its_key(
    api: FakeApi, clock: ManualClock, make_session: SessionFactory
) -> None:
    session = make_session(workstation="desk-2")
    await session.start()
    entry = await session.create_incident(sos_request())
    assert entry.state is ActionState.PENDING
    assert entry.payload["idempotency_key"].startswith("desk-2-")
    changes: list[ChangeSet] = []
    session.incidents_changed.connect(changes.append)
    await clock.advance(1)
    [incident] = api.incidents.values()
    assert incident["idempotency_key"] == entry.payload["idempotency_key"]
    assert incident["incident_id"] in session.incidents
    assert session.outbox.get(entry.action_id).state is ActionState.DONE


@pytest.mark.asyncio
async def test_note_author_and_check_in_creator_are_the_operator(
    api: FakeApi, clock: ManualClock, make_session: SessionFactory
) -> None:
    incident_id = api.add_incident()["incident_id"]
    session = make_session()
    await session.start()
    note = await session.add_note(incident_id, "Caller safe")
    assert session.pending_for(incident_id) == [note]
    visit = await session.check_in(
        CreateAccessLogRequest(visitor_name="Emeka", host_name="Bisi", gate="Main")
    )
    await clock.advance(2)
    assert api.notes(incident_id)[0]["author"] == "Op Ada"
    [log] = api.logs.values()
    assert log["created_by"] == "Op Ada"
    assert log["log_id"] in session.visitors  # shown inside before the next poll
    assert session.pending_for(incident_id) == []
    await session.check_out(log["log_id"])
    await clock.advance(2)
    assert log["log_id"] not in session.visitors
    assert session.outbox.get(visit.action_id).state is ActionState.DONE


@pytest.mark.asyncio
async def test_bad_input_is_refused_in_words(make_session: SessionFactory) -> None:
    session = make_session()
    with pytest.raises(RequestValidationError, match="message"):
        await session.add_note("inc_1", "   ")


@pytest.mark.asyncio
async def test_scopes_are_probed_without_side_effects(
    api: FakeApi, clock: ManualClock, make_session: SessionFactory
) -> None:
    api.scopes = {"incidents:read", "incidents:write", "intel:read"}
    session = make_session()
    await session.start()
    await clock.advance(10)
    workspaces = session.available_workspaces()
    assert workspaces["control-room"] is None
    assert workspaces["map"] is None
    assert workspaces["supervisor"] is None
    gate = workspaces["gate"]
    assert gate is not None
    assert "access:read" in gate
    assert api.count("GET", "/access-logs/current") == 0  # the poller leaves the gate alone
    assert api.incidents == {}  # the write probes changed nothing


@pytest.mark.asyncio
async def test_snapshot_is_shown_stale_when_the_server_is_unreachable(
    api: FakeApi, transport: FaultyTransport, clock: ManualClock, make_session: SessionFactory, tmp_path: Path
) -> None:
    incident_id = api.add_incident()["incident_id"]
    first = make_session()
    await first.start()
    await clock.advance(5)
    assert incident_id in first.incidents
    await first.close()

    transport.inject("", "before", "connect", times=1000)
    second = make_session()
    added: list[ChangeSet] = []
    second.incidents_changed.connect(added.append)
    await second.start()
    assert incident_id in second.incidents
    assert second.incidents.stale
    assert added[0].full_resync
    await clock.advance(30)
    status = second.connection.status
    assert status.state is ConnectionState.OFFLINE
    assert "showing what we knew then" in status.message
    entry = await second.add_note(incident_id, "typed while offline")
    await clock.advance(30)
    assert second.outbox.get(entry.action_id).state is ActionState.PENDING  # kept, will be sent
    transport.faults.clear()
    await clock.advance(70)
    assert second.outbox.get(entry.action_id).state is ActionState.DONE
    assert not second.incidents.stale
    assert second.connection.status.state is ConnectionState.ONLINE


@pytest.mark.asyncio
async def test_refused_key_is_reported(
    api: FakeApi, clock: ManualClock, make_session: SessionFactory
) -> None:
    api.key_status = 401
    session = make_session()
    await session.start()
    await clock.advance(5)
    assert session.connection.status.state is ConnectionState.UNAUTHORIZED
    api.key_status = 402
    await clock.advance(15)
    assert session.connection.status.state is ConnectionState.SUSPENDED


@pytest.mark.asyncio
async def test_analytics_pages_are_paced_inside_the_budget(
    api: FakeApi, clock: ManualClock, make_session: SessionFactory
) -> None:
    api.rate_limit = 60
    for _ in range(45):
        api.add_incident(status="resolved")
    session = make_session()
    await session.start()
    pages = []

    async def read_all() -> None:
        async for page in session.iter_incident_pages(limit=5):
            pages.append(page)

    reader = asyncio.ensure_future(read_all())
    for _ in range(600):
        if reader.done():
            break
        await clock.advance(0.5)
    await reader
    assert sum(len(p.data) for p in pages) == 45
    assert api.status_counts.get(429, 0) == 0


@pytest.mark.asyncio
async def test_a_background_task_that_dies_is_restarted_counted_and_shown(
    api: FakeApi, clock: ManualClock, make_session: SessionFactory
) -> None:
    api.add_incident()
    session = make_session()
    real_run = session.poller.run
    crashes = {"left": 1}

    async def dies_once() -> None:
        if crashes["left"]:
            crashes["left"] -= 1
            raise RuntimeError("a bug nobody foresaw")
        await real_run()

    session.poller.run = dies_once  # type: ignore[method-assign]
    messages: list[str] = []
    session.connection_changed.connect(lambda status: messages.append(status.message))
    await session.start()
    await clock.advance(5)
    assert session.restarts["sety-poller"] == 1
    assert any("incidents could not be refreshed" in m for m in messages)  # shown while it was down
    await clock.advance(30)
    assert len(session.incidents) == 1  # polling again
    assert session.connection.status.state is ConnectionState.ONLINE
