"""Webhook endpoints and their delivery log: queries, and conversion to contract models."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from sety_console.api.models import (
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
    WebhookEventFilter,
    WebhookEventType,
)

from .clock import from_ms
from .ids import new_id
from .paging import fetch_page
from .tables import WebhookDeliveryRow, WebhookEndpointRow

ALL_EVENTS = "incident.*"


class DeliveryRef(NamedTuple):
    """A queued delivery and the endpoint it goes to (what the delivery worker schedules by)."""

    delivery_id: str
    endpoint_id: str


class PendingDelivery(NamedTuple):
    """A delivery still to be attempted, with where its retry schedule stands."""

    ref: DeliveryRef
    attempts: int
    next_retry_at_ms: int | None


def endpoint_model(row: WebhookEndpointRow) -> WebhookEndpoint:
    return WebhookEndpoint(
        endpoint_id=row.endpoint_id,
        url=row.url,
        events=[WebhookEventFilter(e) for e in row.events.split()],
        active=row.active,
        created_at=from_ms(row.created_at_ms),
    )


def delivery_model(row: WebhookDeliveryRow) -> WebhookDelivery:
    return WebhookDelivery(
        delivery_id=row.delivery_id,
        endpoint_id=row.endpoint_id,
        event=WebhookEventType(row.event),
        status=WebhookDeliveryStatus(row.status),
        attempts=row.attempts,
        response_status=row.response_status,
        created_at=from_ms(row.created_at_ms),
        last_attempt_at=from_ms(row.last_attempt_at_ms) if row.last_attempt_at_ms is not None else None,
        next_retry_at=from_ms(row.next_retry_at_ms) if row.next_retry_at_ms is not None else None,
    )


def get_endpoint(
    session: Session, org_id: str, environment: str, endpoint_id: str
) -> WebhookEndpointRow | None:
    row = session.get(WebhookEndpointRow, endpoint_id)
    if row is None or row.org_id != org_id or row.environment != environment:
        return None
    return row


def list_endpoints(
    session: Session, org_id: str, environment: str, page: int, limit: int
) -> tuple[list[WebhookEndpointRow], int]:
    where = (WebhookEndpointRow.org_id == org_id, WebhookEndpointRow.environment == environment)
    total = session.scalar(select(func.count()).select_from(WebhookEndpointRow).where(*where)) or 0
    stmt = (
        select(WebhookEndpointRow)
        .where(*where)
        .order_by(WebhookEndpointRow.created_at_ms.desc(), WebhookEndpointRow.endpoint_id.desc())
    )
    return fetch_page(session, stmt, page, limit), int(total)


def delete_endpoint(session: Session, row: WebhookEndpointRow) -> None:
    """Remove an endpoint and its whole delivery log."""
    session.execute(delete(WebhookDeliveryRow).where(WebhookDeliveryRow.endpoint_id == row.endpoint_id))
    session.delete(row)


def list_deliveries(
    session: Session, endpoint_id: str, status: str | None, page: int, limit: int
) -> tuple[list[WebhookDeliveryRow], int]:
    where = [WebhookDeliveryRow.endpoint_id == endpoint_id]
    if status is not None:
        where.append(WebhookDeliveryRow.status == status)
    total = session.scalar(select(func.count()).select_from(WebhookDeliveryRow).where(*where)) or 0
    stmt = (
        select(WebhookDeliveryRow)
        .where(*where)
        .order_by(WebhookDeliveryRow.created_at_ms.desc(), WebhookDeliveryRow.delivery_id.desc())
    )
    return fetch_page(session, stmt, page, limit), int(total)


def subscribed_scopes(session: Session) -> set[tuple[str, str]]:
    """(organisation, environment) pairs that have at least one active endpoint."""
    stmt = select(WebhookEndpointRow.org_id, WebhookEndpointRow.environment).where(WebhookEndpointRow.active)
    return {(org, env) for org, env in session.execute(stmt)}


def queue_deliveries(
    session: Session, org_id: str, environment: str, event: str, document: str, now_ms: int
) -> list[DeliveryRef]:
    """One pending delivery per active endpoint subscribed to `event`; returns them."""
    stmt = select(WebhookEndpointRow).where(
        WebhookEndpointRow.org_id == org_id,
        WebhookEndpointRow.environment == environment,
        WebhookEndpointRow.active,
    )
    refs: list[DeliveryRef] = []
    for endpoint in session.scalars(stmt):
        filters = endpoint.events.split()
        if event not in filters and ALL_EVENTS not in filters:
            continue
        delivery_id = new_id("whd")
        session.add(
            WebhookDeliveryRow(
                delivery_id=delivery_id,
                endpoint_id=endpoint.endpoint_id,
                event=event,
                incident_document=document,
                status="pending",
                attempts=0,
                created_at_ms=now_ms,
            )
        )
        refs.append(DeliveryRef(delivery_id, endpoint.endpoint_id))
    return refs


def pending_deliveries(session: Session) -> list[PendingDelivery]:
    """Every delivery still `pending`, oldest first."""
    row = WebhookDeliveryRow
    stmt = (
        select(row.delivery_id, row.endpoint_id, row.attempts, row.next_retry_at_ms)
        .where(row.status == "pending")
        .order_by(row.created_at_ms, row.delivery_id)
    )
    return [PendingDelivery(DeliveryRef(d, e), a, n) for d, e, a, n in session.execute(stmt)]


def pending_rows(session: Session, delivery_ids: Sequence[str]) -> list[WebhookDeliveryRow]:
    """The rows of those deliveries that are still `pending` (others are finished or deleted)."""
    stmt = select(WebhookDeliveryRow).where(
        WebhookDeliveryRow.delivery_id.in_(delivery_ids), WebhookDeliveryRow.status == "pending"
    )
    return list(session.scalars(stmt))
