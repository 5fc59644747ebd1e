"""Access codes: create, list, validate (without using), revoke."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from sety_console.api.models import (
    AccessCodeStatus,
    CreateAccessCodeRequest,
    Known,
    ValidateAccessCodeRequest,
)

from .. import access_store
from ..auth import Caller, require, sandbox_of
from ..clock import to_ms
from ..responses import model_response, page_of_models
from ..validation import CommaList, PageQuery, no_query, parse_body, parse_query
from .common import raw_body

router = APIRouter(tags=["Access Codes"])


class AccessCodeListQuery(PageQuery):
    status: CommaList[Known[AccessCodeStatus]] | None = None


@router.post("/access-codes")
def create_access_code(
    request: Request, caller: Caller = Depends(require("access:write")), body: bytes = Depends(raw_body)
) -> Response:
    no_query(request)
    payload = parse_body(body, CreateAccessCodeRequest)
    sandbox = sandbox_of(request)
    keyed = sandbox.idempotency.keyed(request, caller, body, 201)
    code = sandbox.access.create_code(caller.org_id, caller.environment, payload, keyed)
    return model_response(code, status=201)


@router.get("/access-codes")
def list_access_codes(request: Request, caller: Caller = Depends(require("access:read"))) -> Response:
    query = parse_query(request, AccessCodeListQuery)
    sandbox = sandbox_of(request)
    now_ms = to_ms(sandbox.clock.now())
    statuses = [s.value for s in query.status or ()]
    with sandbox.db.session() as session:
        rows, total = access_store.list_codes(
            session, caller.org_id, caller.environment, statuses, now_ms, query.page, query.limit
        )
        items = [access_store.code_model(row, now_ms) for row in rows]
    return page_of_models(items, query.page, query.limit, total)


@router.post("/access-codes/validate")
def validate_access_code(
    request: Request, caller: Caller = Depends(require("access:read")), body: bytes = Depends(raw_body)
) -> Response:
    no_query(request)
    payload = parse_body(body, ValidateAccessCodeRequest)
    return model_response(
        sandbox_of(request).access.validate(caller.org_id, caller.environment, payload.code)
    )


@router.post("/access-codes/{code_id}/revoke")
def revoke_access_code(
    code_id: str,
    request: Request,
    caller: Caller = Depends(require("access:write")),
    body: bytes = Depends(raw_body),
) -> Response:
    no_query(request)
    sandbox = sandbox_of(request)
    keyed = sandbox.idempotency.keyed(request, caller, body, 200)
    return model_response(sandbox.access.revoke(caller.org_id, caller.environment, code_id, keyed))
