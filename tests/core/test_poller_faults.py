"""Issue 18 §3–4: no answer can wipe the picture or stop the poller.

Malformed list answers (`{}`, `{"error": …}`, a missing envelope, NaN, truncated JSON, odd 2xx) are
format errors: the stores keep what they held and turn stale, the delta cursor stays, the connection
says which part could not be read, and polling goes on. Absurd rate headers are clamped. Unexpected
exceptions are logged with their traceback and the poller keeps going; a supervisor restarts any
background task that ends. A seeded fuzz run feeds hundreds of malformed answers to a running poller.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from sety_console.api import RateBudget, RetryPolicy, SetyClient
from sety_console.core.changes import ChangeSet
from sety_console.core.clock import ManualClock
from sety_console.core.connection import ConnectionMonitor, ConnectionState
from sety_console.core.pacing import SharePacer
from sety_console.core.poller import Poller
from sety_console.core.stores import IncidentStore, VisitorStore, ZoneStore
from sety_console.core.supervisor import TaskSupervisor

from .fake_api import BASE_URL, KEY, FakeApi

pytestmark = pytest.mark.asyncio

Mangle = Callable[[httpx.Response], httpx.Response]


def body(content: bytes | str, status: int = 200, headers: dict[str, str] | None = None) -> Mangle:
    raw = content.encode() if isinstance(content, str) else content
    return lambda answer: httpx.Response(status, content=raw, headers={**answer.headers, **(headers or {})})


def nan_in_first_item(answer: httpx.Response) -> httpx.Response:
    text = answer.content.decode()
    return httpx.Response(
        200, content=text.replace('"coordinates":[3.4,6.5]', '"coordinates":[NaN,6.5]', 1).encode()
    )


def truncated(answer: httpx.Response) -> httpx.Response:
    return httpx.Response(200, content=answer.content[: len(answer.content) // 2], headers=answer.headers)


def odd_headers(answer: httpx.Response) -> httpx.Response:
    headers = {**answer.headers, "X-RateLimit-Limit": "9" * 400, "X-RateLimit-Remaining": "9" * 400}
    headers["X-RateLimit-Reset"] = "1" + "0" * 300
    return httpx.Response(answer.status_code, content=answer.content, headers=headers)


MALFORMED: list[Mangle] = [
    body("{}"),
    body('{"error": "Gateway Timeout"}'),
    body('{"result": {"data": []}}'),
    body('{"data": []}'),
    body('{"data": null, "pagination": {"has_more": false}}'),
    body('{"data": {}, "pagination": {"has_more": false}}'),
    body('{"data": [{"incident_id": 1}], "pagination": {"has_more": false}}'),
    body("null"),
    body("[]"),
    body(""),
    body("<html><body>502 Bad Gateway</body></html>"),
    body(b"\xff\xfe\x00\x01"),
    body("[" * 5000 + "]" * 5000),
    body('{"data": [], "pagination": {"has_more": false, "total": 1e999}}'),
    body('{"data": [], "pagination": {"has_more": false}}', status=202),
    body('{"data": [], "pagination": {"has_more": false}}', status=206),
    nan_in_first_item,
    truncated,
]


class MangledApi(httpx.AsyncBaseTransport):
    """The fake API; GET answers pass through `next_mangles` first (then, if `rng`, at random)."""

    def __init__(self, api: FakeApi) -> None:
        self.api = api
        self.next_mangles: list[Mangle] = []
        self.only: tuple[str, ...] = ("",)  # next_mangles apply to GETs whose URL contains one of these
        self.rng: random.Random | None = None
        self.odds = 0.0
        self.mangled = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        answer = self.api.handle(request)
        if request.method != "GET":
            return answer
        wanted = any(part in str(request.url) for part in self.only)
        mangle = self.next_mangles.pop(0) if self.next_mangles and wanted else None
        if mangle is None and self.rng is not None and self.rng.random() < self.odds:
            mangle = self.rng.choice([*MALFORMED, odd_headers])
        if mangle is None:
            return answer
        self.mangled += 1
        return mangle(answer)


def setup(api: FakeApi, clock: ManualClock) -> tuple[Poller, MangledApi, ConnectionMonitor]:
    transport = MangledApi(api)
    budget = RateBudget(clock=clock.now, sleep=clock.sleep)
    client = SetyClient(BASE_URL, KEY, transport=transport, budget=budget, retry=RetryPolicy.never())
    monitor = ConnectionMonitor(clock.now())
    poller = Poller(
        client,
        incidents=IncidentStore(),
        visitors=VisitorStore(),
        zones=ZoneStore(),
        monitor=monitor,
        clock=clock,
        pacer=SharePacer(client.budget, clock),
    )
    return poller, transport, monitor


def seed_world(api: FakeApi) -> None:
    for number in range(30):
        api.add_incident(status="dispatching" if number % 3 else "resolved")
    for number in range(4):
        api.check_in("", {}, {"visitor_name": f"V{number}", "host_name": "H", "gate": "Main"})
    api.zones = [
        {"zone_id": f"dz_{n}", "center": {"coordinates": [3.4, 6.5]}, "risk_score": 40 + n} for n in range(3)
    ]


async def run(clock: ManualClock, seconds: float) -> None:
    for _ in range(int(seconds * 10)):
        await clock.advance(0.1)


@pytest.mark.parametrize("mangle", MALFORMED, ids=lambda m: getattr(m, "__name__", "body"))
async def test_a_malformed_resync_answer_never_wipes_the_picture(
    api: FakeApi, clock: ManualClock, mangle: Mangle
) -> None:
    seed_world(api)
    poller, transport, monitor = setup(api, clock)
    task = asyncio.ensure_future(poller.run())
    await run(clock, 5)
    held, cursor = set(poller._incidents.open_ids()), poller.cursor
    assert len(held) == 20
    assert not poller._incidents.stale
    removed: list[str] = []
    poller.events.incidents_changed.connect(lambda c: removed.extend(c.removed))
    poller.request_resync()
    transport.next_mangles = [mangle]
    await run(clock, 0.5)
    assert set(poller._incidents.open_ids()) == held
    assert removed == []
    assert poller.cursor == cursor
    assert poller._incidents.stale
    assert monitor.status.state is ConnectionState.DEGRADED
    assert "incidents" in monitor.status.message
    assert "not live" in monitor.status.message
    await run(clock, 40)  # clean answers again: fresh, online
    assert not task.done()
    assert not poller._incidents.stale
    assert monitor.status.state is ConnectionState.ONLINE
    assert set(poller._incidents.open_ids()) == held
    task.cancel()


async def test_an_empty_visitors_answer_is_not_an_empty_gate(api: FakeApi, clock: ManualClock) -> None:
    seed_world(api)
    poller, transport, monitor = setup(api, clock)
    poller.set_focus("gate")
    task = asyncio.ensure_future(poller.run())
    await run(clock, 8)
    assert len(poller._visitors) == 4
    messages: list[str] = []
    monitor.changed.connect(lambda status: messages.append(status.message))
    transport.only = ("/access-logs/current",)
    transport.next_mangles = [body("{}"), body('{"data": []}')]
    await run(clock, 10)
    assert transport.next_mangles == []
    assert len(poller._visitors) == 4
    assert any("visitors could not be refreshed" in m for m in messages)
    await run(clock, 40)
    assert not poller._visitors.stale
    assert monitor.status.state is ConnectionState.ONLINE
    assert not task.done()
    task.cancel()


async def test_a_400_digit_rate_header_does_not_kill_the_poller(api: FakeApi, clock: ManualClock) -> None:
    seed_world(api)
    poller, transport, _ = setup(api, clock)
    transport.next_mangles = [odd_headers] * 5
    task = asyncio.ensure_future(poller.run())
    await run(clock, 10)
    assert not task.done()
    assert transport.next_mangles == []  # all five absurd answers were taken in
    assert poller._client.budget.limit == 1000  # and the next sane one believed again
    assert len(poller._incidents) == 30
    task.cancel()


async def test_an_unexpected_exception_is_logged_shown_and_survived(
    api: FakeApi, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    seed_world(api)
    poller, _, monitor = setup(api, clock)
    task = asyncio.ensure_future(poller.run())
    await run(clock, 5)
    real_apply = poller._incidents.apply
    calls = {"n": 0}

    def broken(items: Any) -> ChangeSet:
        calls["n"] += 1
        if calls["n"] <= 2:
            raise RuntimeError("a bug in the store")
        return real_apply(items)

    poller._incidents.apply = broken  # type: ignore[method-assign,assignment]
    api.add_incident()
    with caplog.at_level(logging.ERROR, logger="sety_console.core.poller"):
        await run(clock, 3)
    failures = [r for r in caplog.records if "failed unexpectedly" in r.getMessage()]
    assert failures
    assert failures[0].exc_info is not None  # with its traceback
    assert poller._incidents.stale or monitor.status.state is ConnectionState.DEGRADED
    await run(clock, 30)
    assert not task.done()
    assert len(poller._incidents) == 31
    assert monitor.status.state is ConnectionState.ONLINE
    task.cancel()


async def test_an_open_incident_a_resync_did_not_list_is_checked_before_it_goes(
    api: FakeApi, clock: ManualClock
) -> None:
    seed_world(api)
    poller, transport, _ = setup(api, clock)
    task = asyncio.ensure_future(poller.run())
    await run(clock, 5)
    skipped = next(iter(poller._incidents.open_ids()))

    def without_skipped(answer: httpx.Response) -> httpx.Response:
        document = json.loads(answer.content)
        document["data"] = [i for i in document["data"] if i["incident_id"] != skipped]
        return httpx.Response(200, json=document, headers=answer.headers)

    poller.request_resync()
    transport.only = ("status=", "from_date=")
    transport.next_mangles = [without_skipped] * 2  # both lists skipped it (pages shifted)
    await run(clock, 2)
    assert skipped in poller._incidents.open_ids()
    assert api.count("GET", f"/incidents/{skipped}") == 1
    task.cancel()


async def test_supervisor_restarts_a_task_that_ends_and_counts_it(clock: ManualClock) -> None:
    supervisor = TaskSupervisor(clock)
    runs: list[int] = []

    async def flaky() -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            raise RuntimeError("boom")
        if len(runs) == 2:
            return  # ended on its own
        await asyncio.Event().wait()

    crashes: list[Any] = []
    supervisor.crashed.connect(crashes.append)
    supervisor.spawn("flaky", flaky)
    await clock.advance(10)
    assert runs == [0, 1, 2]
    assert supervisor.restarts == {"flaky": 2}
    assert [type(c.error).__name__ for c in crashes] == ["RuntimeError", "NoneType"]
    await supervisor.stop()


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_fuzz_malformed_answers_never_lose_data_nor_the_poller(
    api: FakeApi, clock: ManualClock, seed: int
) -> None:
    seed_world(api)
    poller, transport, monitor = setup(api, clock)
    poller.set_focus("gate")  # visitors polled often too
    task = asyncio.ensure_future(poller.run())
    await run(clock, 10)
    held = {
        "incidents": set(poller._incidents.open_ids()),
        "visitors": {v.log_id for v in poller._visitors},
        "zones": {z.zone_id for z in poller._zones},
    }
    assert all(held.values())
    removed: list[str] = []
    for event in (
        poller.events.incidents_changed,
        poller.events.visitors_changed,
        poller.events.zones_changed,
    ):
        event.connect(lambda c: removed.extend(c.removed))
    states: set[ConnectionState] = set()
    monitor.changed.connect(lambda s: states.add(s.state))
    transport.rng, transport.odds = random.Random(seed), 0.6
    while transport.mangled < 150:
        await run(clock, 10)
        assert not task.done(), "the poller died"
        assert set(poller._incidents.open_ids()) >= held["incidents"]
        assert {v.log_id for v in poller._visitors} >= held["visitors"]
        assert {z.zone_id for z in poller._zones} >= held["zones"]
    assert removed == []
    assert ConnectionState.DEGRADED in states
    transport.rng = None
    await run(clock, 60)
    assert not task.done()
    assert monitor.status.state is ConnectionState.ONLINE
    assert not poller._incidents.stale
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
