"""The hub's webhook endpoint on Sety: found before it is created, so restarts never pile them up.

The endpoint's URL is the hub's `--public-url` followed by `WEBHOOK_PATH`. Sety shows an endpoint's
signing secret only once, in the answer that creates it, so the hub keeps it in its database
(`hub_webhook_endpoints`), where every hub of the control room can verify deliveries with it.

`ensure_endpoint` (the leader, once it leads):

* keeps an active endpoint with the hub's URL whose secret the database holds;
* otherwise creates one (for every `incident.*` event) and stores its secret before anything else;
* then deletes the endpoints that are the hub's but no longer wanted: ones it registered before under
  another URL (another hub led then), and ones with its URL whose secret it lost. Endpoints of other
  integrations of the organisation are never touched.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from dataclasses import dataclass

from sqlalchemy import delete, select

from sety_console.api import SetyClient
from sety_console.api.errors import NotFoundError
from sety_console.api.models import CreateWebhookEndpointRequest, WebhookEndpoint

from .db import EndpointRow, HubDatabase, now_ms

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/hub/v1/webhooks/sety"


def webhook_url(public_url: str) -> str:
    """Where Sety posts to this hub: `https://hub.example:8443` → `…/hub/v1/webhooks/sety`."""
    return public_url.rstrip("/") + WEBHOOK_PATH


@dataclass(frozen=True, slots=True)
class Endpoint:
    endpoint_id: str
    url: str
    created: bool


def known_endpoints(db: HubDatabase) -> dict[str, EndpointRow]:
    with db.session() as session:
        return {row.endpoint_id: row for row in session.scalars(select(EndpointRow))}


def secrets(db: HubDatabase) -> list[str]:
    """Every signing secret the hub holds (newest first)."""
    with db.session() as session:
        rows = session.scalars(select(EndpointRow).order_by(EndpointRow.created_at_ms.desc())).all()
        return [row.secret for row in rows]


async def ensure_endpoint(client: SetyClient, db: HubDatabase, url: str) -> Endpoint:
    """The hub's endpoint for `url`, created if needed; its stale ones removed (see the module)."""
    known = await asyncio.to_thread(known_endpoints, db)
    listed: list[WebhookEndpoint] = [e async for e in client.iter_webhook_endpoints(limit=100)]
    keep = next(
        (e for e in listed if e.url == url and e.active and e.endpoint_id in known),
        None,
    )
    if keep is not None:
        endpoint = Endpoint(keep.endpoint_id, url, created=False)
    else:
        endpoint = await _create(client, db, url)
    stale = [
        e.endpoint_id
        for e in listed
        if e.endpoint_id != endpoint.endpoint_id and (e.endpoint_id in known or e.url == url)
    ]
    for endpoint_id in stale:
        with contextlib.suppress(NotFoundError):
            await client.delete_webhook_endpoint(endpoint_id)
        log.info("removed the hub's old webhook endpoint %s", endpoint_id)
    gone = {*stale, *(i for i in known if i not in {e.endpoint_id for e in listed})} - {endpoint.endpoint_id}
    if gone:
        await asyncio.to_thread(_forget, db, gone)
    return endpoint


async def _create(client: SetyClient, db: HubDatabase, url: str) -> Endpoint:
    request = CreateWebhookEndpointRequest.model_validate({"url": url, "events": ["incident.*"]})
    created = await client.create_webhook_endpoint(
        request, idempotency_key=f"hub-endpoint-{uuid.uuid4().hex}"
    )
    row = EndpointRow(endpoint_id=created.endpoint_id, url=url, secret=created.secret, created_at_ms=now_ms())
    await asyncio.to_thread(_store, db, row)
    log.info("registered the webhook endpoint %s for %s", created.endpoint_id, url)
    return Endpoint(created.endpoint_id, url, created=True)


def _store(db: HubDatabase, row: EndpointRow) -> None:
    with db.session() as session:
        session.merge(row)


def _forget(db: HubDatabase, endpoint_ids: set[str]) -> None:
    with db.session() as session:
        session.execute(delete(EndpointRow).where(EndpointRow.endpoint_id.in_(endpoint_ids)))
