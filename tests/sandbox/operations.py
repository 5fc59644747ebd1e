"""Every operation of the contract as a ready-to-send request against a sandbox.

`OPERATIONS[operation_id]` knows the scope and how to make a valid request; when the path names a
resource, `make` creates one (as the demo organisation's admin, test environment) and returns the
path to use.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .helpers import Harness, code_body, incident_body

PathMaker = Callable[[Harness], Awaitable[str]]


@dataclass(frozen=True)
class Operation:
    method: str
    scope: str | None
    path: str | PathMaker
    body: dict[str, Any] | None = None
    query: str = ""

    @property
    def has_resource(self) -> bool:
        return not isinstance(self.path, str)

    async def resolve(self, harness: Harness) -> str:
        path = self.path if isinstance(self.path, str) else await self.path(harness)
        return f"{path}?{self.query}" if self.query else path


async def _incident(harness: Harness) -> str:
    response = await harness.call("POST", "/incidents", "admin", json=incident_body())
    return f"/incidents/{response.json()['incident']['incident_id']}"


async def _code(harness: Harness) -> str:
    response = await harness.call("POST", "/access-codes", "admin", json=code_body())
    return f"/access-codes/{response.json()['code_id']}/revoke"


async def _log(harness: Harness) -> str:
    body = {"visitor_name": "Musa", "host_name": "Office", "gate": "Main Gate"}
    response = await harness.call("POST", "/access-logs", "admin", json=body)
    return f"/access-logs/{response.json()['log_id']}/checkout"


async def _key(harness: Harness) -> str:
    response = await harness.call("POST", "/api-keys", "admin", json={"name": "x", "scopes": ["intel:read"]})
    return f"/api-keys/{response.json()['key_id']}"


async def _endpoint(harness: Harness) -> str:
    body = {"url": "http://hooks.test/x", "events": ["incident.*"]}
    response = await harness.call("POST", "/webhooks", "admin", json=body)
    return f"/webhooks/{response.json()['endpoint_id']}"


async def _cancel(harness: Harness) -> str:
    return f"{await _incident(harness)}/cancel"


async def _note(harness: Harness) -> str:
    return f"{await _incident(harness)}/notes"


async def _deliveries(harness: Harness) -> str:
    return f"{await _endpoint(harness)}/deliveries"


POINT = "lat=6.5095&lng=3.3841"
OPERATIONS: dict[str, Operation] = {
    "healthCheck": Operation("GET", None, "/health"),
    "createIncident": Operation("POST", "incidents:write", "/incidents", incident_body()),
    "listIncidents": Operation("GET", "incidents:read", "/incidents"),
    "getIncident": Operation("GET", "incidents:read", _incident),
    "cancelIncident": Operation("POST", "incidents:write", _cancel, {"reason": "safe"}),
    "addIncidentNote": Operation("POST", "incidents:write", _note, {"message": "on the phone"}),
    "createAccessCode": Operation("POST", "access:write", "/access-codes", code_body()),
    "listAccessCodes": Operation("GET", "access:read", "/access-codes"),
    "validateAccessCode": Operation("POST", "access:read", "/access-codes/validate", {"code": "123456"}),
    "revokeAccessCode": Operation("POST", "access:write", _code),
    "listAccessLogs": Operation("GET", "access:read", "/access-logs"),
    "createAccessLog": Operation(
        "POST",
        "access:write",
        "/access-logs",
        {"visitor_name": "Ada", "host_name": "Flat 2", "gate": "Main Gate"},
    ),
    "getAccessLogStats": Operation("GET", "access:read", "/access-logs/stats"),
    "listCurrentVisitors": Operation("GET", "access:read", "/access-logs/current"),
    "checkoutVisitor": Operation("PATCH", "access:write", _log),
    "listDangerZones": Operation("GET", "intel:read", "/danger-zones"),
    "getDangerAnalytics": Operation("GET", "intel:read", "/danger-zones/analytics", query=POINT),
    "getHeatmap": Operation("GET", "intel:read", "/heatmap", query=POINT),
    "getSafetyScore": Operation("GET", "intel:read", "/safety/score", query=POINT),
    "getRouteSafety": Operation(
        "GET", "intel:read", "/safety/route", query="origin=6.5095,3.3841&destination=6.4281,3.4219"
    ),
    "listApiKeys": Operation("GET", "admin", "/api-keys"),
    "createApiKey": Operation("POST", "admin", "/api-keys", {"name": "CI", "scopes": ["incidents:read"]}),
    "revokeApiKey": Operation("DELETE", "admin", _key),
    "listWebhookEndpoints": Operation("GET", "admin", "/webhooks"),
    "createWebhookEndpoint": Operation(
        "POST", "admin", "/webhooks", {"url": "http://hooks.test/x", "events": ["incident.created"]}
    ),
    "deleteWebhookEndpoint": Operation("DELETE", "admin", _endpoint),
    "listWebhookDeliveries": Operation("GET", "admin", _deliveries),
}
