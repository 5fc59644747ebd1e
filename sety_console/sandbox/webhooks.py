"""Signed webhook deliveries with the contract's retry schedule, sent from background tasks.

Events are queued as `pending` rows in the same transaction as the incident change that caused
them; `kick()` (callable from any thread) then starts one asyncio task per delivery on the
server's loop. A task posts the payload (`X-Sety-Signature`, `X-Sety-Event`, `X-Sety-Delivery`
stable across retries), waits the scheduled delay (scaled by `webhook_retry_factor`) after each
failure, and marks the delivery `failed` after the last attempt. Pending deliveries survive a
restart and are resumed when the deliverer starts. Request handling never waits for any of it.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

import httpx
from sqlalchemy.orm import Session

from sety_console.api.models import format_timestamp
from sety_console.api.webhooks import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, sign

from . import webhook_store
from .clock import SandboxClock, to_ms
from .config import SandboxConfig
from .db import Database
from .tables import WebhookDeliveryRow, WebhookEndpointRow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueuedEvent:
    """An incident event to deliver to the endpoints of its organisation and environment."""

    org_id: str
    environment: str
    event: str
    document: str


@dataclass(frozen=True)
class _Attempt:
    url: str
    secret: str
    event: str
    body: bytes


class WebhookDeliverer:
    """Queues deliveries in the database and sends them in the background."""

    def __init__(self, db: Database, clock: SandboxClock, config: SandboxConfig) -> None:
        self._db = db
        self._clock = clock
        self._delays = config.webhook_retry_delays
        self._factor = config.webhook_retry_factor
        self._timeout = config.webhook_timeout_seconds
        self._transport = config.webhook_transport
        self._lock = threading.Lock()
        self._subscribed: set[tuple[str, str]] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: httpx.AsyncClient | None = None
        self._tasks: dict[str, asyncio.Task[None]] = {}

    @property
    def max_attempts(self) -> int:
        return len(self._delays) + 1

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

    def queue(self, session: Session, events: Iterable[QueuedEvent], now_ms: int) -> list[str]:
        """Insert pending deliveries for `events` in `session`; `kick()` them after the commit."""
        ids: list[str] = []
        for item in events:
            if self.wants(item.org_id, item.environment):
                ids += webhook_store.queue_deliveries(
                    session, item.org_id, item.environment, item.event, item.document, now_ms
                )
        return ids

    def kick(self, delivery_ids: Iterable[str]) -> None:
        """Start sending these deliveries (safe from any thread; no-op until started)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        for delivery_id in delivery_ids:
            loop.call_soon_threadsafe(self._spawn, delivery_id)

    async def start(self) -> None:
        """Bind to the running loop and resume every pending delivery."""
        self._loop = asyncio.get_running_loop()
        self._client = httpx.AsyncClient(transport=self._transport, timeout=self._timeout)
        pending = await asyncio.to_thread(self._pending_ids)
        for delivery_id in pending:
            self._spawn(delivery_id)

    async def stop(self) -> None:
        """Cancel in-flight tasks (their deliveries stay pending) and close the HTTP client."""
        self._loop = None
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def drain(self) -> None:
        """Wait until every delivery task (retries included) has finished (tests)."""
        await asyncio.sleep(0)  # deliveries kicked just now are spawned by callbacks still queued
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)
            await asyncio.sleep(0)

    def _pending_ids(self) -> list[str]:
        with self._db.session() as session:
            return webhook_store.pending_delivery_ids(session)

    def _spawn(self, delivery_id: str) -> None:
        if delivery_id in self._tasks or self._loop is None:
            return
        task = asyncio.get_running_loop().create_task(self._run(delivery_id), name=f"webhook {delivery_id}")
        self._tasks[delivery_id] = task
        task.add_done_callback(lambda _t: self._tasks.pop(delivery_id, None))

    async def _run(self, delivery_id: str) -> None:
        while True:
            attempt = await asyncio.to_thread(self._prepare, delivery_id)
            if attempt is None:
                return
            status = await self._post(delivery_id, attempt)
            wait = await asyncio.to_thread(self._record, delivery_id, status)
            if wait is None:
                return
            await asyncio.sleep(wait)

    def _prepare(self, delivery_id: str) -> _Attempt | None:
        with self._db.session() as session:
            row = session.get(WebhookDeliveryRow, delivery_id)
            if row is None or row.status != "pending":
                return None
            endpoint = session.get(WebhookEndpointRow, row.endpoint_id)
            if endpoint is None or not endpoint.active:
                return None
            delivered_at = format_timestamp(self._clock.now())
            body = (
                f'{{"event":"{row.event}","delivered_at":"{delivered_at}",'
                f'"data":{{"incident":{row.incident_document}}}}}'
            ).encode()
            return _Attempt(endpoint.url, endpoint.secret, row.event, body)

    async def _post(self, delivery_id: str, attempt: _Attempt) -> int | None:
        assert self._client is not None
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "sety-sandbox-webhooks/1",
            SIGNATURE_HEADER: sign(attempt.secret, attempt.body, int(time.time())),
            EVENT_HEADER: attempt.event,
            DELIVERY_HEADER: delivery_id,
        }
        try:
            response = await self._client.post(attempt.url, content=attempt.body, headers=headers)
        except httpx.HTTPError as exc:
            log.info("webhook %s to %s failed: %s", delivery_id, attempt.url, exc)
            return None
        return response.status_code

    def _record(self, delivery_id: str, status: int | None) -> float | None:
        """Store the attempt's outcome; the seconds to wait before the next one, or None when done."""
        now = self._clock.now()
        with self._db.session() as session:
            row = session.get(WebhookDeliveryRow, delivery_id)
            if row is None:
                return None
            row.attempts += 1
            row.response_status = status
            row.last_attempt_at_ms = to_ms(now)
            if status is not None and 200 <= status < 300:
                row.status, row.next_retry_at_ms = "delivered", None
                return None
            if row.attempts >= self.max_attempts:
                row.status, row.next_retry_at_ms = "failed", None
                return None
            wait = self._delays[row.attempts - 1] * self._factor
            row.next_retry_at_ms = to_ms(now + timedelta(seconds=wait))
            return wait
