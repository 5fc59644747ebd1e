"""Every failure becomes the right typed `SetyError`, with the right ambiguity and a readable sentence."""

from __future__ import annotations

import logging
from datetime import datetime

import httpx
import pytest

from sety_console.api import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ConnectionLostError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitedError,
    RequestValidationError,
    ResponseFormatError,
    ServerError,
    SetyConnectError,
    SetyError,
    SetyTimeoutError,
    TransportError,
)
from tests.api.conftest import API_KEY, FakeServer, Harness, fail, reply
from tests.contract import example

INC = "inc_h3t8w1ne6vb0ys5c"
HTML = b"<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>"

pytestmark = pytest.mark.asyncio

STATUS_CLASSES = [
    (400, BadRequestError),
    (401, AuthenticationError),
    (402, PaymentRequiredError),
    (403, PermissionDeniedError),
    (404, NotFoundError),
    (409, ConflictError),
    (429, RateLimitedError),
    (500, ServerError),
]


@pytest.mark.parametrize(("status", "cls"), STATUS_CLASSES)
async def test_documented_statuses_map_to_their_class(
    status: int, cls: type[SetyError], harness: Harness, server: FakeServer
) -> None:
    body = example(f"error-{status}")
    server.queue(reply(status, body, headers={"Retry-After": "1"}))
    async with harness.client(retry=harness.retry(max_attempts=1)) as client:
        with pytest.raises(cls) as caught:
            await client.cancel_incident(INC)
    error = caught.value
    assert type(error) is cls
    assert error.status == status
    assert error.message == body["message"]
    assert error.field == body.get("field")
    assert error.request_id == body.get("request_id")
    assert error.operation == f"POST /incidents/{INC}/cancel"
    assert error.ambiguous is (status >= 500)
    assert error.transient is (status in (429, 500))
    assert body["message"] in str(error)
    assert f"HTTP {status}" in str(error)
    if body.get("request_id"):
        assert body["request_id"] in str(error)


@pytest.mark.parametrize(
    ("status", "cls", "words"),
    [
        (400, BadRequestError, "invalid"),
        (401, AuthenticationError, "API key"),
        (402, PaymentRequiredError, "plan"),
        (403, PermissionDeniedError, "not allowed"),
        (404, NotFoundError, "Not found"),
        (409, ConflictError, "current state"),
        (429, RateLimitedError, "Too many requests"),
        (502, ServerError, "Bad Gateway"),
        (503, ServerError, "Service Unavailable"),
        (504, ServerError, "Gateway Timeout"),
        (418, SetyError, "I'm a teapot"),
    ],
)
async def test_non_json_error_bodies_still_give_a_typed_readable_error(
    status: int, cls: type[SetyError], words: str, harness: Harness, server: FakeServer
) -> None:
    server.queue(reply(status, content=HTML, headers={"Content-Type": "text/html"}))
    async with harness.client(retry=harness.retry(max_attempts=1)) as client:
        with pytest.raises(cls) as caught:
            await client.get_incident(INC)
    error = caught.value
    assert type(error) is cls
    assert error.status == status
    assert words in str(error)
    assert "<html" not in str(error)
    assert str(error).endswith(".")


async def test_unknown_4xx_is_a_plain_sety_error_with_its_status(
    harness: Harness, server: FakeServer
) -> None:
    server.queue(reply(422, {"code": 422, "message": "Unprocessable thing"}))
    async with harness.client() as client:
        with pytest.raises(SetyError) as caught:
            await client.get_incident(INC)
    assert type(caught.value) is SetyError
    assert (caught.value.status, caught.value.message, caught.value.ambiguous) == (
        422,
        "Unprocessable thing",
        False,
    )


async def test_empty_error_body_and_tolerated_shapes(harness: Harness, server: FakeServer) -> None:
    server.queue(
        reply(404, content=b""),
        reply(404, {"detail": "Not Found"}),
        reply(400, {"error": {"message": "limit too big", "field": "limit", "request_id": "req_1"}}),
        reply(409, {"message": "  spread\n over   lines  " + "x" * 800}),
    )
    async with harness.client() as client:
        errors = []
        for _ in range(4):
            with pytest.raises(SetyError) as caught:
                await client.cancel_incident(INC)
            errors.append(caught.value)
    assert errors[0].message == NotFoundError.default_message
    assert errors[1].message == "Not Found"
    assert (errors[2].message, errors[2].field, errors[2].request_id) == ("limit too big", "limit", "req_1")
    assert errors[3].message.startswith("spread over lines x")
    assert len(errors[3].message) <= 500


async def test_request_id_falls_back_to_the_header(harness: Harness, server: FakeServer) -> None:
    server.queue(reply(403, content=b"Forbidden", headers={"X-Request-Id": "req_from_header"}))
    async with harness.client() as client:
        with pytest.raises(PermissionDeniedError) as caught:
            await client.cancel_incident(INC)
    assert caught.value.request_id == "req_from_header"


async def test_429_retry_after_in_seconds(harness: Harness, server: FakeServer) -> None:
    server.queue(reply(429, example("error-429"), headers={"Retry-After": "17"}))
    async with harness.client() as client:
        with pytest.raises(RateLimitedError) as caught:
            await client.cancel_incident(INC)
    assert caught.value.retry_after == 17.0
    assert "Retry in 17 s" in str(caught.value)


async def test_429_retry_after_as_an_http_date(harness: Harness, server: FakeServer) -> None:
    # The fake clock reads 2026-03-10 14:30:00 UTC.
    server.queue(reply(429, example("error-429"), headers={"Retry-After": "Tue, 10 Mar 2026 14:30:45 GMT"}))
    async with harness.client() as client:
        with pytest.raises(RateLimitedError) as caught:
            await client.cancel_incident(INC)
    assert caught.value.retry_after == 45.0


async def test_429_without_retry_after_waits_for_the_reset(harness: Harness, server: FakeServer) -> None:
    headers = {
        "X-RateLimit-Limit": "60",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": "2026-03-10T14:30:25Z",
    }
    server.queue(reply(429, content=b"slow down", headers=headers))
    async with harness.client() as client:
        with pytest.raises(RateLimitedError) as caught:
            await client.cancel_incident(INC)
    assert caught.value.retry_after == 25.0


async def test_redirects_are_not_followed(harness: Harness, server: FakeServer) -> None:
    server.queue(reply(307, headers={"Location": "https://evil.example/steal"}))
    async with harness.client() as client:
        with pytest.raises(SetyError) as caught:
            await client.cancel_incident(INC)
    assert caught.value.status == 307
    assert "evil.example" in caught.value.message
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("raised", "cls", "ambiguous"),
    [
        (httpx.ConnectError, SetyConnectError, False),
        (httpx.ConnectTimeout, SetyTimeoutError, False),
        (httpx.PoolTimeout, SetyTimeoutError, False),
        (httpx.ProxyError, SetyConnectError, False),
        (httpx.UnsupportedProtocol, SetyConnectError, False),
        (httpx.LocalProtocolError, SetyConnectError, False),
        (httpx.ReadTimeout, SetyTimeoutError, True),
        (httpx.WriteTimeout, SetyTimeoutError, True),
        (httpx.ReadError, ConnectionLostError, True),
        (httpx.WriteError, ConnectionLostError, True),
        (httpx.RemoteProtocolError, ConnectionLostError, True),
        (httpx.CloseError, ConnectionLostError, True),
        (httpx.DecodingError, ResponseFormatError, True),
    ],
)
async def test_transport_failures_map_to_typed_errors_with_ambiguity(
    raised: type[httpx.RequestError],
    cls: type[SetyError],
    ambiguous: bool,
    harness: Harness,
    server: FakeServer,
) -> None:
    server.queue(fail(raised, "connection reset by peer"))
    async with harness.client() as client:
        with pytest.raises(cls) as caught:
            await client.cancel_incident(INC)
    error = caught.value
    assert error.ambiguous is ambiguous
    assert error.status is None
    assert isinstance(error.__cause__, raised)
    assert isinstance(error, TransportError) is (cls is not ResponseFormatError)
    assert "Sety API" in str(error) or "request" in str(error)


async def test_errors_are_logged_with_request_id_and_never_the_key(
    harness: Harness, server: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.queue(reply(500, example("error-500")))
    caplog.set_level(logging.DEBUG)
    async with harness.client(retry=harness.retry(max_attempts=1)) as client:
        with pytest.raises(ServerError):
            await client.get_incident(INC)
    assert example("error-500")["request_id"] in caplog.text
    assert API_KEY not in caplog.text


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.add_incident_note(INC, ""), "message"),
        (lambda c: c.add_incident_note("", "hello"), "incident_id"),
        (lambda c: c.cancel_incident(INC, reason="x" * 501), "reason"),
        (lambda c: c.validate_access_code(""), "code"),
        (lambda c: c.list_incidents(limit=500), "limit"),
        (lambda c: c.list_incidents(page=0), "page"),
        (lambda c: c.list_incidents(updated_since=datetime(2026, 3, 10)), "updated_since"),
        (lambda c: c.list_danger_zones(lat=6.5), "lat"),
        (lambda c: c.get_safety_score(91, 3.3), "lat"),
        (lambda c: c.get_safety_score(6.5, float("nan")), "lng"),
        (lambda c: c.get_heatmap(), "bbox"),
        (lambda c: c.get_heatmap(lat=6.5, lng=3.3, bbox=(3.3, 6.4, 3.4, 6.5)), "bbox"),
        (lambda c: c.get_route_safety((6.5, 3.3), (6.4, 3.4), waypoints=[(6.45, 3.35)] * 11), "waypoints"),
        (lambda c: c.get_route_safety((6.5,), (6.4, 3.4)), "origin"),
    ],
)
async def test_bad_arguments_are_refused_before_sending(
    call: object, field: str, harness: Harness, server: FakeServer
) -> None:
    async with harness.client() as client:
        with pytest.raises(RequestValidationError) as caught:
            await call(client)  # type: ignore[operator]
    assert caught.value.field == field
    assert caught.value.ambiguous is False
    assert caught.value.status is None
    assert isinstance(caught.value, ValueError)
    assert server.requests == []
