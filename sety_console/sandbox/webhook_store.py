"""Webhook endpoints and their delivery log: queries, and conversion to contract models."""

from __future__ import annotations

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
) -> list[str]:
    """One pending delivery per active endpoint subscribed to `event`; returns their ids."""
    stmt = select(WebhookEndpointRow).where(
        WebhookEndpointRow.org_id == org_id,
        WebhookEndpointRow.environment == environment,
        WebhookEndpointRow.active,
    )
    ids: list[str] = []
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
        ids.append(delivery_id)
    return ids


def pending_delivery_ids(session: Session) -> list[str]:
    stmt = select(WebhookDeliveryRow.delivery_id).where(WebhookDeliveryRow.status == "pending")
    return list(session.scalars(stmt.order_by(WebhookDeliveryRow.created_at_ms)))
