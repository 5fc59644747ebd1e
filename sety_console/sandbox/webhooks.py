"""Signed webhook deliveries with the contract's retry schedule, kept apart from serving.

Events are queued as `pending` rows in the same transaction as the incident change that caused
them; `kick()` (callable from any thread) then hands the new deliveries to the delivery worker,
which sends them from a thread and event loop of its own with bounded concurrency, per-endpoint
limits and a circuit breaker (`webhook_worker.py`; one attempt is `webhook_sender.py`). Each POST
carries `X-Sety-Signature`, `X-Sety-Event` and `X-Sety-Delivery` (stable across retries). Pending
deliveries survive a restart and are resumed when the deliverer starts. Request handling never
waits for any of it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from . import webhook_store
from .clock import SandboxClock
from .config import SandboxConfig
from .db import Database
from .webhook_sender import WebhookSender
from .webhook_store import DeliveryRef
from .webhook_worker import DeliveryWorker


@dataclass(frozen=True)
class QueuedEvent:
    """An incident event to deliver to the endpoints of its organisation and environment."""

    org_id: str
    environment: str
    event: str
    document: str


class WebhookDeliverer:
    """Queues deliveries in the database and has the delivery worker send them."""

    def __init__(self, db: Database, clock: SandboxClock, config: SandboxConfig) -> None:
        self._db = db
        self._lock = threading.Lock()
        self._subscribed: set[tuple[str, str]] | None = None
        self._worker = DeliveryWorker(WebhookSender(db, clock, config), config)

    def wants(self, org_id: str, environment: str) -> bool:
        """Whether anyone listens to this organisation and environment (skip work otherwise)."""
        with self._lock:
            subscribed = self._subscribed
        if subscribed is None:
            self.refresh()
            with self._lock:
                subscribed = self._subscribed or set()
        return (org_id, environment) in subscribed

    def refresh(self) -> None:
        """Reload which organisations have endpoints (after an endpoint is added or removed)."""
        with self._db.session() as session:
            scopes = webhook_store.subscribed_scopes(session)
        with self._lock:
            self._subscribed = scopes

    def queue(self, session: Session, events: Iterable[QueuedEvent], now_ms: int) -> list[DeliveryRef]:
        """Insert pending deliveries for `events` in `session`; `kick()` them after the commit."""
        refs: list[DeliveryRef] = []
        for item in events:
            if self.wants(item.org_id, item.environment):
                refs += webhook_store.queue_deliveries(
                    session, item.org_id, item.environment, item.event, item.document, now_ms
                )
        return refs

    def kick(self, deliveries: Iterable[DeliveryRef]) -> None:
        """Hand committed deliveries to the worker (safe from any thread, never blocks)."""
        refs = list(deliveries)
        if refs:
            self._worker.submit(refs)

    def breaker_states(self) -> dict[str, str]:
        """Circuit breaker of each endpoint seen since start: `closed`, `open` or `half_open`."""
        return self._worker.breaker_states()

    async def start(self) -> None:
        """Start the delivery worker; it resumes every pending delivery."""
        await asyncio.to_thread(self._worker.start)

    async def stop(self) -> None:
        """Stop the worker: attempts on the wire are cancelled, their deliveries stay pending."""
        await asyncio.to_thread(self._worker.stop)

    async def drain(self) -> None:
        """Wait until every queued delivery has finished, retries included (tests)."""
        await asyncio.to_thread(self._worker.wait_idle)
