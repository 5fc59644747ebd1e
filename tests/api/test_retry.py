"""Retries: only safe requests, only transient errors, exponential backoff with jitter, bounded."""

from __future__ import annotations

import httpx
import pytest

from sety_console.api import (
    NotFoundError,
    RateLimitedError,
    ResponseFormatError,
    RetryPolicy,
    ServerError,
    SetyConnectError,
    SetyTimeoutError,
)
from sety_console.api.models import CreateIncidentRequest
from tests.api.conftest import FakeClock, FakeServer, Harness, fail, reply
from tests.api.test_operations import CALLS
from tests.contract import example, operations

INC = "inc_h3t8w1ne6vb0ys5c"

WRITES = sorted(
    op["operationId"]
    for method, _, op in operations()
    if method != "GET" and op["operationId"] != "createIncident"
)


def _request(key: str | None) -> CreateIncidentRequest:
    body = example("createIncident.request")
    if key is None:
        del body["idempotency_key"]
    return CreateIncidentRequest.model_validate(body)


def test_backoff_is_exponential_capped_and_fully_jittered() -> None:
    exact = RetryPolicy(base_delay=1.0, max_delay=5.0, jitter=False)
    assert [exact.backoff(n) for n in range(1, 7)] == [1.0, 2.0, 4.0, 5.0, 5.0, 5.0]
    low = RetryPolicy(base_delay=1.0, max_delay=5.0, random=lambda: 0.0)
    high = RetryPolicy(base_delay=1.0, max_delay=5.0, random=lambda: 0.999)
    assert [low.backoff(n) for n in (1, 3, 10)] == [0.0, 0.0, 0.0]
    assert [round(high.backoff(n), 3) for n in (1, 3, 10)] == [0.999, 3.996, 4.995]
    assert exact.backoff(10_000) == 5.0  # no overflow on absurd attempt numbers


def test_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError):
        RetryPolicy(deadline=-1)


@pytest.mark.asyncio
async def test_get_retries_5xx_then_succeeds(harness: Harness, server: FakeServer, clock: FakeClock) -> None:
    server.queue(reply(503), reply(502, content=b"<html/>"), reply(200, example("getIncident.response")))
    async with harness.client(retry=harness.retry(base_delay=1.0, jitter=False)) as client:
        incident = await client.get_incident(INC)
    assert incident.incident_id == INC
    assert len(server.requests) == 3
    assert clock.sleeps == [1.0, 2.0]


@pytest.mark.asyncio
async def test_get_retries_transport_errors(harness: Harness, server: FakeServer, clock: FakeClock) -> None:
    server.queue(
        fail(httpx.ConnectError),
        fail(httpx.ReadTimeout),
        fail(httpx.RemoteProtocolError),
        reply(200, example("health")),
    )
    async with harness.client(retry=harness.retry(max_attempts=4)) as client:
        health = await client.health_check()
    assert health.status == example("health")["status"]
    assert len(server.requests) == 4
    assert clock.sleeps == [0.25, 0.5, 1.0]  # base 0.5, random() = 0.5


@pytest.mark.asyncio
async def test_attempts_are_bounded_and_the_last_error_is_raised(
    harness: Harness, server: FakeServer, clock: FakeClock
) -> None:
    server.default = reply(500, example("error-500"))
    async with harness.client(retry=harness.retry(max_attempts=3, jitter=False)) as client:
        with pytest.raises(ServerError) as caught:
            await client.list_incidents()
    assert len(server.requests) == 3
    assert clock.sleeps == [0.5, 1.0]
    assert caught.value.request_id == example("error-500")["request_id"]


@pytest.mark.asyncio
async def test_total_time_is_bounded_by_the_deadline(
    harness: Harness, server: FakeServer, clock: FakeClock
) -> None:
    def slow_failure(request: httpx.Request) -> httpx.Response:
        clock.advance(10.0)  # every attempt takes 10 s before failing
        return httpx.Response(503)

    server.default = slow_failure
    policy = harness.retry(max_attempts=10, base_delay=1.0, jitter=False, deadline=15.0)
    async with harness.client(retry=policy) as client:
        with pytest.raises(ServerError):
            await client.list_incidents()
    assert len(server.requests) == 2  # 10 s + 1 s pause + 10 s; a third would start after 22 s
    assert clock.elapsed <= 15.0 + 10.0


@pytest.mark.asyncio
async def test_429_waits_retry_after_then_retries(
    harness: Harness, server: FakeServer, clock: FakeClock
) -> None:
    sent_at: list[float] = []

    def record(answer: httpx.Response) -> object:
        def handler(request: httpx.Request) -> httpx.Response:
            sent_at.append(clock.elapsed)
            return answer

        return handler

    server.queue(
        record(httpx.Response(429, json=example("error-429"), headers={"Retry-After": "7"})),  # type: ignore[arg-type]
        record(httpx.Response(200, json=example("listIncidents.response"))),  # type: ignore[arg-type]
    )
    async with harness.client() as client:
        page = await client.list_incidents()
    assert len(page.data) == 2
    assert sent_at == [0.0, 7.0]


@pytest.mark.asyncio
async def test_429_beyond_the_deadline_is_raised_at_once(
    harness: Harness, server: FakeServer, clock: FakeClock
) -> None:
    server.queue(reply(429, example("error-429"), headers={"Retry-After": "120"}))
    async with harness.client(retry=harness.retry(deadline=30.0)) as client:
        with pytest.raises(RateLimitedError) as caught:
            await client.list_incidents()
    assert caught.value.retry_after == 120.0
    assert len(server.requests) == 1
    assert clock.sleeps == []


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "answer",
    [reply(404, example("error-404")), reply(200, content=b"<html>portal</html>")],
    ids=["404", "unreadable-200"],
)
async def test_permanent_errors_are_not_retried(answer: object, harness: Harness, server: FakeServer) -> None:
    server.queue(answer)  # type: ignore[arg-type]
    async with harness.client() as client:
        with pytest.raises((NotFoundError, ResponseFormatError)):
            await client.get_incident(INC)
    assert len(server.requests) == 1


@pytest.mark.asyncio
@pytest.mark.parametrize("operation_id", WRITES)
@pytest.mark.parametrize("failure", [reply(503), fail(httpx.ReadTimeout), fail(httpx.ConnectError)])
async def test_writes_other_than_create_are_never_retried(
    operation_id: str, failure: object, harness: Harness, server: FakeServer, clock: FakeClock
) -> None:
    server.default = failure  # type: ignore[assignment]
    async with harness.client() as client:
        with pytest.raises((ServerError, SetyTimeoutError, SetyConnectError)):
            await CALLS[operation_id].invoke(client)
    assert len(server.requests) == 1
    assert clock.sleeps == []


@pytest.mark.asyncio
async def test_create_without_idempotency_key_is_sent_once(harness: Harness, server: FakeServer) -> None:
    server.default = fail(httpx.ReadTimeout)
    async with harness.client() as client:
        with pytest.raises(SetyTimeoutError) as caught:
            await client.create_incident(_request(key=None))
    assert len(server.requests) == 1
    assert caught.value.ambiguous is True


@pytest.mark.asyncio
async def test_create_with_idempotency_key_is_retried_with_the_same_body(
    harness: Harness, server: FakeServer
) -> None:
    replay = example("createIncident.response") | {"idempotent": True}
    server.queue(fail(httpx.ReadTimeout), reply(503), reply(200, replay))
    async with harness.client() as client:
        result = await client.create_incident(_request(key="trip_TRIP-58213"))
    assert len(server.requests) == 3
    assert len({request.content for request in server.requests}) == 1
    assert FakeServer.body(server.last)["idempotency_key"] == "trip_TRIP-58213"
    assert result.idempotent is True
    assert result.created is False


@pytest.mark.asyncio
async def test_giving_up_after_an_ambiguous_attempt_stays_ambiguous(
    harness: Harness, server: FakeServer
) -> None:
    """A read timeout, then refused connections: the first attempt may have created the incident."""
    server.queue(fail(httpx.ReadTimeout))
    server.default = fail(httpx.ConnectError)
    async with harness.client(retry=harness.retry(max_attempts=3)) as client:
        with pytest.raises(SetyConnectError) as caught:
            await client.create_incident(_request(key="trip_1"))
    assert len(server.requests) == 3
    assert caught.value.ambiguous is True


@pytest.mark.asyncio
async def test_refused_every_time_is_not_ambiguous(harness: Harness, server: FakeServer) -> None:
    server.default = fail(httpx.ConnectError)
    async with harness.client(retry=harness.retry(max_attempts=3)) as client:
        with pytest.raises(SetyConnectError) as caught:
            await client.create_incident(_request(key="trip_1"))
    assert caught.value.ambiguous is False


@pytest.mark.asyncio
async def test_never_policy_sends_once(harness: Harness, server: FakeServer) -> None:
    server.default = reply(503)
    async with harness.client(retry=RetryPolicy.never()) as client:
        with pytest.raises(ServerError):
            await client.list_incidents()
    assert len(server.requests) == 1
