"""End to end against the in-process sandbox (httpx.ASGITransport, manual clocks on both sides)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from sety_console.api import RateBudget, RetryPolicy, SetyClient
from sety_console.api.models import CreateIncidentRequest
from sety_console.core.actions import ActionState, Settlement
from sety_console.core.clock import ManualClock
from sety_console.core.poller import PollMode
from sety_console.core.session import ConsoleSession
from sety_console.sandbox.app import create_app
from sety_console.sandbox.clock import SandboxClock
from sety_console.sandbox.config import SandboxConfig

BASE = "http://sandbox.test/v1/external"


class FlakyAsgi(httpx.AsyncBaseTransport):
    """The sandbox app, with the answer of the next matching requests lost after the server acted."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.lose_answers: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        key = f"{request.method} {request.url.path}"
        for index, match in enumerate(self.lose_answers):
            if match in key:
                del self.lose_answers[index]
                await response.aread()
                raise httpx.ReadTimeout("answer lost", request=request)
        return response


@dataclass
class World:
    clock: ManualClock
    sandbox_clock: SandboxClock
    app: object
    transport: FlakyAsgi
    session: ConsoleSession

    async def advance(self, seconds: float, step: float = 0.5) -> None:
        for _ in range(int(seconds / step)):
            self.sandbox_clock.advance(step)
            await self.clock.advance(step)
            await asyncio.sleep(0.01)  # the sandbox's sync routes run on worker threads: let them finish


@pytest_asyncio.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    clock = ManualClock()
    sandbox_clock = SandboxClock.manual(clock.now())
    app = create_app(SandboxConfig(database_url=f"sqlite:///{tmp_path}/sandbox.db", clock=sandbox_clock))
    keys = app.state.sandbox.issue_keys()
    transport = FlakyAsgi(httpx.ASGITransport(app=app))
    budget = RateBudget(clock=clock.now, sleep=clock.sleep)
    async with app.router.lifespan_context(app):
        client = SetyClient(
            BASE, keys["admin"], transport=transport, budget=budget, retry=RetryPolicy.never()
        )
        session = ConsoleSession(client, data_dir=tmp_path / "console", operator_name="Op Ada", clock=clock)
        yield World(clock, sandbox_clock, app, transport, session)
        await session.close()
        await client.aclose()


def sos() -> CreateIncidentRequest:
    return CreateIncidentRequest.model_validate(
        {
            "category": "sos",
            "severity": "critical",
            "subject": {"name": "Ada"},
            "location": {"coordinates": [3.42, 6.44]},
        }
    )


@pytest.mark.asyncio
async def test_created_incident_is_followed_through_its_lifecycle(world: World) -> None:
    session = world.session
    await session.start()
    entry = await session.create_incident(sos())
    await world.advance(3)
    done = session.outbox.get(entry.action_id)
    assert done.state is ActionState.DONE
    incident_id = done.result["incident"]["incident_id"]
    assert incident_id in session.incidents
    assert session.alarms.ringing(world.clock.now())[0].incident_id == incident_id
    statuses = set()
    session.incidents_changed.connect(lambda _: statuses.add(session.incidents.get(incident_id).status.value))
    await world.advance(240)
    # the sandbox's responder side moved it on; the store followed through delta polls
    assert statuses & {"assigned", "responding", "on_scene", "resolved"}
    assert session.poller.mode is PollMode.DELTA
    for _ in range(40):  # the manual clock can outrun a loaded machine's requests: let a poll land
        if session.connection.status.state.value == "online":
            break
        await asyncio.sleep(0.05)
        await world.advance(0.5)
    assert session.connection.status.state.value == "online"


@pytest.mark.asyncio
async def test_note_with_a_lost_answer_is_stored_once(world: World) -> None:
    session = world.session
    await session.start()
    entry = await session.create_incident(sos())
    await world.advance(2)
    incident_id = session.outbox.get(entry.action_id).result["incident"]["incident_id"]
    world.transport.lose_answers.append("/notes")
    note = await session.add_note(incident_id, "Caller is safe")
    await world.advance(55)  # not looked up before the 10 s timeout + 30 s margin have passed
    done = session.outbox.get(note.action_id)
    assert (done.state, done.settled_by) == (ActionState.DONE, Settlement.FOUND)
    incident = await session.get_incident(incident_id)
    notes = [e for e in incident.timeline if e.event == "note_added"]
    assert [(n.message, n.author) for n in notes] == [("Caller is safe", "Op Ada")]


@pytest.mark.asyncio
async def test_a_lost_answer_is_replayed_by_a_sandbox_known_to_honour_keys(world: World) -> None:
    session = world.session
    session._client.idempotency_honoured = True
    await session.start()
    entry = await session.create_incident(sos())
    await world.advance(2)
    incident_id = session.outbox.get(entry.action_id).result["incident"]["incident_id"]
    world.transport.lose_answers.append("/notes")
    note = await session.add_note(incident_id, "Caller is safe")
    await world.advance(5)
    done = session.outbox.get(note.action_id)
    assert (done.state, done.settled_by) == (ActionState.DONE, Settlement.REPLAYED)
    incident = await session.get_incident(incident_id)
    assert sum(1 for e in incident.timeline if e.event == "note_added") == 1


@pytest.mark.asyncio
async def test_fallback_mode_follows_the_sandbox_too(world: World) -> None:
    session = world.session
    session.poller.mode = PollMode.FALLBACK
    await session.start()
    entry = await session.create_incident(sos())
    await world.advance(2)
    incident_id = session.outbox.get(entry.action_id).result["incident"]["incident_id"]
    cancel = await session.cancel_incident(incident_id, "false alarm")
    await world.advance(10)
    assert session.outbox.get(cancel.action_id).state is ActionState.DONE
    assert session.incidents.get(incident_id).status == "cancelled"
    assert incident_id not in session.incidents.open_ids()
