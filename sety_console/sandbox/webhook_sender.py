"""One attempt of one webhook delivery: read it, sign and POST it, record the answer.

Runs on the delivery worker's event loop; database work goes to one thread of its own, so a slow
database write never stalls the HTTP side and DNS lookups never queue behind database work. Each
attempt is bounded as a whole by `webhook_timeout_seconds` (10 s in the contract) and its name
lookup plus connect by `webhook_connect_timeout_seconds`. The outcome of an attempt and the next
step of the contract's retry schedule are written in one transaction.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import TypeVar

import httpx

from sety_console.api.models import format_timestamp
from sety_console.api.webhooks import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, sign

from . import webhook_store
from .clock import SandboxClock, to_ms
from .config import SandboxConfig
from .db import Database
from .tables import WebhookDeliveryRow, WebhookEndpointRow

log = logging.getLogger(__name__)

T = TypeVar("T")
REFUSE_BATCH = 500
"""Deliveries refused by an open breaker are recorded this many per transaction."""


class Outcome(Enum):
    DELIVERED = "delivered"  # a 2xx answer
    RETRY = "retry"  # failed; the next attempt is scheduled
    FAILED = "failed"  # failed for the last time
    GONE = "gone"  # no longer pending: its endpoint was deleted, or it already finished
    ERROR = "error"  # the sandbox could not attempt it (database trouble): try again later


@dataclass(frozen=True)
class AttemptResult:
    outcome: Outcome
    retry_in: float | None = None
    """Seconds until the next attempt; None when the delivery is finished (or gone)."""
    detail: str = ""


GONE = AttemptResult(Outcome.GONE)


@dataclass(frozen=True)
class _Request:
    url: str
    secret: str
    event: str
    body: bytes


class WebhookSender:
    """Sends deliveries and keeps their records; `open()` and `close()` on the worker loop."""

    def __init__(self, db: Database, clock: SandboxClock, config: SandboxConfig) -> None:
        self._db = db
        self._clock = clock
        self._delays = config.webhook_retry_delays
        self._factor = config.webhook_retry_factor
        self._total_timeout = config.webhook_timeout_seconds
        self._timeout = httpx.Timeout(
            config.webhook_timeout_seconds, connect=config.webhook_connect_timeout_seconds
        )
        self._limits = httpx.Limits(
            max_connections=config.webhook_max_in_flight,
            max_keepalive_connections=min(config.webhook_max_in_flight, 20),
        )
        self._transport = config.webhook_transport
        self._client: httpx.AsyncClient | None = None
        self._database_thread: ThreadPoolExecutor | None = None

    @property
    def max_attempts(self) -> int:
        return len(self._delays) + 1

    def wait_after(self, attempts: int) -> float:
        """Seconds between attempt number `attempts` (1-based) and the next one."""
        return self._delays[attempts - 1] * self._factor

    async def open(self) -> None:
        self._database_thread = ThreadPoolExecutor(1, thread_name_prefix="sety-webhook-db")
        self._client = httpx.AsyncClient(
            transport=self._transport, timeout=self._timeout, limits=self._limits
        )

    async def close(self) -> None:
        """Close the HTTP client and let the last database write finish."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        if self._database_thread is not None:
            self._database_thread.shutdown(wait=True)
            self._database_thread = None

    async def pending(self) -> list[tuple[webhook_store.DeliveryRef, float]]:
        """Every pending delivery with the seconds until its next attempt (after a restart)."""
        rows = await self._in_database(self._load_pending)
        now_ms = to_ms(self._clock.now())
        return [(p.ref, self._resume_in(p, now_ms)) for p in rows]

    async def attempt(self, delivery_id: str) -> AttemptResult:
        """Send one attempt of a pending delivery and record it."""
        request = await self._in_database(self._prepare, delivery_id)
        if request is None:
            return GONE
        status, detail = await self._post(delivery_id, request)
        return await self._in_database(self._record, delivery_id, status, detail)

    async def refuse(self, delivery_ids: Sequence[str]) -> dict[str, AttemptResult]:
        """Record a failed attempt, without a request, for each delivery an open breaker holds.

        Deliveries not in the answer are no longer pending.
        """
        results: dict[str, AttemptResult] = {}
        for start in range(0, len(delivery_ids), REFUSE_BATCH):
            chunk = delivery_ids[start : start + REFUSE_BATCH]
            results.update(await self._in_database(self._record_refused, chunk))
        return results

    async def _in_database(self, function: Callable[..., T], *args: object) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._database_thread, function, *args)

    def _resume_in(self, pending: webhook_store.PendingDelivery, now_ms: int) -> float:
        """A first attempt is due at once; a retry when its `next_retry_at` comes, but never later
        than the schedule's delay at the current retry factor (the factor may have changed)."""
        if pending.attempts == 0 or pending.next_retry_at_ms is None:
            return 0.0
        remaining = max(0, pending.next_retry_at_ms - now_ms) / 1000
        return min(remaining, self.wait_after(min(pending.attempts, len(self._delays))))

    def _load_pending(self) -> list[webhook_store.PendingDelivery]:
        with self._db.session() as session:
            return webhook_store.pending_deliveries(session)

    def _prepare(self, delivery_id: str) -> _Request | None:
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
            return _Request(endpoint.url, endpoint.secret, row.event, body)

    async def _post(self, delivery_id: str, request: _Request) -> tuple[int | None, str]:
        """The answer's status (None when there was none in time) and a few words on it."""
        assert self._client is not None
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "sety-sandbox-webhooks/1",
            SIGNATURE_HEADER: sign(request.secret, request.body, int(time.time())),
            EVENT_HEADER: request.event,
            DELIVERY_HEADER: delivery_id,
        }
        try:
            async with asyncio.timeout(self._total_timeout):
                response = await self._client.post(request.url, content=request.body, headers=headers)
        except (httpx.HTTPError, httpx.InvalidURL, OSError, TimeoutError) as exc:
            detail = f"{type(exc).__name__}: {exc}".rstrip(": ")
            log.info("webhook %s to %s failed: %s", delivery_id, request.url, detail)
            return None, detail
        return response.status_code, f"HTTP {response.status_code}"

    def _record(self, delivery_id: str, status: int | None, detail: str) -> AttemptResult:
        with self._db.session() as session:
            row = session.get(WebhookDeliveryRow, delivery_id)
            if row is None or row.status != "pending":
                return GONE
            return self._note(row, status, self._clock.now(), detail)

    def _record_refused(self, delivery_ids: Sequence[str]) -> dict[str, AttemptResult]:
        now = self._clock.now()
        detail = "refused: circuit breaker open"
        with self._db.session() as session:
            rows = webhook_store.pending_rows(session, delivery_ids)
            return {row.delivery_id: self._note(row, None, now, detail) for row in rows}

    def _note(self, row: WebhookDeliveryRow, status: int | None, now: datetime, detail: str) -> AttemptResult:
        """Count one attempt on `row` and move it along the retry schedule."""
        row.attempts += 1
        row.response_status = status
        row.last_attempt_at_ms = to_ms(now)
        if status is not None and 200 <= status < 300:
            row.status, row.next_retry_at_ms = "delivered", None
            return AttemptResult(Outcome.DELIVERED, None, detail)
        if row.attempts >= self.max_attempts:
            row.status, row.next_retry_at_ms = "failed", None
            return AttemptResult(Outcome.FAILED, None, detail)
        wait = self.wait_after(row.attempts)
        row.next_retry_at_ms = to_ms(now + timedelta(seconds=wait))
        return AttemptResult(Outcome.RETRY, wait, detail)
