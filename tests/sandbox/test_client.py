"""The project's own `SetyClient` against the sandbox, one call (at least) per operation of the contract."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio

from sety_console.api import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitedError,
    RetryPolicy,
    SetyClient,
)
from sety_console.api.models import (
    CreateAccessCodeRequest,
    CreateAccessLogRequest,
    CreateApiKeyRequest,
    CreateIncidentRequest,
    CreateWebhookEndpointRequest,
)
from sety_console.sandbox.accounts import DEMO_ORG_ID
from tests.contract import operations

from .conftest import MakeHarness
from .helpers import PREFIX, START, Harness, code_body, incident_body

pytestmark = pytest.mark.asyncio

CALLED: set[str] = set()


class Recorder:
    """Wraps a client and notes which operations were called."""

    def __init__(self, client: SetyClient) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        CALLED.add(name)
        return getattr(self._client, name)


@pytest_asyncio.fixture
async def clients(demo: Harness) -> AsyncIterator[dict[str, Any]]:
    """One client per role, talking to the in-process sandbox through `httpx.ASGITransport`."""
    made: dict[str, Any] = {}
    for role, key in demo.keys.items():
        client = SetyClient(
            "http://sandbox.test" + PREFIX,
            key,
            transport=httpx.ASGITransport(app=demo.app),
            retry=RetryPolicy(max_attempts=1),
        )
        await client.__aenter__()
        made[role] = Recorder(client)
    made["harness"] = demo
    yield made
    for role in demo.keys:
        await made[role]._client.__aexit__(None, None, None)


def snake(operation_id: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", operation_id).lower()


async def test_incident_operations(clients: dict[str, Any]) -> None:
    operator, harness = clients["operator"], clients["harness"]
    assert (await operator.health_check()).status == "ok"
    request = CreateIncidentRequest.model_validate(incident_body(idempotency_key="client-1"))
    created = await operator.create_incident(request)
    assert (created.http_status, created.idempotent) == (201, False)
    replay = await operator.create_incident(request)
    assert (replay.http_status, replay.incident.incident_id) == (200, created.incident.incident_id)
    incident_id = created.incident.incident_id
    page = await operator.list_incidents(status=["created"], severity="critical", limit=5)
    assert [i.incident_id for i in page.data] == [incident_id]
    since = await operator.list_incidents(updated_since=START - timedelta(minutes=10), limit=100)
    assert incident_id in {i.incident_id for i in since.data}
    seen = []
    async for incident in operator.iter_incidents(from_date=date(2026, 3, 8), limit=50):
        seen.append(incident.incident_id)
    assert incident_id in seen
    assert len(seen) == len(set(seen)) > 50
    harness.clock.advance(2)
    note = await operator.add_incident_note(incident_id, "Caller is hiding in a shop", author="Desk 2")
    assert note.event.value == "note_added"
    got = await operator.get_incident(incident_id)
    assert got.timeline[-1].message == "Caller is hiding in a shop"
    cancelled = await operator.cancel_incident(incident_id, reason="Caller is safe")
    assert cancelled.status.value == "cancelled"
    with pytest.raises(ConflictError):
        await operator.cancel_incident(incident_id)
    with pytest.raises(NotFoundError):
        await clients["other_org"].get_incident(incident_id)


async def test_access_operations(clients: dict[str, Any]) -> None:
    guard, harness = clients["guard"], clients["harness"]
    code = await guard.create_access_code(CreateAccessCodeRequest.model_validate(code_body()))
    assert code.status.value == "active"
    assert (await guard.validate_access_code(code.code)).valid is True
    listed = await guard.list_access_codes(status=["active"], limit=100)
    assert code.code_id in {c.code_id for c in listed.data}
    log = await guard.create_access_log(CreateAccessLogRequest(access_code=code.code, gate="Main Gate"))
    assert log.method.value == "access_code"
    inside = await guard.list_current_visitors(gate="Main Gate")
    assert log.log_id in {v.log_id for v in inside.data}
    harness.clock.advance(45 * 60)
    out = await guard.checkout_visitor(log.log_id, checkout_notes="Left", checkout_gate="North Gate")
    assert out.duration_minutes == 45.0
    found = await guard.list_access_logs(search="emeka", status="checked_out")
    assert log.log_id in {v.log_id for v in found.data}
    stats = await guard.get_access_log_stats(from_date=date(2026, 3, 1), to_date=date(2026, 3, 10))
    assert stats.total_visits > 0
    assert len(stats.by_hour) == 24
    spare = await guard.create_access_code(CreateAccessCodeRequest.model_validate(code_body()))
    assert (await guard.revoke_access_code(spare.code_id)).status.value == "revoked"
    with pytest.raises(BadRequestError) as refused:
        await guard.create_access_log(CreateAccessLogRequest(access_code=code.code, gate="Main Gate"))
    assert refused.value.field == "access_code"


async def test_intel_operations(clients: dict[str, Any]) -> None:
    supervisor = clients["supervisor"]
    zones = await supervisor.list_danger_zones(lat=6.5095, lng=3.3841, radius_km=5, min_risk_level="moderate")
    assert zones.data
    analytics = await supervisor.get_danger_analytics(6.5095, 3.3841, radius_km=2, days=30)
    assert analytics.period_days == 30
    box = await supervisor.get_heatmap(bbox=(3.30, 6.40, 3.50, 6.60), grid_meters=500, category=["sos"])
    assert box.total_incidents > 0
    around = await supervisor.get_heatmap(lat=6.5095, lng=3.3841, radius_km=1)
    assert around.points
    score = await supervisor.get_safety_score(6.5244, 3.3792)
    assert 0 <= score.score <= 100
    route = await supervisor.get_route_safety(
        (6.5095, 3.3841),
        (6.4281, 3.4219),
        waypoints=[(6.4969, 3.3515)],
        departure_time=datetime(2026, 3, 10, 20, 0, tzinfo=UTC),
    )
    assert route.segments


async def test_admin_operations(clients: dict[str, Any]) -> None:
    admin = clients["admin"]
    key = await admin.create_api_key(
        CreateApiKeyRequest.model_validate({"name": "CI", "scopes": ["intel:read"]})
    )
    assert key.key.startswith("sety_test_")
    assert key.key_id in {k.key_id for k in (await admin.list_api_keys(limit=100)).data}
    assert (await admin.revoke_api_key(key.key_id)).revoked is True
    endpoint = await admin.create_webhook_endpoint(
        CreateWebhookEndpointRequest.model_validate(
            {"url": "http://hooks.test/x", "events": ["incident.created"]}
        )
    )
    assert endpoint.secret.startswith("whsec_")
    assert [e.endpoint_id for e in (await admin.list_webhook_endpoints()).data] == [endpoint.endpoint_id]
    assert (await admin.list_webhook_deliveries(endpoint.endpoint_id, status="pending")).data == []
    await admin.delete_webhook_endpoint(endpoint.endpoint_id)
    with pytest.raises(NotFoundError):
        await admin.list_webhook_deliveries(endpoint.endpoint_id)


async def test_every_operation_was_called() -> None:
    if not CALLED:
        pytest.skip("needs the other tests of this module to run first")
    expected = {snake(op["operationId"]) for _, _, op in operations()}
    assert len(expected) == 27
    missing = expected - CALLED
    assert not missing, f"not exercised through SetyClient: {sorted(missing)}"


async def test_client_errors_map_to_typed_exceptions(make_harness: MakeHarness) -> None:
    harness = await make_harness(plan_limits={"starter": 2, "growth": 2, "enterprise": 2})

    def client(key: str | None) -> SetyClient:
        transport = httpx.ASGITransport(app=harness.app)
        return SetyClient(
            "http://sandbox.test" + PREFIX, key, transport=transport, retry=RetryPolicy(max_attempts=1)
        )

    async with client("sety_test_" + "0" * 32) as unknown:
        with pytest.raises(AuthenticationError):
            await unknown.list_incidents()
    async with client(harness.keys["guard"]) as guard:
        with pytest.raises(PermissionDeniedError) as denied:
            await guard.list_incidents()
        assert "incidents:read" in str(denied.value)
    async with client(harness.keys["operator"]) as operator:
        await operator.list_incidents()
        await operator.list_incidents()
    async with client(harness.keys["operator"]) as fresh:  # a fresh budget: the server has to refuse
        with pytest.raises(RateLimitedError) as limited:
            await fresh.list_incidents()
        assert limited.value.status == 429
    harness.sandbox.set_suspended(DEMO_ORG_ID, True)
    async with client(harness.keys["supervisor"]) as supervisor:
        with pytest.raises(PaymentRequiredError):
            await supervisor.list_incidents()
