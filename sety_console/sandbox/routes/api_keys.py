"""API keys: list (both environments), create (secret shown once), revoke."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request, Response

from sety_console.api.models import CreateApiKeyRequest

from .. import accounts
from ..auth import Caller, require, sandbox_of
from ..clock import to_ms
from ..errors import ApiError, not_found
from ..idempotency import claim, remember
from ..responses import answer_json, model_response, page_of_models
from ..tables import ApiKeyRow
from ..validation import PageQuery, no_query, parse_body, parse_query
from .common import raw_body

router = APIRouter(tags=["API Keys"])


@router.get("/api-keys")
def list_api_keys(request: Request, caller: Caller = Depends(require("admin"))) -> Response:
    query = parse_query(request, PageQuery)
    sandbox = sandbox_of(request)
    with sandbox.db.session() as session:
        rows, total = accounts.list_keys(session, caller.org_id, query.page, query.limit)
        items = [accounts.key_model(row, sandbox.keys.last_used(row.key_id)) for row in rows]
    return page_of_models(items, query.page, query.limit, total)


@router.post("/api-keys")
def create_api_key(
    request: Request, caller: Caller = Depends(require("admin")), body: bytes = Depends(raw_body)
) -> Response:
    no_query(request)
    if caller.environment == "test" and _asks_for_live(body):  # 403 comes before 400
        raise ApiError(403, "A sety_test_ key may only create test keys")
    payload = parse_body(body, CreateApiKeyRequest)
    environment = payload.environment.value if payload.environment else caller.environment
    sandbox = sandbox_of(request)
    keyed = sandbox.idempotency.keyed(request, caller, body, 201)
    scopes = [s.value for s in payload.scopes]
    with sandbox.db.session() as session:
        claim(keyed, session)
        row, plaintext = accounts.mint_key(
            session, caller.org_id, environment, payload.name, scopes, to_ms(sandbox.clock.now())
        )
        created = accounts.created_key_model(row, plaintext)
        remember(keyed, session, answer_json(created))
    return model_response(created, status=201)


@router.delete("/api-keys/{key_id}")
def revoke_api_key(key_id: str, request: Request, caller: Caller = Depends(require("admin"))) -> Response:
    no_query(request)
    sandbox = sandbox_of(request)
    with sandbox.db.session() as session:
        row = session.get(ApiKeyRow, key_id)
        if row is None or row.org_id != caller.org_id:
            raise not_found("API key")
        if caller.environment == "test" and row.environment == "live":
            raise ApiError(403, "A sety_test_ key may not revoke live keys")
        if row.revoked:
            raise ApiError(409, "API key is already revoked")
        row.revoked = True
        key_hash = row.key_hash
        revoked = accounts.key_model(row, sandbox.keys.last_used(row.key_id))
    sandbox.keys.forget_key(key_hash)
    return model_response(revoked)


def _asks_for_live(body: bytes) -> bool:
    try:
        data = json.loads(body)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("environment") == "live"
