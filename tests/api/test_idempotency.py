"""`Idempotency-Key` on the client: sent on every write that declares it, on every try; keyed writes are
retried after failures that never reached the server, and after ambiguous ones only once the server is
known to honour the header (learnt from an `Idempotent-Replayed: true` answer, or told)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from sety_console.api import (
    RateLimitedError,
    RequestValidationError,
    ServerError,
    SetyClient,
    TransportError,
)
from sety_console.api.models import (
    CreateAccessCodeRequest,
    CreateAccessLogRequest,
    CreateApiKeyRequest,
    CreateWebhookEndpointRequest,
    is_replay,
)
from tests.api.conftest import FakeClock, FakeServer, Harness, fail, reply
from tests.contract import example, operations

INC, CODE, LOG = "inc_h3t8w1ne6vb0ys5c", "acc_8xv2c6mb0qn4tl7r", "log_3nf7z1wk9ud5qa0m"
KEY = "4f1c2a0e-6d1b-4b7e-9a51-0c3c2f6b8d11"

KeyedCall = Callable[[SetyClient, str], Awaitable[Any]]

KEYED: dict[str, tuple[KeyedCall, str, int]] = {
    "cancelIncident": (
        lambda c, k: c.cancel_incident(INC, "duplicate", idempotency_key=k),
        "cancelIncident.response",
        200,
    ),
    "addIncidentNote": (
        lambda c, k: c.add_incident_note(INC, "On my way", "Ada", idempotency_key=k),
        "addIncidentNote.response",
        201,
    ),
    "createAccessCode": (
        lambda c, k: c.create_access_code(
            CreateAccessCodeRequest.model_validate(example("createAccessCode.request")), idempotency_key=k
        ),
        "createAccessCode.response",
        201,
    ),
    "revokeAccessCode": (
        lambda c, k: c.revoke_access_code(CODE, idempotency_key=k),
        "revokeAccessCode.response",
        200,
    ),
    "createAccessLog": (
        lambda c, k: c.create_access_log(
            CreateAccessLogRequest.model_validate(example("createAccessLog.request")), idempotency_key=k
        ),
        "createAccessLog.response",
        201,
    ),
    "checkoutVisitor": (
        lambda c, k: c.checkout_visitor(LOG, "left", "Main Gate", idempotency_key=k),
        "checkoutVisitor.response",
        200,
    ),
    "createApiKey": (
        lambda c, k: c.create_api_key(
            CreateApiKeyRequest.model_validate(example("createApiKey.request")), idempotency_key=k
        ),
        "createApiKey.response",
        201,
    ),
    "createWebhookEndpoint": (
        lambda c, k: c.create_webhook_endpoint(
            CreateWebhookEndpointRequest.model_validate(example("createWebhookEndpoint.request")),
            idempotency_key=k,
        ),
        "createWebhookEndpoint.response",
        201,
    ),
}


def test_every_write_declaring_the_header_can_send_it() -> None:
    declared = {
        op["operationId"]
        for _, _, op in operations()
        if any(p.get("$ref", "").endswith("/IdempotencyKey") for p in op.get("parameters", []))
    }
    assert declared == set(KEYED)


@pytest.mark.asyncio
@pytest.mark.parametrize("operation_id", sorted(KEYED))
async def test_the_key_goes_out_as_the_header_and_a_replay_is_marked(
    operation_id: str, harness: Harness, server: FakeServer
) -> None:
    call, answer, status = KEYED[operation_id]
    server.queue(
        reply(status, example(answer)),
        reply(status, example(answer), headers={"Idempotent-Replayed": "true"}),
    )
    async with harness.client() as client:
        first = await call(client, KEY)
        assert client.idempotency_honoured is None
        second = await call(client, KEY)
        assert client.idempotency_honoured is True  # learnt from the replay
    assert [r.headers.get("Idempotency-Key") for r in server.requests] == [KEY, KEY]
    assert (is_replay(first), is_replay(second)) == (False, True)


@pytest.mark.asyncio
async def test_without_a_key_no_header_is_sent(harness: Harness, server: FakeServer) -> None:
    server.queue(reply(201, example("addIncidentNote.response")))
    async with harness.client() as client:
        await client.add_incident_note(INC, "On my way")
    assert "Idempotency-Key" not in server.last.headers


@pytest.mark.asyncio
@pytest.mark.parametrize("bad", ["", "with space", "é", "x" * 256, "tab\there"])
async def test_a_key_that_cannot_be_a_header_is_refused_before_sending(
    bad: str, harness: Harness, server: FakeServer
) -> None:
    async with harness.client() as client:
        with pytest.raises(RequestValidationError, match="idempotency key"):
            await client.add_incident_note(INC, "On my way", idempotency_key=bad)
    assert server.requests == []


@pytest.mark.asyncio
@pytest.mark.parametrize("operation_id", sorted(KEYED))
@pytest.mark.parametrize(
    "failure",
    [fail(httpx.ConnectError), reply(429, headers={"Retry-After": "2"})],
    ids=["refused", "429"],
)
async def test_keyed_writes_are_retried_after_failures_that_never_reached_the_server(
    operation_id: str, failure: Any, harness: Harness, server: FakeServer, clock: FakeClock
) -> None:
    call, answer, status = KEYED[operation_id]
    server.queue(failure, reply(status, example(answer)))
    async with harness.client() as client:
        await call(client, KEY)
    assert [r.headers["Idempotency-Key"] for r in server.requests] == [KEY, KEY]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "failure",
    [fail(httpx.ReadTimeout), fail(httpx.RemoteProtocolError), reply(502)],
    ids=["read-timeout", "connection-lost", "502"],
)
async def test_an_ambiguous_failure_is_not_resent_while_honouring_is_unknown(
    failure: Any, harness: Harness, server: FakeServer
) -> None:
    server.default = failure
    async with harness.client() as client:
        with pytest.raises((TransportError, ServerError)) as caught:
            await client.add_incident_note(INC, "On my way", idempotency_key=KEY)
    assert len(server.requests) == 1
    assert caught.value.ambiguous is True


@pytest.mark.asyncio
async def test_an_ambiguous_failure_is_resent_with_the_same_key_once_honouring_is_known(
    harness: Harness, server: FakeServer
) -> None:
    server.queue(
        fail(httpx.ReadTimeout),
        reply(502),
        reply(201, example("addIncidentNote.response"), headers={"Idempotent-Replayed": "true"}),
    )
    async with harness.client() as client:
        client.idempotency_honoured = True
        note = await client.add_incident_note(INC, "On my way", idempotency_key=KEY)
    assert [r.headers["Idempotency-Key"] for r in server.requests] == [KEY, KEY, KEY]
    assert is_replay(note)


@pytest.mark.asyncio
async def test_a_429_on_a_keyed_write_still_waits_its_retry_after(
    harness: Harness, server: FakeServer, clock: FakeClock
) -> None:
    server.default = reply(429, headers={"Retry-After": "7"})
    async with harness.client(retry=harness.retry(max_attempts=2)) as client:
        with pytest.raises(RateLimitedError):
            await client.checkout_visitor(LOG, idempotency_key=KEY)
    assert len(server.requests) == 2
    assert max(clock.sleeps, default=0.0) >= 7.0
