"""The leader applies the webhook deliveries any hub stored: each incident into the picture, at once.

Deliveries wait in `hub_webhook_deliveries` (stored by whichever hub Sety reached, before it answered
2xx), so none is lost when the leader changes: a new leader applies what the old one left. Each carries
an incident; a complete one (every field the contract requires) is applied as is, a partial one is
fetched first (`get_incident`). The store keeps the newest `updated_at`, so a repeated or out-of-order
delivery changes nothing; a delivery is marked applied once its change is in the change log.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import Counter
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from sqlalchemy import delete, select, update

from sety_console.api.errors import NotFoundError, SetyError
from sety_console.api.models import Incident

from .changelog import parse_moment
from .db import DeliveryRow, now_ms
from .push_health import PushHealth

if TYPE_CHECKING:
    from .hub import Hub

log = logging.getLogger(__name__)

SWEEP_S = 2.0
"""Look for stored deliveries at least this often (a notification may be lost)."""
BATCH = 200
GIVE_UP_AFTER = 5
"""A delivery that still cannot be applied after this many tries is left to the safety-net poll."""
KEEP_DELIVERIES_MS = 2 * 24 * 3600 * 1000
"""Delivery ids are remembered this long (Sety retries a delivery for about 15 hours)."""

FULL_KEYS = frozenset(
    {
        "incident_id",
        "idempotency_key",
        "category",
        "severity",
        "status",
        "subject",
        "title",
        "description",
        "location",
        "resolution_outcome",
        "resolution_notes",
        "is_drill",
        "timeline",
        "created_at",
        "updated_at",
        "resolved_at",
        "cancelled_at",
    }
)
"""The contract's required `Incident` fields: a document without one of them is partial."""


def incident_document(payload: dict[str, Any]) -> dict[str, Any] | None:
    """`data.incident` of a delivery (bare or wrapped once more as `{"incident": …}`)."""
    data = payload.get("data")
    document = data.get("incident") if isinstance(data, dict) else None
    if isinstance(document, dict) and "incident_id" not in document:
        document = document.get("incident")
    return document if isinstance(document, dict) and document.get("incident_id") else None


def complete_incident(document: dict[str, Any]) -> Incident | None:
    """The incident when the document is complete; None when it must be fetched."""
    if not document.keys() >= FULL_KEYS:
        return None
    try:
        return Incident.model_validate(document)
    except ValidationError:
        return None


class PushApplier:
    """Applies stored deliveries while this hub leads (`run()` until cancelled)."""

    def __init__(self, hub: Hub, health: PushHealth) -> None:
        self._hub = hub
        self._health = health
        self._wake = asyncio.Event()
        self._tries: Counter[str] = Counter()
        self.applied = 0
        self.fetched = 0

    def nudge(self) -> None:
        """A delivery was stored (here, or by another hub)."""
        self._wake.set()

    async def run(self) -> None:
        swept = 0
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), SWEEP_S)
            self._wake.clear()
            try:
                while await self._drain():
                    pass
                swept += 1
                if swept % 1800 == 0:
                    await asyncio.to_thread(self._forget_old)
            except Exception as exc:  # the database is away: the rows wait for the next sweep
                log.warning("could not apply stored webhook deliveries yet (%s)", exc)

    async def _drain(self) -> bool:
        """Apply one batch; True when there may be more."""
        rows = await asyncio.to_thread(self._pending)
        done: list[str] = []
        for delivery_id, event, body in rows:
            if await self._apply(delivery_id, event, body):
                done.append(delivery_id)
        if done:
            await self._hub.picture.flush()
            await asyncio.to_thread(self._mark_applied, done)
        return len(rows) == BATCH

    async def _apply(self, delivery_id: str, event: str, body: str) -> bool:
        """Apply one delivery; False to try it again later."""
        try:
            payload = json.loads(body)
            document = incident_document(payload)
        except ValueError:
            document = None
        if document is None:
            log.warning("webhook delivery %s carries no incident; ignored", delivery_id)
            return True
        incident = complete_incident(document)
        if incident is None:
            try:
                incident = await self._fetch(str(document["incident_id"]))
            except SetyError as error:
                self._tries[delivery_id] += 1
                if self._tries[delivery_id] < GIVE_UP_AFTER:
                    log.info("could not fetch the incident of delivery %s yet (%s)", delivery_id, error)
                    return False
                log.warning("gave up fetching the incident of delivery %s: %s", delivery_id, error)
                self._health.tighten("a partial delivery whose incident could not be fetched")
                return True
            if incident is None:
                return True
        self._take(incident, event, payload.get("delivered_at"))
        self._tries.pop(delivery_id, None)
        return True

    async def _fetch(self, incident_id: str) -> Incident | None:
        self.fetched += 1
        try:
            return await self._hub.client.get_incident(incident_id)
        except NotFoundError:
            log.info("a webhook named %s, which Sety does not know (any more)", incident_id)
            return None

    def _take(self, incident: Incident, event: str, delivered_at: Any) -> None:
        picture = self._hub.picture
        if incident.incident_id not in picture.incidents and event != "incident.created":
            self._health.unknown_incident(incident.incident_id, event)
        picture.record("incidents", picture.incidents.apply([incident]))
        self.applied += 1
        self._health.delivered(incident, delivered_at=parse_moment(delivered_at))

    def _pending(self) -> list[tuple[str, str, str]]:
        with self._hub.db.session() as session:
            rows = session.scalars(
                select(DeliveryRow)
                .where(DeliveryRow.applied.is_(False))
                .order_by(DeliveryRow.received_ms, DeliveryRow.delivery_id)
                .limit(BATCH)
            ).all()
            return [(r.delivery_id, r.event, r.body) for r in rows]

    def _mark_applied(self, delivery_ids: list[str]) -> None:
        with self._hub.db.session() as session:
            session.execute(
                update(DeliveryRow).where(DeliveryRow.delivery_id.in_(delivery_ids)).values(applied=True)
            )

    def _forget_old(self) -> None:
        cutoff = now_ms() - KEEP_DELIVERIES_MS
        with self._hub.db.session() as session:
            session.execute(delete(DeliveryRow).where(DeliveryRow.applied, DeliveryRow.received_ms < cutoff))
