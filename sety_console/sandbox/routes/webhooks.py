"""Webhook endpoints: list, create (secret shown once), delete; the delivery log of one endpoint."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request, Response

from sety_console.api.models import (
    CreateWebhookEndpointRequest,
    Known,
    WebhookDeliveryStatus,
    WebhookEndpointCreated,
)

from .. import webhook_store
from ..auth import Caller, require, sandbox_of
from ..clock import to_ms
from ..errors import bad_request, not_found
from ..idempotency import claim, remember
from ..ids import new_id, new_webhook_secret
from ..responses import answer_json, model_response, page_of_models
from ..tables import WebhookEndpointRow
from ..validation import PageQuery, no_query, parse_body, parse_query
from .common import raw_body

router = APIRouter(tags=["Webhooks"])


class DeliveryListQuery(PageQuery):
    status: Known[WebhookDeliveryStatus] | None = None


@router.get("/webhooks")
def list_webhook_endpoints(request: Request, caller: Caller = Depends(require("admin"))) -> Response:
    query = parse_query(request, PageQuery)
    with sandbox_of(request).db.session() as session:
        rows, total = webhook_store.list_endpoints(
            session, caller.org_id, caller.environment, query.page, query.limit
        )
        items = [webhook_store.endpoint_model(row) for row in rows]
    return page_of_models(items, query.page, query.limit, total)


@router.post("/webhooks")
def create_webhook_endpoint(
    request: Request, caller: Caller = Depends(require("admin")), body: bytes = Depends(raw_body)
) -> Response:
    no_query(request)
    payload = parse_body(body, CreateWebhookEndpointRequest)
    parts = urlsplit(payload.url)
    allowed = ("https",) if caller.environment == "live" else ("https", "http")
    if parts.scheme not in allowed or not parts.hostname:
        need = "an https URL" if caller.environment == "live" else "an http or https URL"
        raise bad_request("url", f"must be {need} with a host")
    sandbox = sandbox_of(request)
    keyed = sandbox.idempotency.keyed(request, caller, body, 201)
    with sandbox.db.session() as session:
        claim(keyed, session)
        row = WebhookEndpointRow(
            endpoint_id=new_id("wh"),
            org_id=caller.org_id,
            environment=caller.environment,
            url=payload.url,
            events=" ".join(e.value for e in payload.events),
            secret=new_webhook_secret(),
            active=True,
            created_at_ms=to_ms(sandbox.clock.now()),
        )
        session.add(row)
        created = WebhookEndpointCreated(**webhook_store.endpoint_model(row).model_dump(), secret=row.secret)
        remember(keyed, session, answer_json(created))
    sandbox.webhooks.refresh()
    return model_response(created, status=201)


@router.delete("/webhooks/{endpoint_id}")
def delete_webhook_endpoint(
    endpoint_id: str, request: Request, caller: Caller = Depends(require("admin"))
) -> Response:
    no_query(request)
    sandbox = sandbox_of(request)
    with sandbox.db.session() as session:
        row = webhook_store.get_endpoint(session, caller.org_id, caller.environment, endpoint_id)
        if row is None:
            raise not_found("Webhook endpoint")
        webhook_store.delete_endpoint(session, row)
    sandbox.webhooks.refresh()
    return Response(status_code=204)


@router.get("/webhooks/{endpoint_id}/deliveries")
def list_webhook_deliveries(
    endpoint_id: str, request: Request, caller: Caller = Depends(require("admin"))
) -> Response:
    query = parse_query(request, DeliveryListQuery)
    with sandbox_of(request).db.session() as session:
        if webhook_store.get_endpoint(session, caller.org_id, caller.environment, endpoint_id) is None:
            raise not_found("Webhook endpoint")
        status = query.status.value if query.status else None
        rows, total = webhook_store.list_deliveries(session, endpoint_id, status, query.page, query.limit)
        items = [webhook_store.delivery_model(row) for row in rows]
    return page_of_models(items, query.page, query.limit, total)
