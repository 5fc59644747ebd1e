"""The contract's writes under `/v1/external`: checked here, forwarded once by `writes.Writes`."""

from __future__ import annotations

import json
from collections.abc import Callable

from fastapi import APIRouter, Depends, Request, Response

from sety_console.api.errors import SetyError
from sety_console.api.models import (
    AddNoteRequest,
    CancelIncidentRequest,
    CheckoutVisitorRequest,
    CreateAccessCodeRequest,
    CreateAccessLogRequest,
    CreateIncidentRequest,
)
from sety_console.api.passthrough import forward
from sety_console.core.actions import ActionKind

from .access import Caller, require
from .errors import HubError, bad_request, from_sety
from .routes_contract import hub_of, json_response
from .writes import WriteOp

router = APIRouter()
KEY_HEADER = "Idempotency-Key"


async def _submit(request: Request, caller: Caller, op: WriteOp) -> Response:
    if request.query_params:
        raise bad_request(next(iter(request.query_params)), "unknown query parameter")
    key = request.headers.get(KEY_HEADER)
    if key is not None and not (1 <= len(key) <= 255 and all(0x21 <= ord(c) <= 0x7E for c in key)):
        raise HubError(400, f"{KEY_HEADER}: must be 1 to 255 printable ASCII characters")
    raw = await request.body()
    answer = await hub_of(request).writes.submit(
        op,
        raw,
        operator=caller.operator,
        workstation=caller.workstation,
        acted_at_ms=caller.acted_at_ms,
        key=key,
    )
    return json_response(answer.body, answer.status, answer.headers)


def _route(method: str, path: str, scope: str, build: Callable[[dict[str, str]], WriteOp]) -> None:
    async def write(request: Request, caller: Caller = Depends(require(scope))) -> Response:
        return await _submit(request, caller, build(dict(request.path_params)))

    router.add_api_route(path, write, methods=[method], name=f"{method} {path}")


_route(
    "POST",
    "/incidents",
    "incidents:write",
    lambda p: WriteOp(ActionKind.CREATE_INCIDENT, None, CreateIncidentRequest),
)
_route(
    "POST",
    "/incidents/{incident_id}/cancel",
    "incidents:write",
    lambda p: WriteOp(
        ActionKind.CANCEL_INCIDENT, p["incident_id"], CancelIncidentRequest, body_required=False
    ),
)
_route(
    "POST",
    "/incidents/{incident_id}/notes",
    "incidents:write",
    lambda p: WriteOp(ActionKind.ADD_NOTE, p["incident_id"], AddNoteRequest),
)
_route(
    "POST",
    "/access-codes",
    "access:write",
    lambda p: WriteOp(ActionKind.CREATE_ACCESS_CODE, None, CreateAccessCodeRequest),
)
_route(
    "POST",
    "/access-codes/{code_id}/revoke",
    "access:write",
    lambda p: WriteOp(ActionKind.REVOKE_ACCESS_CODE, p["code_id"], None, body_required=False),
)
_route(
    "POST",
    "/access-logs",
    "access:write",
    lambda p: WriteOp(ActionKind.CHECK_IN, None, CreateAccessLogRequest),
)
_route(
    "PATCH",
    "/access-logs/{log_id}/checkout",
    "access:write",
    lambda p: WriteOp(ActionKind.CHECK_OUT, p["log_id"], CheckoutVisitorRequest, body_required=False),
)


@router.post("/access-codes/validate")
async def validate_access_code(
    request: Request, caller: Caller = Depends(require("access:read"))
) -> Response:
    """A read-only POST: forwarded as is (never retried, never stored)."""
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else None
    except ValueError:
        raise HubError(400, "The request body is not valid JSON") from None
    try:
        answer = await forward(
            hub_of(request).client, "POST", "/access-codes/validate", body=body, retry=False
        )
    except SetyError as error:
        raise from_sety(error) from error
    return json_response(answer.body, answer.status)
