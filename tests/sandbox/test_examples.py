"""The contract's example files, reproduced by the sandbox for equivalent data: same keys, same shapes.

Our answers may add keys the assumed examples leave out only when their value is null (the server
always emits every property, with explicit nulls), such as `accuracy_m` of a `GeoPoint`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from sety_console.api.webhooks import verify_signature
from tests.contract import example

from .helpers import START, Harness

pytestmark = pytest.mark.asyncio


def kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def assert_same_shape(ours: Any, theirs: Any, path: str = "$", *, superset: bool = False) -> None:
    """Same keys (recursively) and JSON types; a null on either side matches anything."""
    if ours is None or theirs is None:
        return
    assert kind(ours) == kind(theirs), f"{path}: {kind(ours)} here, {kind(theirs)} in the example"
    if isinstance(theirs, dict) and path.endswith(".metadata"):
        return  # free-form pairs
    if isinstance(theirs, dict):
        missing = set(theirs) - set(ours)
        assert not missing, f"{path}: missing {sorted(missing)}"
        if not superset:
            extra = {k for k in set(ours) - set(theirs) if ours[k] is not None}
            assert not extra, f"{path}: keys not in the example: {sorted(extra)}"
        for key in theirs:
            assert_same_shape(ours[key], theirs[key], f"{path}.{key}", superset=superset)
    elif isinstance(theirs, list) and theirs and ours:
        for item in ours[:3]:
            assert_same_shape(item, theirs[0], f"{path}[]", superset=superset)


async def ok(harness: Harness, method: str, path: str, role: str | None = "admin", **kwargs: Any) -> Any:
    response = await harness.call(method, path, role, **kwargs)
    assert 200 <= response.status_code < 300, response.text
    return response.json() if response.content else None


async def test_incident_examples(harness: Harness) -> None:
    await ok(
        harness,
        "POST",
        "/webhooks",
        json=example("createWebhookEndpoint.request") | {"url": "http://h.test/x"},
    )
    created = await ok(harness, "POST", "/incidents", json=example("createIncident.request"))
    assert_same_shape(created, example("createIncident.response"))
    assert_same_shape(created, example("create-incident-response"), superset=True)
    incident_id = created["incident"]["incident_id"]
    for _ in range(120):
        current = await ok(harness, "GET", f"/incidents/{incident_id}")
        if current["status"] == "responding":
            break
        harness.clock.advance(2)
    note = await ok(
        harness, "POST", f"/incidents/{incident_id}/notes", json=example("addIncidentNote.request")
    )
    assert_same_shape(note, example("addIncidentNote.response"))
    assert_same_shape(await ok(harness, "GET", f"/incidents/{incident_id}"), example("getIncident.response"))
    assert_same_shape(await ok(harness, "GET", "/incidents"), example("listIncidents.response"))
    other = (await ok(harness, "POST", "/incidents", json=example("create-incident-request")))["incident"]
    harness.clock.advance(2)
    cancelled = await ok(
        harness, "POST", f"/incidents/{other['incident_id']}/cancel", json=example("cancelIncident.request")
    )
    assert_same_shape(cancelled, example("cancelIncident.response"))
    await harness.drain_webhooks()
    changed = [r for r in harness.receiver.requests if r.headers["X-Sety-Event"] == "incident.status_changed"]
    assert_same_shape(
        harness.receiver.payloads()[harness.receiver.requests.index(changed[0])],
        example("webhook-incident.status_changed"),
    )


async def test_access_examples(harness: Harness) -> None:
    code = await ok(harness, "POST", "/access-codes", "guard", json=example("createAccessCode.request"))
    assert_same_shape(code, example("createAccessCode.response"))
    harness.clock.advance((START.replace(day=11, hour=10, minute=2) - START).total_seconds())
    verdict = await ok(harness, "POST", "/access-codes/validate", "guard", json={"code": code["code"]})
    assert verdict["reason"] == "ok"
    assert_same_shape(verdict, example("validateAccessCode.response"))
    body = example("createAccessLog.request") | {"access_code": code["code"]}
    log = await ok(harness, "POST", "/access-logs", "guard", json=body)
    assert_same_shape(log, example("createAccessLog.response"))
    await ok(
        harness,
        "POST",
        "/access-logs",
        "guard",
        json={"visitor_name": "Musa", "host_name": "Office", "gate": "Gate B"},
    )
    assert_same_shape(
        await ok(harness, "GET", "/access-logs/current", "guard"), example("listCurrentVisitors.response")
    )
    harness.clock.advance(timedelta(minutes=94).total_seconds())
    out = await ok(
        harness,
        "PATCH",
        f"/access-logs/{log['log_id']}/checkout",
        "guard",
        json=example("checkoutVisitor.request"),
    )
    assert_same_shape(out, example("checkoutVisitor.response"))
    assert_same_shape(await ok(harness, "GET", "/access-logs", "guard"), example("listAccessLogs.response"))
    stats = await ok(harness, "GET", "/access-logs/stats?from_date=2026-03-04&to_date=2026-03-11", "guard")
    assert_same_shape(stats, example("getAccessLogStats.response"))
    spare = await ok(harness, "POST", "/access-codes", "guard", json=example("createAccessCode.request"))
    revoked = await ok(harness, "POST", f"/access-codes/{spare['code_id']}/revoke", "guard")
    assert_same_shape(revoked, example("revokeAccessCode.response"))
    assert_same_shape(await ok(harness, "GET", "/access-codes", "guard"), example("listAccessCodes.response"))


async def test_admin_examples(harness: Harness) -> None:
    key = await ok(harness, "POST", "/api-keys", json=example("createApiKey.request"))
    assert_same_shape(key, example("createApiKey.response"))
    assert_same_shape(await ok(harness, "GET", "/api-keys"), example("listApiKeys.response"))
    assert_same_shape(
        await ok(harness, "DELETE", f"/api-keys/{key['key_id']}"), example("revokeApiKey.response")
    )
    hook = await ok(harness, "POST", "/webhooks", json=example("createWebhookEndpoint.request"))
    assert_same_shape(hook, example("createWebhookEndpoint.response"))
    assert_same_shape(await ok(harness, "GET", "/webhooks"), example("listWebhookEndpoints.response"))
    await ok(harness, "POST", "/incidents", json=example("createIncident.request"))
    harness.clock.advance(2)  # dispatching: a status change the endpoint subscribes to
    await harness.drain_webhooks()
    deliveries = await ok(harness, "GET", f"/webhooks/{hook['endpoint_id']}/deliveries")
    assert_same_shape(deliveries, example("listWebhookDeliveries.response"))
    request = harness.receiver.requests[0]
    verify_signature(hook["secret"], request.headers["X-Sety-Signature"], request.content)


async def test_intel_examples(demo: Harness) -> None:
    zones = await ok(demo, "GET", "/danger-zones", "operator")
    assert zones["data"]
    assert_same_shape(zones, example("listDangerZones.response"))
    point = "lat=6.5095&lng=3.3841"
    assert_same_shape(
        await ok(demo, "GET", f"/danger-zones/analytics?{point}", "operator"),
        example("getDangerAnalytics.response"),
    )
    assert_same_shape(
        await ok(demo, "GET", "/heatmap?bbox=3.34,6.48,3.40,6.53", "operator"), example("getHeatmap.response")
    )
    assert_same_shape(
        await ok(demo, "GET", "/safety/score?lat=6.5244&lng=3.3792", "operator"),
        example("getSafetyScore.response"),
    )
    route = "origin=6.5095,3.3841&destination=6.4281,3.4219&waypoints=6.4969,3.3515|6.4474,3.4746"
    assert_same_shape(
        await ok(demo, "GET", f"/safety/route?{route}", "operator"), example("getRouteSafety.response")
    )


async def test_error_and_header_examples(harness: Harness) -> None:
    bad = await harness.call(
        "POST",
        "/incidents",
        "operator",
        json={"category": "sos", "subject": {"name": "A"}, "location": {"coordinates": [200, 6.5]}},
    )
    assert_same_shape(bad.json(), example("error-400"))
    assert_same_shape((await harness.call("GET", "/incidents", None)).json(), example("error-401"))
    assert_same_shape(
        (await harness.call("POST", "/incidents", "supervisor", json={})).json(), example("error-403")
    )
    missing = (await harness.call("GET", "/incidents/inc_nope000000000000", "operator")).json()
    assert_same_shape(missing, example("error-404"), superset=True)
    assert missing["message"] == example("error-404")["message"]
    made = await ok(harness, "POST", "/incidents", "operator", json=example("createIncident.request"))
    await ok(harness, "POST", f"/incidents/{made['incident']['incident_id']}/cancel", "operator")
    conflict = await harness.call("POST", f"/incidents/{made['incident']['incident_id']}/cancel", "operator")
    assert_same_shape(conflict.json(), example("error-409"))
    headers = (await harness.call("GET", "/incidents", "operator")).headers
    sample = example("rate-limit-headers")
    assert_same_shape(
        {k: int(headers[k]) if k != "X-RateLimit-Reset" else headers[k] for k in sample}, sample
    )
    assert_same_shape((await ok(harness, "GET", "/health", None)), example("health"))
