"""The client tolerates what a newer or sloppier server sends, and refuses what it cannot read."""

from __future__ import annotations

import copy
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sety_console.api import CreateIncidentResult, ResponseFormatError
from sety_console.api.models import Category, CreateIncidentRequest, IncidentStatus, TimelineEventType
from tests.api.conftest import FakeServer, Harness, reply
from tests.contract import example

INC = "inc_h3t8w1ne6vb0ys5c"

pytestmark = pytest.mark.asyncio


def _incident(**changes: Any) -> dict[str, Any]:
    incident: dict[str, Any] = copy.deepcopy(example("getIncident.response"))
    incident.update(changes)
    return incident


async def test_unknown_enum_values_are_kept(harness: Harness, server: FakeServer) -> None:
    incident = _incident(status="escalated_to_police", category="fire")
    incident["timeline"][0]["event"] = "drone_dispatched"
    server.queue(reply(200, incident))
    async with harness.client() as client:
        parsed = await client.get_incident(INC)
    assert parsed.status.is_unknown
    assert parsed.status.value == "escalated_to_police"
    assert parsed.status != IncidentStatus.created
    assert parsed.category.is_unknown
    assert parsed.category.label == "Unknown (fire)"
    assert parsed.category not in set(Category)
    assert parsed.timeline[0].event.is_unknown
    assert parsed.timeline[0].event != TimelineEventType.created


async def test_extra_fields_are_ignored(harness: Harness, server: FakeServer) -> None:
    incident = _incident(priority_score=97, tags=["vip"])
    incident["location"]["geohash"] = "s14"
    incident["sla"]["new_metric"] = {"x": 1}
    server.queue(reply(200, incident))
    async with harness.client() as client:
        parsed = await client.get_incident(INC)
    assert parsed.incident_id == INC
    assert not hasattr(parsed, "priority_score")


@pytest.mark.parametrize("wrapped", [False, True])
async def test_bare_and_wrapped_incidents_parse_alike(
    wrapped: bool, harness: Harness, server: FakeServer
) -> None:
    get_body = _incident()
    cancel_body = copy.deepcopy(example("cancelIncident.response"))
    if wrapped:
        get_body, cancel_body = {"incident": get_body}, {"incident": cancel_body}
    server.queue(reply(200, get_body), reply(200, cancel_body))
    async with harness.client() as client:
        got = await client.get_incident(INC)
        cancelled = await client.cancel_incident(INC)
    assert got.incident_id == INC
    assert got.status == IncidentStatus.responding
    assert cancelled.status == IncidentStatus.cancelled


async def test_missing_assumed_fields_get_defaults(harness: Harness, server: FakeServer) -> None:
    seen_only = {
        "incident_id": INC,
        "category": "sos",
        "status": "created",
        "location": {"coordinates": [3.3792, 6.5244]},
        "created_at": "2026-03-10T14:22:00.000Z",
        "updated_at": "2026-03-10T14:22:00.000Z",
    }
    server.queue(reply(200, seen_only), reply(200, {"data": [seen_only], "pagination": {"has_more": False}}))
    async with harness.client() as client:
        parsed = await client.get_incident(INC)
        page = await client.list_incidents()
    assert parsed.sla is None
    assert parsed.responder is None
    assert parsed.timeline == []
    assert parsed.severity.value == "high"
    assert page.data[0].incident_id == INC
    assert page.pagination.has_more is False


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2026-03-10T14:22:00.000Z", datetime(2026, 3, 10, 14, 22, tzinfo=UTC)),
        ("2026-03-10T14:22:00Z", datetime(2026, 3, 10, 14, 22, tzinfo=UTC)),
        ("2026-03-10T15:22:00.123456+01:00", datetime(2026, 3, 10, 14, 22, 0, 123456, tzinfo=UTC)),
        ("2026-03-10T14:22:00", datetime(2026, 3, 10, 14, 22, tzinfo=UTC)),
    ],
)
async def test_timestamps_are_read_leniently_as_aware_utc(
    written: str, expected: datetime, harness: Harness, server: FakeServer
) -> None:
    server.queue(reply(200, _incident(created_at=written)))
    async with harness.client() as client:
        parsed = await client.get_incident(INC)
    assert parsed.created_at == expected
    assert parsed.created_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize(("status", "idempotent", "created"), [(201, False, True), (200, True, False)])
async def test_create_tells_new_from_replayed(
    status: int, idempotent: bool, created: bool, harness: Harness, server: FakeServer
) -> None:
    body = copy.deepcopy(example("createIncident.response"))
    body["idempotent"] = idempotent
    server.queue(reply(status, body))
    async with harness.client() as client:
        result = await client.create_incident(
            CreateIncidentRequest.model_validate(example("createIncident.request"))
        )
    assert isinstance(result, CreateIncidentResult)
    assert (result.http_status, result.created, result.idempotent) == (status, created, idempotent)
    assert "http_status" not in result.model_dump()


async def test_docs_create_response_with_placeholder_email_parses(
    harness: Harness, server: FakeServer
) -> None:
    server.queue(reply(200, example("create-incident-response")))
    async with harness.client() as client:
        result = await client.create_incident(
            CreateIncidentRequest.model_validate(example("create-incident-request"))
        )
    assert result.incident.incident_id == "inc_a1b2c3d4e5f6g7h8"
    assert result.created is False


async def test_delete_accepts_204_or_a_body(harness: Harness, server: FakeServer) -> None:
    server.queue(reply(204), reply(200, {"deleted": True}))
    async with harness.client() as client:
        delete: Callable[[str], Awaitable[object]] = client.delete_webhook_endpoint  # the value is under test
        assert await delete("wh_1") is None
        assert await delete("wh_2") is None


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"error": "Gateway Timeout"},
        {"result": {"data": []}},
        {"data": []},  # no pagination: whether more pages exist is unknown
        {"pagination": {"has_more": False}},
        {"data": None, "pagination": {"has_more": False}},
        {"data": {}, "pagination": {"has_more": False}},
        {"data": [], "pagination": {}},
    ],
)
async def test_a_list_without_its_envelope_is_malformed_never_empty(
    harness: Harness, server: FakeServer, body: Any
) -> None:
    server.default = reply(200, body)
    async with harness.client(retry=harness.retry(max_attempts=1)) as client:
        for call in (client.list_incidents, client.list_access_logs, client.list_danger_zones):
            with pytest.raises(ResponseFormatError):
                await call()


@pytest.mark.parametrize(
    "body", [{}, {"total": 0}, {"visitors": []}, {"data": None, "total": 0}, {"data": []}]
)
async def test_current_visitors_without_data_is_malformed(
    harness: Harness, server: FakeServer, body: Any
) -> None:
    server.default = reply(200, body)
    async with harness.client(retry=harness.retry(max_attempts=1)) as client:
        with pytest.raises(ResponseFormatError):
            await client.list_current_visitors()


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity", b"1e999"])
async def test_numbers_must_be_finite(harness: Harness, server: FakeServer, literal: bytes) -> None:
    text = json.dumps({**example("getSafetyScore.response"), "radius_km": "RADIUS"})
    server.default = reply(200, content=text.replace('"RADIUS"', literal.decode()).encode())
    async with harness.client(retry=harness.retry(max_attempts=1)) as client:
        with pytest.raises(ResponseFormatError, match="radius_km"):
            await client.get_safety_score(6.5, 3.4)


@pytest.mark.parametrize("status", [202, 203, 206, 207, 299])
async def test_an_unexpected_2xx_is_a_format_error_not_a_success(
    harness: Harness, server: FakeServer, status: int
) -> None:
    server.default = reply(status, example("getIncident.response"))
    async with harness.client(retry=harness.retry(max_attempts=1)) as client:
        with pytest.raises(ResponseFormatError, match=f"HTTP {status}") as caught:
            await client.get_incident(INC)
        with pytest.raises(ResponseFormatError):
            await client.add_incident_note(INC, "m")
    assert caught.value.ambiguous  # a write may have been acted on: the outbox looks before resending


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"<html><body>Welcome to the hotel Wi-Fi</body></html>", "not JSON"),
        (b'{"incident_id": ', "not JSON"),
        (b"\xff\xfe\x00garbage", "not JSON"),
        (b"[1, 2, 3]", "cannot read"),
        (b'{"incident_id": "inc_1"}', "cannot read"),
    ],
)
async def test_unreadable_2xx_bodies_raise_response_format_error(
    content: bytes, words: str, harness: Harness, server: FakeServer
) -> None:
    server.queue(reply(200, content=content, headers={"X-Request-Id": "req_abc"}))
    async with harness.client() as client:
        with pytest.raises(ResponseFormatError) as caught:
            await client.get_incident(INC)
    error = caught.value
    assert words in error.message
    assert error.status == 200
    assert error.request_id == "req_abc"
    assert error.ambiguous is True
    if words != "empty":
        assert error.__cause__ is not None  # the json/pydantic error stays attached for debugging


async def test_wrong_shape_names_the_field(harness: Harness, server: FakeServer) -> None:
    body = _incident()
    body["location"] = {"coordinates": "six point five"}
    server.queue(reply(200, body))
    async with harness.client() as client:
        with pytest.raises(ResponseFormatError) as caught:
            await client.get_incident(INC)
    assert caught.value.field == "location.coordinates"
    assert "location.coordinates" in str(caught.value)
