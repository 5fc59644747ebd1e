"""`POST /hub/v1/webhooks/sety`: where Sety delivers webhooks to the hub (no operator token: signed).

In order: the body is bounded (413 past `MAX_BODY`), the `X-Sety-Signature` checked against the hub's
secrets before anything is parsed (401: missing, malformed, wrong, or more than 300 s away from this
hub's clock), the delivery id and the body's shape checked (400), then the delivery is stored under its
`X-Sety-Delivery` id and answered 200. A repeated id (Sety retrying, or someone replaying a captured
delivery within the tolerance) is answered 200 `{"duplicate": true}` and changes nothing. Applying the
change is the leader's business, after the answer: a delivery never waits for Sety, the database's
other work, or a workstation.
"""

from __future__ import annotations

import asyncio
import json
import re

from fastapi import APIRouter, Request, Response

from sety_console.api.webhooks import DELIVERY_HEADER, SIGNATURE_HEADER

from .errors import HubError
from .push_applier import incident_document
from .push_endpoint import WEBHOOK_PATH
from .routes_contract import hub_of, json_response

router = APIRouter()

MAX_BODY = 1_000_000
DELIVERY_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")


async def _bounded_body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise HubError(413, "The webhook body is too large")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise HubError(413, "The webhook body is too large")
    return body


@router.post(WEBHOOK_PATH)
async def receive_webhook(request: Request) -> Response:
    hub = hub_of(request)
    body = await _bounded_body(request)
    header = request.headers.get(SIGNATURE_HEADER)
    problem = "the X-Sety-Signature header is missing" if header is None else None
    if header is not None:
        problem = await hub.push.verify(header, body)
    if problem is not None:
        hub.push.health.refused_signature()
        raise HubError(401, f"Webhook refused: {problem}")
    delivery_id = request.headers.get(DELIVERY_HEADER, "")
    if not DELIVERY_ID.match(delivery_id):
        raise HubError(400, f"{DELIVERY_HEADER}: a delivery id is required", field=DELIVERY_HEADER)
    try:
        payload = json.loads(body)
    except ValueError:
        raise HubError(400, "The webhook body is not JSON") from None
    event = payload.get("event") if isinstance(payload, dict) else None
    if not isinstance(event, str) or incident_document(payload) is None:
        raise HubError(400, "The webhook body needs an event and data.incident with an incident_id")
    stored = await asyncio.to_thread(hub.push.store, delivery_id, event, body.decode("utf-8", "replace"))
    if not stored:
        hub.push.health.duplicates += 1
        return json_response('{"received":true,"duplicate":true}')
    hub.push.stored()
    return json_response('{"received":true,"duplicate":false}')
