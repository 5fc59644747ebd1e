"""Every operation sends the method, path, query and body the contract specifies, and parses its answer."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from sety_console.api import SetyClient, models
from sety_console.api.models import (
    CreateAccessCodeRequest,
    CreateAccessLogRequest,
    CreateApiKeyRequest,
    CreateIncidentRequest,
    CreateWebhookEndpointRequest,
    IncidentStatus,
    Severity,
)
from tests.api.conftest import API_KEY, FakeServer, Harness, reply
from tests.api.contract_check import (
    check_body,
    check_query_value,
    operation,
    query_parameters,
    snake_case,
    success_schema,
    success_statuses,
)
from tests.contract import example, operations

INC = "inc_h3t8w1ne6vb0ys5c"
CODE = "acc_8xv2c6mb0qn4tl7r"
LOG = "log_3nf7z1wk9ud5qa0m"
KEY = "key_2kf6w9ad4hj0sy7p"
HOOK = "wh_4nj8s2yv6cz0qk1m"
LAGOS = timezone(timedelta(hours=1))


@dataclass
class Call:
    invoke: Callable[[SetyClient], Awaitable[Any]]
    response: str | None  # example file stem served as the answer; None: no body
    status: int = 200
    ids: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    body: Any = None


CALLS: dict[str, Call] = {
    "healthCheck": Call(lambda c: c.health_check(), "health"),
    "createIncident": Call(
        lambda c: c.create_incident(CreateIncidentRequest.model_validate(example("createIncident.request"))),
        "createIncident.response",
        status=201,
        body=example("createIncident.request"),
    ),
    "listIncidents": Call(
        lambda c: c.list_incidents(
            status=[IncidentStatus.responding, "on_scene"],
            category="sos",
            severity=[Severity.high, Severity.critical],
            from_date=date(2026, 3, 1),
            to_date=datetime(2026, 3, 10, 23, 59, 59, 999000, tzinfo=UTC),
            updated_since=datetime(2026, 3, 10, 19, 0, 0, 250000, tzinfo=LAGOS),
            page=2,
            limit=50,
        ),
        "listIncidents.response",
        query={
            "status": "responding,on_scene",
            "category": "sos",
            "severity": "high,critical",
            "from_date": "2026-03-01",
            "to_date": "2026-03-10T23:59:59.999Z",
            "updated_since": "2026-03-10T18:00:00.250Z",
            "page": "2",
            "limit": "50",
        },
    ),
    "getIncident": Call(lambda c: c.get_incident(INC), "getIncident.response", ids={"incidentId": INC}),
    "cancelIncident": Call(
        lambda c: c.cancel_incident(INC, **example("cancelIncident.request")),
        "cancelIncident.response",
        ids={"incidentId": INC},
        body=example("cancelIncident.request"),
    ),
    "addIncidentNote": Call(
        lambda c: c.add_incident_note(INC, **example("addIncidentNote.request")),
        "addIncidentNote.response",
        status=201,
        ids={"incidentId": INC},
        body=example("addIncidentNote.request"),
    ),
    "createAccessCode": Call(
        lambda c: c.create_access_code(
            CreateAccessCodeRequest.model_validate(example("createAccessCode.request"))
        ),
        "createAccessCode.response",
        status=201,
        body=example("createAccessCode.request"),
    ),
    "listAccessCodes": Call(
        lambda c: c.list_access_codes(status=["active", "used"], page=1, limit=20),
        "listAccessCodes.response",
        query={"status": "active,used", "page": "1", "limit": "20"},
    ),
    "validateAccessCode": Call(
        lambda c: c.validate_access_code("482913"),
        "validateAccessCode.response",
        body=example("validateAccessCode.request"),
    ),
    "revokeAccessCode": Call(
        lambda c: c.revoke_access_code(CODE), "revokeAccessCode.response", ids={"codeId": CODE}
    ),
    "listAccessLogs": Call(
        lambda c: c.list_access_logs(
            status="checked_in",
            gate="Main Gate",
            from_date=date(2026, 3, 1),
            to_date=date(2026, 3, 10),
            search="Eze",
            page=3,
            limit=100,
        ),
        "listAccessLogs.response",
        query={
            "status": "checked_in",
            "gate": "Main Gate",
            "from_date": "2026-03-01",
            "to_date": "2026-03-10",
            "search": "Eze",
            "page": "3",
            "limit": "100",
        },
    ),
    "createAccessLog": Call(
        lambda c: c.create_access_log(
            CreateAccessLogRequest.model_validate(example("createAccessLog.request"))
        ),
        "createAccessLog.response",
        status=201,
        body=example("createAccessLog.request"),
    ),
    "getAccessLogStats": Call(
        lambda c: c.get_access_log_stats(
            from_date=datetime(2026, 3, 4, tzinfo=UTC), to_date=date(2026, 3, 10), gate="Gate B"
        ),
        "getAccessLogStats.response",
        query={"from_date": "2026-03-04T00:00:00.000Z", "to_date": "2026-03-10", "gate": "Gate B"},
    ),
    "listCurrentVisitors": Call(
        lambda c: c.list_current_visitors(gate="Main Gate"),
        "listCurrentVisitors.response",
        query={"gate": "Main Gate"},
    ),
    "checkoutVisitor": Call(
        lambda c: c.checkout_visitor(LOG, **example("checkoutVisitor.request")),
        "checkoutVisitor.response",
        ids={"logId": LOG},
        body=example("checkoutVisitor.request"),
    ),
    "listDangerZones": Call(
        lambda c: c.list_danger_zones(
            lat=6.5095, lng=3.3841, radius_km=2, min_risk_level="high", page=1, limit=25
        ),
        "listDangerZones.response",
        query={
            "lat": "6.5095",
            "lng": "3.3841",
            "radius_km": "2",
            "min_risk_level": "high",
            "page": "1",
            "limit": "25",
        },
    ),
    "getDangerAnalytics": Call(
        lambda c: c.get_danger_analytics(6.5095, 3.3841, radius_km=1.5, days=30),
        "getDangerAnalytics.response",
        query={"lat": "6.5095", "lng": "3.3841", "radius_km": "1.5", "days": "30"},
    ),
    "getHeatmap": Call(
        lambda c: c.get_heatmap(
            bbox=(3.34, 6.48, 3.40, 6.53),
            from_date=date(2026, 1, 1),
            to_date=date(2026, 3, 10),
            category=["sos", "vehicle"],
            severity="critical",
            grid_meters=500,
        ),
        "getHeatmap.response",
        query={
            "bbox": "3.34,6.48,3.4,6.53",
            "from_date": "2026-01-01",
            "to_date": "2026-03-10",
            "category": "sos,vehicle",
            "severity": "critical",
            "grid_meters": "500",
        },
    ),
    "getSafetyScore": Call(
        lambda c: c.get_safety_score(6.5244, 3.3792, radius_km=0.5),
        "getSafetyScore.response",
        query={"lat": "6.5244", "lng": "3.3792", "radius_km": "0.5"},
    ),
    "getRouteSafety": Call(
        lambda c: c.get_route_safety(
            (6.5095, 3.3841),
            (6.4281, 3.4219),
            waypoints=[(6.4969, 3.3515), (6.4474, 3.4746)],
            departure_time=datetime(2026, 3, 10, 19, 30, tzinfo=LAGOS),
        ),
        "getRouteSafety.response",
        query={
            "origin": "6.5095,3.3841",
            "destination": "6.4281,3.4219",
            "waypoints": "6.4969,3.3515|6.4474,3.4746",
            "departure_time": "2026-03-10T18:30:00.000Z",
        },
    ),
    "listApiKeys": Call(
        lambda c: c.list_api_keys(page=1, limit=10),
        "listApiKeys.response",
        query={"page": "1", "limit": "10"},
    ),
    "createApiKey": Call(
        lambda c: c.create_api_key(CreateApiKeyRequest.model_validate(example("createApiKey.request"))),
        "createApiKey.response",
        status=201,
        body=example("createApiKey.request"),
    ),
    "revokeApiKey": Call(lambda c: c.revoke_api_key(KEY), "revokeApiKey.response", ids={"keyId": KEY}),
    "listWebhookEndpoints": Call(
        lambda c: c.list_webhook_endpoints(page=2, limit=5),
        "listWebhookEndpoints.response",
        query={"page": "2", "limit": "5"},
    ),
    "createWebhookEndpoint": Call(
        lambda c: c.create_webhook_endpoint(
            CreateWebhookEndpointRequest.model_validate(example("createWebhookEndpoint.request"))
        ),
        "createWebhookEndpoint.response",
        status=201,
        body=example("createWebhookEndpoint.request"),
    ),
    "deleteWebhookEndpoint": Call(
        lambda c: c.delete_webhook_endpoint(HOOK), None, status=204, ids={"endpointId": HOOK}
    ),
    "listWebhookDeliveries": Call(
        lambda c: c.list_webhook_deliveries(HOOK, status="failed", page=1, limit=50),
        "listWebhookDeliveries.response",
        ids={"endpointId": HOOK},
        query={"status": "failed", "page": "1", "limit": "50"},
    ),
}


def test_every_contract_operation_has_a_client_coroutine_and_a_test() -> None:
    operation_ids = {op["operationId"] for _, _, op in operations()}
    assert set(CALLS) == operation_ids
    for operation_id in operation_ids:
        method = getattr(SetyClient, snake_case(operation_id), None)
        assert method is not None, f"SetyClient has no {snake_case(operation_id)}()"
        assert asyncio.iscoroutinefunction(method), snake_case(operation_id)


@pytest.mark.asyncio
@pytest.mark.parametrize("operation_id", sorted(CALLS))
async def test_operation_request_and_answer_follow_the_contract(
    operation_id: str, harness: Harness, server: FakeServer
) -> None:
    call = CALLS[operation_id]
    method, template, op = operation(operation_id)
    assert call.status in success_statuses(op)
    server.queue(reply(call.status, example(call.response) if call.response else None))

    async with harness.client() as client:
        result = await call.invoke(client)

    request = server.last
    assert request.method == method
    assert request.url.path == "/v1/external" + template.format(**call.ids)
    sent_query = dict(request.url.params)
    assert sent_query == call.query
    declared = query_parameters(op)
    for name, value in sent_query.items():
        check_query_value(declared[name], value)
    required = {name for name, p in declared.items() if p.get("required")}
    assert required <= set(sent_query)
    if call.body is None:
        assert request.content == b""
    else:
        assert request.headers["Content-Type"] == "application/json"
        assert FakeServer.body(request) == _without_nulls(call.body)
        check_body(op, FakeServer.body(request))
    schema = success_schema(op, call.status)
    if schema is None:
        assert result is None
    else:
        assert call.response is not None  # an answer with a schema is served from an example file
        model = getattr(models, schema)
        assert isinstance(result, model)
        assert result.model_dump() == model.model_validate(example(call.response)).model_dump()


@pytest.mark.asyncio
async def test_every_request_carries_the_key_and_accepts_json(harness: Harness, server: FakeServer) -> None:
    server.queue(reply(200, example("listIncidents.response")))
    async with harness.client() as client:
        await client.list_incidents()
    request = server.last
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert request.headers["Accept"] == "application/json"
    assert request.headers["User-Agent"].startswith("sety-console/")
    assert request.url.scheme == "https"


@pytest.mark.asyncio
async def test_no_key_sends_no_authorization(harness: Harness, server: FakeServer) -> None:
    server.queue(reply(200, example("health")))
    async with harness.client(api_key=None) as client:
        await client.health_check()
    assert "Authorization" not in server.last.headers


@pytest.mark.asyncio
async def test_optional_bodies_and_filters_are_left_out(harness: Harness, server: FakeServer) -> None:
    server.queue(
        reply(200, example("cancelIncident.response")),
        reply(200, example("checkoutVisitor.response")),
        reply(200, example("listIncidents.response")),
    )
    async with harness.client() as client:
        await client.cancel_incident(INC)
        await client.checkout_visitor(LOG)
        await client.list_incidents(status=[], category=None)
    cancel, checkout, listing = server.requests
    assert FakeServer.body(cancel) == {}
    assert FakeServer.body(checkout) == {}
    assert dict(listing.url.params) == {}


@pytest.mark.asyncio
async def test_ids_are_escaped_in_paths(harness: Harness, server: FakeServer) -> None:
    server.queue(reply(200, example("getIncident.response")))
    async with harness.client() as client:
        await client.get_incident("inc_x/../../api-keys")
    assert server.last.url.raw_path == b"/v1/external/incidents/inc_x%2F..%2F..%2Fapi-keys"


def test_key_never_shows_in_repr() -> None:
    client = SetyClient("https://intel-api.sety.io/v1/external", API_KEY)
    assert API_KEY not in repr(client)
    asyncio.run(client.aclose())


def test_bad_base_url_or_key_is_refused_at_construction() -> None:
    with pytest.raises(ValueError, match="http"):
        SetyClient("ftp://example.org", API_KEY)
    with pytest.raises(ValueError, match="API key") as caught:
        SetyClient("https://example.org", "sety_test_abc\ndef")
    assert "sety_test_abc" not in str(caught.value)


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value
