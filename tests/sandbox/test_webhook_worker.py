"""The webhook delivery worker through the whole sandbox: circuit breaker, concurrency limits, the
retry schedule (sent and refused attempts alike), exactly one delivery per id, restarts."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import time
from collections import Counter
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import select

from sety_console.api.webhooks import DELIVERY_HEADER
from sety_console.sandbox import SandboxClock, SandboxConfig, create_app, webhook_store
from sety_console.sandbox.accounts import DEMO_ORG_ID
from sety_console.sandbox.tables import WebhookDeliveryRow
from sety_console.sandbox.webhook_store import DeliveryRef

from .conftest import MakeHarness
from .helpers import PREFIX, START, Harness, incident_body

pytestmark = pytest.mark.asyncio


class GatedReceiver:
    """Holds every request until `released`; counts requests on the wire, per host and in all."""

    def __init__(self, released: bool = False) -> None:
        self.released = released
        self.active: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        self.peak_total = 0
        self.delivered: Counter[str] = Counter()
        self.transport = httpx.MockTransport(self._handle)

    async def _handle(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        self.active[host] += 1
        self.peak[host] = max(self.peak[host], self.active[host])
        self.peak_total = max(self.peak_total, self.active.total())
        try:
            while not self.released:  # noqa: ASYNC110 (set from the test's thread, not this loop's)
                await asyncio.sleep(0.005)
        finally:
            self.active[host] -= 1
        self.delivered[request.headers[DELIVERY_HEADER]] += 1
        return httpx.Response(200)


async def add_endpoint(harness: Harness, url: str = "http://hooks.test/sety") -> str:
    body = {"url": url, "events": ["incident.created"]}
    response = await harness.call("POST", "/webhooks", "admin", json=body)
    assert response.status_code == 201, response.text
    endpoint_id: str = response.json()["endpoint_id"]
    return endpoint_id


def rows(harness: Harness) -> list[WebhookDeliveryRow]:
    with harness.sandbox.db.session() as session:
        stmt = select(WebhookDeliveryRow).order_by(WebhookDeliveryRow.created_at_ms)
        return list(session.scalars(stmt))


async def eventually(check: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.005)


async def test_breaker_opens_refuses_probes_reopens_and_closes(
    make_harness: MakeHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="sety_console.sandbox")
    harness = await make_harness(
        webhook_breaker_failures=3,
        webhook_breaker_cooldown_seconds=1.0,
        webhook_endpoint_in_flight=1,
        webhook_retry_delays=(2, 2, 2, 2, 2),
        webhook_retry_factor=0.5,  # retries 1 s apart, cool-down 0.5 s
    )
    endpoint_id = await add_endpoint(harness)
    harness.receiver.statuses = [503] * 4  # three failures open it, and the first probe fails too
    for _ in range(10):
        await harness.create_incident()

    def refused() -> int:
        return sum(r.attempts == 1 and r.response_status is None for r in rows(harness))

    await eventually(lambda: refused() == 7)
    assert len(harness.receiver.requests) == 3  # the seven others counted an attempt without a request
    assert harness.sandbox.webhooks.breaker_states()[endpoint_id] in ("open", "half_open")
    await harness.drain_webhooks()

    answers = [503] * 4 + [200] * 10  # 3 failures, a failed probe, a probe that closes it, the rest
    assert len(harness.receiver.requests) == len(answers)
    final = rows(harness)
    assert {(r.status, r.attempts, r.response_status) for r in final} == {("delivered", 3, 200)}
    assert harness.sandbox.webhooks.breaker_states() == {endpoint_id: "closed"}
    said = [kind(r.getMessage()) for r in caplog.records if endpoint_id in r.getMessage()]
    assert said == ["circuit open", "one probe", "circuit open", "one probe", "circuit closed"]


def kind(message: str) -> str:
    return next(m for m in ("circuit open", "one probe", "circuit closed") if m in message)


async def test_in_flight_limits_per_endpoint_and_overall_and_one_send_per_id(
    make_harness: MakeHarness,
) -> None:
    receiver = GatedReceiver()
    harness = await make_harness(
        webhook_transport=receiver.transport, webhook_endpoint_in_flight=2, webhook_max_in_flight=5
    )
    for host in ("a.test", "b.test", "c.test"):
        await add_endpoint(harness, f"http://{host}/hook")
    for _ in range(4):
        await harness.create_incident()
    await eventually(lambda: receiver.active.total() == 5)
    refs = [DeliveryRef(r.delivery_id, r.endpoint_id) for r in rows(harness)]
    harness.sandbox.webhooks.kick(refs)  # kicked again while queued or on the wire: ignored
    await asyncio.sleep(0.1)
    assert (receiver.peak_total, max(receiver.peak.values())) == (5, 2)
    receiver.released = True
    await harness.drain_webhooks()
    harness.sandbox.webhooks.kick(refs)  # and once delivered: ignored too
    await harness.drain_webhooks()
    assert receiver.peak_total == 5
    assert max(receiver.peak.values()) == 2
    assert sorted(receiver.delivered) == sorted(r.delivery_id for r in refs)
    assert set(receiver.delivered.values()) == {1}
    assert {(r.status, r.attempts) for r in rows(harness)} == {("delivered", 1)}


async def test_an_id_handed_over_twice_at_once_is_sent_once(make_harness: MakeHarness) -> None:
    harness = await make_harness()
    incident = await harness.create_incident()  # before any endpoint: nothing queued
    for index in range(3):
        await add_endpoint(harness, f"http://hooks{index}.test/sety")
    with harness.sandbox.db.session() as session:  # queued as the services do, not yet handed over
        document = json.dumps(incident, separators=(",", ":"))
        refs = webhook_store.queue_deliveries(session, DEMO_ORG_ID, "test", "incident.created", document, 0)
    harness.sandbox.webhooks.kick(refs + refs)
    harness.sandbox.webhooks.kick(refs)
    await harness.drain_webhooks()
    sent = Counter(r.headers[DELIVERY_HEADER] for r in harness.receiver.requests)
    assert sent == Counter({ref.delivery_id: 1 for ref in refs})


async def test_sent_retries_keep_the_contract_schedule(make_harness: MakeHarness) -> None:
    factor = 0.00002  # 60 s → 1.2 ms … 43,200 s → 864 ms
    sent: list[float] = []

    def failing(_request: httpx.Request) -> httpx.Response:
        sent.append(time.monotonic())
        return httpx.Response(503)

    harness = await make_harness(webhook_retry_factor=factor, webhook_transport=httpx.MockTransport(failing))
    await add_endpoint(harness)
    await harness.create_incident()
    await harness.drain_webhooks()
    assert len(sent) == 6  # the breaker opened after five, and its probe was the sixth attempt
    delays = [b - a for a, b in itertools.pairwise(sent)]
    wanted = [d * factor for d in harness.sandbox.config.webhook_retry_delays]
    assert all(gap >= want for gap, want in zip(delays, wanted, strict=True)), (delays, wanted)
    assert sent[-1] - sent[0] < sum(wanted) + 5
    [row] = rows(harness)
    assert (row.status, row.attempts, row.response_status) == ("failed", 6, 503)


async def test_refused_attempts_keep_the_schedule_and_end_failed(make_harness: MakeHarness) -> None:
    factor = 0.1
    delays = (1, 2, 3, 4, 5)  # 0.1 s … 0.5 s apart
    harness = await make_harness(
        clock=SandboxClock(start=START),  # real time: attempt timestamps show the waits
        webhook_retry_delays=delays,
        webhook_retry_factor=factor,
        webhook_breaker_failures=1,
        webhook_breaker_cooldown_seconds=100.0,  # open for the whole test after the first failure
        webhook_endpoint_in_flight=1,
    )
    harness.receiver.statuses = [503] * 20
    await add_endpoint(harness)
    for _ in range(3):
        await harness.create_incident()
    seen: dict[str, dict[int, int]] = {}
    while True:
        current = rows(harness)
        for row in current:
            if row.last_attempt_at_ms is not None:
                seen.setdefault(row.delivery_id, {})[row.attempts] = row.last_attempt_at_ms
        if current and all(r.status == "failed" for r in current):
            break
        await asyncio.sleep(0.005)
    assert len(harness.receiver.requests) == 1
    assert {(r.attempts, r.response_status) for r in current} == {(6, None)}
    pairs = [
        (at[n + 1] - at[n], delays[n - 1] * factor * 1000)
        for at in seen.values()
        for n in range(1, 6)
        if n in at and n + 1 in at
    ]
    assert len(pairs) >= 5  # most of the 15 waits were seen
    assert all(gap >= wanted - 1 for gap, wanted in pairs), pairs  # - 1: timestamps are whole ms


async def test_a_restart_mid_delivery_loses_nothing_and_sends_nothing_twice(
    database_url: str, make_harness: MakeHarness
) -> None:
    hung = GatedReceiver()  # never answers
    config = SandboxConfig(
        database_url=database_url, clock=SandboxClock.manual(START), webhook_transport=hung.transport
    )
    app = create_app(config)
    sandbox = app.state.sandbox
    admin = {"Authorization": f"Bearer {sandbox.issue_keys()['admin']}"}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s" + PREFIX) as client,
    ):
        hook = {"url": "http://hooks.test/sety", "events": ["incident.created"]}
        assert (await client.post("/webhooks", headers=admin, json=hook)).status_code == 201
        for _ in range(5):
            made = await client.post("/incidents", headers=admin, json=incident_body())
            assert made.status_code == 201, made.text
        await eventually(lambda: hung.active.total() == 2)
    sandbox.close()  # stopped with two attempts on the wire and three waiting
    assert hung.active.total() == 0
    assert hung.delivered == Counter()

    healthy = GatedReceiver(released=True)
    again = await make_harness(webhook_transport=healthy.transport)
    before = {(r.status, r.attempts) for r in rows(again)}
    await again.drain_webhooks()
    assert before <= {("pending", 0), ("delivered", 1)}
    assert len(healthy.delivered) == 5
    assert set(healthy.delivered.values()) == {1}
    assert {(r.status, r.attempts, r.response_status) for r in rows(again)} == {("delivered", 1, 200)}
