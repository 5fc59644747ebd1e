"""Keys (401), suspended organisations (402), rate limits (429, headers), scopes (403), precedence."""

from __future__ import annotations

import asyncio
import re

import pytest

from sety_console.sandbox.accounts import DEMO_ORG_ID

from .conftest import MakeHarness
from .helpers import Harness, incident_body

pytestmark = pytest.mark.asyncio

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Basic c2V0eTp4",
        "Bearer sety_test_0123",
        "Bearer sety_prod_0123456789abcdef0123456789abcdef",
        "Bearer sety_test_0123456789ABCDEF0123456789ABCDEF",
        "Bearer sety_test_0123456789abcdef0123456789abcdef",
    ],
)
async def test_missing_malformed_or_unknown_key_is_401(harness: Harness, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = await harness.call("GET", "/incidents", None, headers=headers)
    assert response.status_code == 401
    assert response.json()["message"] == "Missing or invalid API key"
    assert "X-RateLimit-Limit" not in response.headers


async def test_revoked_key_is_401_and_reissue_revokes_older_role_keys(harness: Harness) -> None:
    old = harness.keys["operator"]
    fresh = harness.sandbox.issue_keys()
    assert fresh["operator"] != old
    response = await harness.call("GET", "/incidents", None, headers={"Authorization": f"Bearer {old}"})
    assert response.status_code == 401
    harness.keys = fresh
    assert (await harness.call("GET", "/incidents", "operator")).status_code == 200


async def test_suspended_organisation_is_402_before_rate_limit_and_scope(harness: Harness) -> None:
    harness.sandbox.set_suspended(DEMO_ORG_ID, True)
    response = await harness.call("GET", "/api-keys", "guard")  # guard lacks admin: 402 still wins
    assert response.status_code == 402
    assert "suspended" in response.json()["message"]
    harness.sandbox.set_suspended(DEMO_ORG_ID, False)
    assert (await harness.call("GET", "/incidents", "operator")).status_code == 200


async def test_scope_error_names_the_missing_scope(harness: Harness) -> None:
    response = await harness.call("POST", "/incidents", "supervisor", json=incident_body())
    assert response.status_code == 403
    assert response.json()["message"] == "API key lacks required scope: incidents:write"


async def test_403_comes_before_400_and_400_before_404(harness: Harness) -> None:
    bad = {"category": "nope"}
    assert (await harness.call("POST", "/incidents", "guard", json=bad)).status_code == 403
    response = await harness.call("POST", "/incidents/inc_unknown000000000/notes", "operator", json={"x": 1})
    assert response.status_code == 400
    response = await harness.call(
        "POST", "/incidents/inc_unknown000000000/notes", "operator", json={"message": "hi"}
    )
    assert response.status_code == 404


async def test_rate_limit_headers_on_every_authenticated_answer(harness: Harness) -> None:
    first = await harness.call("GET", "/incidents", "operator")
    second = await harness.call("GET", "/incidents", "operator")
    assert first.headers["X-RateLimit-Limit"] == "300"  # the demo organisation is on Growth
    assert int(first.headers["X-RateLimit-Remaining"]) == int(second.headers["X-RateLimit-Remaining"]) + 1
    assert first.headers["X-RateLimit-Reset"] == "2026-03-10T12:01:00.000Z"
    assert ISO.match(first.headers["X-RateLimit-Reset"])
    created = await harness.call("POST", "/incidents", "operator", json=incident_body())
    assert created.status_code == 201
    assert "X-RateLimit-Remaining" in created.headers


async def test_429_with_retry_after_then_a_new_window(make_harness: MakeHarness) -> None:
    harness = await make_harness(plan_limits={"starter": 3, "growth": 3, "enterprise": 3})
    harness.clock.advance(45)  # 12:00:45, 15 s before the window resets
    for remaining in (2, 1, 0):
        response = await harness.call("GET", "/incidents", "operator")
        assert response.status_code == 200
        assert response.headers["X-RateLimit-Remaining"] == str(remaining)
    limited = await harness.call("GET", "/incidents", "operator")
    assert limited.status_code == 429
    assert limited.json()["message"] == "Rate limit exceeded: 3 requests per minute"
    assert limited.headers["Retry-After"] == "15"
    assert limited.headers["X-RateLimit-Limit"] == "3"
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert limited.headers["X-RateLimit-Reset"] == "2026-03-10T12:01:00.000Z"
    other = await harness.call("GET", "/access-codes", "guard")  # limits count per key
    assert other.status_code == 200
    harness.clock.advance(15)
    again = await harness.call("GET", "/incidents", "operator")
    assert again.status_code == 200
    assert again.headers["X-RateLimit-Remaining"] == "2"


async def test_429_comes_before_403(make_harness: MakeHarness) -> None:
    harness = await make_harness(plan_limits={"starter": 1, "growth": 1, "enterprise": 1})
    assert (await harness.call("GET", "/api-keys", "guard")).status_code == 403
    assert (await harness.call("GET", "/api-keys", "guard")).status_code == 429


async def test_other_organisation_has_its_own_plan(harness: Harness) -> None:
    response = await harness.call("GET", "/incidents", "other_org")
    assert response.headers["X-RateLimit-Limit"] == "60"


async def test_concurrent_requests_are_counted_exactly(make_harness: MakeHarness) -> None:
    harness = await make_harness(plan_limits={"starter": 25, "growth": 25, "enterprise": 25})
    responses = await asyncio.gather(*(harness.call("GET", "/incidents", "operator") for _ in range(40)))
    codes = sorted(r.status_code for r in responses)
    assert codes.count(200) == 25
    assert codes.count(429) == 15
