"""Strict validation: 400 (never 422) with `{code, message, field, request_id}`; the Error body everywhere."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from .helpers import Harness, incident_body

pytestmark = pytest.mark.asyncio

REQUEST_ID = re.compile(r"^req_[a-z0-9]{16}$")


def assert_bad_request(response: httpx.Response, field: str | None) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == 400
    assert REQUEST_ID.match(body["request_id"])
    if field is None:
        assert "field" not in body
    else:
        assert body["field"] == field
        assert body["message"].startswith(f"{field}:") or body["message"].startswith("Access code")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (incident_body(unknown=1), "unknown"),
        (incident_body(category="fire"), "category"),
        (incident_body(severity="extreme"), "severity"),
        (incident_body(location={"coordinates": [300, 6.5]}), "location.coordinates"),
        (incident_body(location={"coordinates": [3.3, 95]}), "location.coordinates"),
        (incident_body(subject={"name": ""}), "subject.name"),
        (incident_body(subject={"name": "A", "email": "not-an-address"}), "subject.email"),
        (incident_body(subject={"name": "A", "extra": True}), "subject.extra"),
        (incident_body(is_drill="yes"), "is_drill"),
        (incident_body(idempotency_key=""), "idempotency_key"),
        (incident_body(title="x" * 201), "title"),
        ({"category": "sos", "location": {"coordinates": [3.3, 6.5]}}, "subject"),
    ],
)
async def test_create_incident_rejects_bad_bodies(harness: Harness, body: dict[str, Any], field: str) -> None:
    assert_bad_request(await harness.call("POST", "/incidents", "operator", json=body), field)


async def test_example_400_message_shape(harness: Harness) -> None:
    response = await harness.call(
        "POST", "/incidents", "operator", json=incident_body(location={"coordinates": [-200, 6.5]})
    )
    assert response.json()["message"] == "location.coordinates: longitude must be between -180 and 180"


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"", b"null"])
async def test_body_that_is_not_a_json_object(harness: Harness, raw: bytes) -> None:
    response = await harness.call("POST", "/incidents", "operator", content=raw)
    assert_bad_request(response, None)


async def test_unknown_and_repeated_query_parameters(harness: Harness) -> None:
    assert_bad_request(await harness.call("GET", "/incidents?colour=red", "operator"), "colour")
    assert_bad_request(
        await harness.call("GET", "/incidents?status=created&status=resolved", "operator"), "status"
    )
    assert_bad_request(await harness.call("GET", "/health?verbose=1", None), "verbose")
    assert_bad_request(await harness.call("GET", "/incidents/inc_x?expand=1", "operator"), "expand")


@pytest.mark.parametrize("query", ["page=0", "limit=0", "limit=101", "page=abc", "limit=1.5"])
async def test_pagination_out_of_range(harness: Harness, query: str) -> None:
    field = query.split("=")[0]
    assert_bad_request(await harness.call("GET", f"/incidents?{query}", "operator"), field)


async def test_page_past_the_end_is_empty(harness: Harness) -> None:
    await harness.create_incident()
    body = (await harness.call("GET", "/incidents?page=5&limit=10", "operator")).json()
    assert body["data"] == []
    assert body["pagination"] == {"page": 5, "limit": 10, "total": 1, "total_pages": 1, "has_more": False}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from_date=2026-03-10&to_date=2026-03-09", "from_date"),
        ("from_date=2026-13-01", "from_date"),
        ("updated_since=2026-03-10T10:00:00", "updated_since"),
        ("status=created,", "status"),
        ("status=created,created", "status"),
        ("category=sos,fire", "category"),
    ],
)
async def test_list_filter_errors(harness: Harness, query: str, field: str) -> None:
    assert_bad_request(await harness.call("GET", f"/incidents?{query}", "operator"), field)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/danger-zones?lat=6.5", "lng"),
        ("/danger-zones?lng=3.4", "lat"),
        ("/heatmap", "bbox"),
        ("/heatmap?bbox=3.34,6.48,3.40,6.53&lat=6.5&lng=3.4", "bbox"),
        ("/heatmap?bbox=3.40,6.48,3.34,6.53", "bbox"),
        ("/heatmap?lat=6.5&lng=3.4&grid_meters=10", "grid_meters"),
        ("/safety/score?lat=6.5", "lng"),
        ("/safety/score?lat=91&lng=3.4", "lat"),
        ("/safety/score?lat=6.5&lng=3.4&radius_km=51", "radius_km"),
        ("/danger-zones/analytics?lat=6.5&lng=3.4&days=0", "days"),
        ("/safety/route?origin=6.5,3.3", "destination"),
        ("/safety/route?origin=95.5,3.3&destination=6.5,3.4", "origin"),
        (
            "/safety/route?origin=6.5,3.3&destination=6.4,3.4&waypoints=" + "|".join(["6.5,3.3"] * 11),
            "waypoints",
        ),
        ("/safety/route?origin=6.5,3.3&destination=9.0,7.4", "destination"),
    ],
)
async def test_intel_query_errors(harness: Harness, path: str, field: str) -> None:
    assert_bad_request(await harness.call("GET", path, "operator"), field)


async def test_unknown_route_and_method_use_the_error_body(harness: Harness) -> None:
    response = await harness.call("GET", "/nothing-here", "operator")
    assert response.status_code == 404
    assert set(response.json()) == {"code", "message", "request_id"}
    response = await harness.call("PUT", "/incidents", "operator")
    assert response.status_code == 405
    assert response.json()["code"] == 405


async def test_not_found_message_and_no_field(harness: Harness) -> None:
    response = await harness.call("GET", "/incidents/inc_doesnotexist0000", "operator")
    assert response.status_code == 404
    assert response.json()["message"] == "Incident not found"
    assert "field" not in response.json()


async def test_health_needs_no_key_and_sends_no_rate_headers(harness: Harness) -> None:
    response = await harness.call("GET", "/health", None)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "api_version": "v1", "timestamp": "2026-03-10T12:00:00.000Z"}
    assert "X-RateLimit-Limit" not in response.headers
