"""Webhook endpoints and signed deliveries: signatures, filters, retries, failure, the delivery log."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest

from sety_console.api.models import WebhookDeliveryPage, WebhookEndpointPage, WebhookPayload
from sety_console.api.webhooks import verify_signature

from .conftest import MakeHarness
from .helpers import Harness

pytestmark = pytest.mark.asyncio

URL = "http://hooks.test/sety"


async def endpoint(harness: Harness, events: list[str] | None = None) -> dict[str, Any]:
    body = {"url": URL, "events": events or ["incident.*"]}
    response = await harness.call("POST", "/webhooks", "admin", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def deliveries(harness: Harness, endpoint_id: str, query: str = "") -> dict[str, Any]:
    response = await harness.call("GET", f"/webhooks/{endpoint_id}/deliveries?{query}", "admin")
    assert response.status_code == 200, response.text
    WebhookDeliveryPage.model_validate(response.json())
    body: dict[str, Any] = response.json()
    return body


async def test_endpoint_secret_is_shown_once(harness: Harness) -> None:
    created = await endpoint(harness)
    assert re.match(r"^wh_[a-z0-9]{16}$", created["endpoint_id"])
    assert re.match(r"^whsec_[0-9a-f]{32}$", created["secret"])
    listed = (await harness.call("GET", "/webhooks", "admin")).json()
    WebhookEndpointPage.model_validate(listed)
    assert listed["data"] == [{k: v for k, v in created.items() if k != "secret"}]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://hooks.test/x", "events": ["incident.*"]}, "url"),
        ({"url": "not a url", "events": ["incident.*"]}, "url"),
        ({"url": URL, "events": []}, "events"),
        ({"url": URL, "events": ["incident.deleted"]}, "events.0"),
        ({"url": URL, "events": ["incident.*", "incident.*"]}, "events"),
        ({"url": URL, "events": ["incident.*"], "secret": "mine"}, "secret"),
    ],
)
async def test_endpoint_errors(harness: Harness, body: dict[str, Any], field: str) -> None:
    response = await harness.call("POST", "/webhooks", "admin", json=body)
    assert response.status_code == 400
    assert response.json()["field"] == field


async def test_delivery_is_signed_and_verifiable(harness: Harness) -> None:
    hook = await endpoint(harness)
    made = await harness.create_incident()
    await harness.drain_webhooks()
    [request] = harness.receiver.requests
    assert request.method == "POST"
    assert str(request.url) == URL
    assert request.headers["Content-Type"] == "application/json"
    verify_signature(hook["secret"], request.headers["X-Sety-Signature"], request.content)
    assert re.match(r"^t=[0-9]+,v1=[0-9a-f]{64}$", request.headers["X-Sety-Signature"])
    payload = WebhookPayload.model_validate_json(request.content)
    assert payload.event.value == request.headers["X-Sety-Event"] == "incident.created"
    assert payload.data.incident.incident_id == made["incident_id"]
    assert request.content.decode().startswith(
        '{"event":"incident.created","delivered_at":"2026-03-10T12:00:00.000Z"'
    )
    log = await deliveries(harness, hook["endpoint_id"])
    [delivery] = log["data"]
    assert delivery["delivery_id"] == request.headers["X-Sety-Delivery"]
    assert (delivery["status"], delivery["attempts"], delivery["response_status"]) == ("delivered", 1, 200)
    assert delivery["next_retry_at"] is None


async def test_endpoints_get_only_the_events_they_subscribe_to(harness: Harness) -> None:
    await endpoint(harness, ["incident.note_added"])
    made = await harness.create_incident()
    harness.clock.advance(2)
    await harness.call(
        "POST", f"/incidents/{made['incident_id']}/notes", "operator", json={"message": "hello"}
    )
    await harness.drain_webhooks()
    assert harness.receiver.events() == ["incident.note_added"]
    note = harness.receiver.payloads()[0]["data"]["incident"]["timeline"][-1]
    assert (note["event"], note["message"]) == ("note_added", "hello")


async def test_other_organisations_events_are_not_delivered(harness: Harness) -> None:
    await endpoint(harness)
    await harness.create_incident(role="other_org")
    await harness.drain_webhooks()
    assert harness.receiver.requests == []


async def test_retries_keep_the_delivery_id_until_delivered(harness: Harness) -> None:
    hook = await endpoint(harness)
    harness.receiver.statuses = [503, 500]
    await harness.create_incident()
    await harness.drain_webhooks()
    ids = {r.headers["X-Sety-Delivery"] for r in harness.receiver.requests}
    assert len(harness.receiver.requests) == 3
    assert len(ids) == 1
    for request in harness.receiver.requests:
        verify_signature(hook["secret"], request.headers["X-Sety-Signature"], request.content)
    [delivery] = (await deliveries(harness, hook["endpoint_id"]))["data"]
    assert (delivery["status"], delivery["attempts"], delivery["response_status"]) == ("delivered", 3, 200)


async def test_six_failures_mark_the_delivery_failed(make_harness: MakeHarness) -> None:
    harness = await make_harness(webhook_retry_factor=0.00001)  # the whole schedule in about 0.5 s
    hook = await endpoint(harness, ["incident.created"])
    harness.receiver.statuses = [503] * 10
    await harness.create_incident()
    await harness.drain_webhooks()
    assert len(harness.receiver.requests) == 6
    [delivery] = (await deliveries(harness, hook["endpoint_id"], "status=failed"))["data"]
    assert (delivery["attempts"], delivery["response_status"], delivery["next_retry_at"]) == (6, 503, None)
    assert (await deliveries(harness, hook["endpoint_id"], "status=delivered"))["data"] == []
    listed = (await harness.call("GET", "/webhooks", "admin")).json()["data"]
    assert listed[0]["active"] is True  # the endpoint stays active


async def test_retry_schedule_and_timeouts(make_harness: MakeHarness) -> None:
    def timeout(_request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer within 10 s")

    harness = await make_harness(webhook_retry_factor=1.0, webhook_transport=httpx.MockTransport(timeout))
    hook = await endpoint(harness)
    await harness.create_incident()
    for _ in range(200):
        log = await deliveries(harness, hook["endpoint_id"])
        if log["data"] and log["data"][0]["attempts"] == 1:
            break
        await asyncio.sleep(0.01)  # the first attempt runs in the background
    [delivery] = log["data"]
    assert (delivery["status"], delivery["response_status"]) == ("pending", None)
    assert delivery["last_attempt_at"] == "2026-03-10T12:00:00.000Z"
    assert delivery["next_retry_at"] == "2026-03-10T12:01:00.000Z"  # first retry after 60 s


async def test_delete_endpoint_drops_its_log(harness: Harness) -> None:
    hook = await endpoint(harness)
    await harness.create_incident()
    await harness.drain_webhooks()
    response = await harness.call("DELETE", f"/webhooks/{hook['endpoint_id']}", "admin")
    assert response.status_code == 204
    assert response.content == b""
    assert "X-RateLimit-Limit" in response.headers
    for method, path in [("DELETE", ""), ("GET", "/deliveries")]:
        gone = await harness.call(method, f"/webhooks/{hook['endpoint_id']}{path}", "admin")
        assert (gone.status_code, gone.json()["message"]) == (404, "Webhook endpoint not found")
    await harness.create_incident()
    await harness.drain_webhooks()
    assert len(harness.receiver.requests) == 1


async def test_delivery_log_pages_newest_first(harness: Harness) -> None:
    hook = await endpoint(harness, ["incident.created"])
    for _ in range(3):
        await harness.create_incident()
        harness.clock.advance(0.1)
    await harness.drain_webhooks()
    page = await deliveries(harness, hook["endpoint_id"], "limit=2")
    assert page["pagination"] == {"page": 1, "limit": 2, "total": 3, "total_pages": 2, "has_more": True}
    stamps = [d["created_at"] for d in page["data"]]
    assert stamps == sorted(stamps, reverse=True)
