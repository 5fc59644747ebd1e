"""The Sety contract under `/v1/external`, answered for workstations.

Reads of the live picture (incident lists the picture covers, one incident, visitors inside, danger
zones) come from the hub's memory at no cost to the rate budget; every other read is forwarded to
Sety with the org key (identical reads within a few seconds share one request). Writes are in
`routes_writes`. Administration (API keys, webhooks) is not offered through the hub.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from fastapi import APIRouter, Depends, Request, Response

from sety_console.api.errors import SetyError
from sety_console.api.passthrough import forward

from .access import Caller, require
from .errors import HubError, from_sety
from .query import IncidentQuery, page_and_limit, single_values

if TYPE_CHECKING:
    from .hub import Hub

router = APIRouter()
PICTURE_MAX_AGE_S = 30.0
"""The picture is served while Sety confirmed it this recently; older, the hub says it cannot reach Sety."""

READ_SCOPES = {
    "/access-codes": "access:read",
    "/access-logs": "access:read",
    "/access-logs/stats": "access:read",
    "/danger-zones/analytics": "intel:read",
    "/heatmap": "intel:read",
    "/safety/score": "intel:read",
    "/safety/route": "intel:read",
}


def hub_of(request: Request) -> Hub:
    return request.app.state.hub  # type: ignore[no-any-return]


def json_response(body: str | bytes, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def page_body(documents: list[str], page: int, limit: int) -> str:
    total = len(documents)
    total_pages = math.ceil(total / limit) if total else 0
    chunk = documents[(page - 1) * limit : page * limit]
    pagination = {
        "page": page,
        "limit": limit,
        "total": total,
        "total_pages": total_pages,
        "has_more": page < total_pages,
    }
    return '{"data":[' + ",".join(chunk) + '],"pagination":' + json.dumps(pagination) + "}"


def _require_fresh(hub: Hub, kind: str) -> None:
    store = hub.picture.store(kind)
    at = store.fresh_as_of
    if store.stale or at is None or datetime.now(UTC) - at > timedelta(seconds=PICTURE_MAX_AGE_S):
        raise HubError(
            503,
            "The control-room hub cannot reach the Sety API right now; its picture is not live",
            headers={"Retry-After": "2"},
        )


async def _forward(request: Request, path: str) -> Response:
    hub = hub_of(request)
    params = dict(request.query_params.multi_items())
    if len(params) != len(request.query_params.multi_items()):
        raise HubError(400, "give each parameter once (separate several values with commas)")
    try:
        answer = await hub.reads.get(path, params, lambda: forward(hub.client, "GET", path, params=params))
    except SetyError as error:
        raise from_sety(error) from error
    return json_response(answer.body, answer.status)


@router.get("/health")
async def health() -> Response:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return json_response(f'{{"status":"ok","api_version":"v1","timestamp":"{now}"}}')


@router.get("/incidents")
async def list_incidents(request: Request, caller: Caller = Depends(require("incidents:read"))) -> Response:
    hub = hub_of(request)
    query = IncidentQuery.parse(request.query_params.multi_items())
    if not query.covered(datetime.now(UTC)) or hub.picture.incidents.stale:
        return await _forward(request, "/incidents")
    _require_fresh(hub, "incidents")
    matching = [i for i in hub.picture.incidents if query.matches(i)]
    matching.sort(key=lambda i: (i.created_at, i.incident_id), reverse=True)
    published = hub.picture.published["incidents"]
    documents = [published.get(i.incident_id) or i.model_dump_json(by_alias=True) for i in matching]
    return json_response(page_body(documents, query.page, query.limit))


@router.get("/incidents/{incident_id}")
async def get_incident(
    incident_id: str, request: Request, caller: Caller = Depends(require("incidents:read"))
) -> Response:
    hub = hub_of(request)
    single_values(request.query_params.multi_items(), set())
    incident = hub.picture.incidents.get(incident_id)
    if incident is None or hub.picture.incidents.stale:
        return await _forward(request, f"/incidents/{incident_id}")
    _require_fresh(hub, "incidents")
    return json_response(
        hub.picture.published["incidents"].get(incident_id) or incident.model_dump_json(by_alias=True)
    )


@router.get("/access-logs/current")
async def list_current_visitors(
    request: Request, caller: Caller = Depends(require("access:read"))
) -> Response:
    hub = hub_of(request)
    values = single_values(request.query_params.multi_items(), {"gate"})
    if hub.picture.visitors.stale:
        return await _forward(request, "/access-logs/current")
    _require_fresh(hub, "visitors")
    gate = values.get("gate")
    visitors = [v for v in hub.picture.visitors if gate is None or v.gate == gate]
    visitors.sort(key=lambda v: v.checked_in_at)
    documents = ",".join(v.model_dump_json(by_alias=True) for v in visitors)
    body = f'{{"data":[{documents}],"total":{len(visitors)}}}'
    return json_response(body)


@router.get("/danger-zones")
async def list_danger_zones(request: Request, caller: Caller = Depends(require("intel:read"))) -> Response:
    hub = hub_of(request)
    items = request.query_params.multi_items()
    if any(key not in ("page", "limit") for key, _ in items) or hub.picture.zones.stale:
        return await _forward(request, "/danger-zones")
    page, limit = page_and_limit(single_values(items, {"page", "limit"}))
    zones = sorted(hub.picture.zones, key=lambda z: (-z.risk_score, z.zone_id))
    return json_response(page_body([z.model_dump_json(by_alias=True) for z in zones], page, limit))


def _forwarded_read(path: str, scope: str) -> None:
    async def read(request: Request, caller: Caller = Depends(require(scope))) -> Response:
        return await _forward(request, path)

    router.add_api_route(path, read, methods=["GET"], name=f"forward {path}")


for _path, _scope in READ_SCOPES.items():
    _forwarded_read(_path, _scope)


@router.api_route("/api-keys", methods=["GET", "POST"])
@router.api_route("/api-keys/{key_id}", methods=["DELETE"])
@router.api_route("/webhooks", methods=["GET", "POST"])
@router.api_route("/webhooks/{endpoint_id}", methods=["DELETE"])
@router.api_route("/webhooks/{endpoint_id}/deliveries", methods=["GET"])
async def administration(request: Request, caller: Caller = Depends(require(None))) -> Response:
    raise HubError(
        403,
        "Administration (API keys, webhooks) is not offered through the control-room hub; "
        "use the organisation's key directly",
    )
