"""The outbox: user actions written to disk first, then delivered until the server has answered.

`submit` commits the action to SQLite synchronously and returns the stored entry at once; a background
task (`run`) delivers open entries oldest first (actions about the same incident, visit or code stay in
order). States: pending → sending → done | failed. What happens on each failure:

* transport errors, 5xx, 429, a refused key (401) or plan (402): stay pending, retried with backoff
  (429 waits its `Retry-After`); an *ambiguous* failure of a note, check-in or access code marks the
  entry `needs_check`: before sending again the outbox looks on the server and resends only if absent;
* 400, 403, 404 and other 409s: failed, with the server's message;
* 409 on cancelling an incident that is already cancelled, on checking out a visit that is already
  out, or on revoking a code that is no longer active: done (the operator's intent holds).

An entry found `sending` after a restart may have reached the server: it is replayed as `needs_check`
(creates are simply resent with their stored `idempotency_key`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from sety_console.api.errors import (
    AuthenticationError,
    ConflictError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitedError,
    SetyError,
)
from sety_console.api.models import Incident, IncidentStatus

from .actions import ActionKind, ActionState, OutboxEntry
from .clock import Clock
from .connection import ConnectionMonitor
from .events import Event
from .outbox_send import CHECKED_KINDS, WRITE_SCOPE, look_on_server, parse_result, result_key, send
from .outbox_store import OutboxStorageError, OutboxStore

if TYPE_CHECKING:
    from sety_console.api import SetyClient

log = logging.getLogger(__name__)

BACKOFF_BASE_S = 1.0
BACKOFF_MAX_S = 60.0
KEY_REFUSED_RETRY_S = 60.0
BUG_RETRY_S = 300.0
STORAGE_RETRY_S = 10.0

ResultHandler = Callable[[OutboxEntry, BaseModel | None], None]


class Outbox:
    """Durable queue of user actions with background delivery. One per data folder."""

    def __init__(
        self,
        client: SetyClient,
        data_dir: Path,
        clock: Clock,
        *,
        monitor: ConnectionMonitor | None = None,
        on_result: ResultHandler | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.changed: Event[OutboxEntry] = Event()
        self.storage_problem: Event[str] = Event()
        self.last_storage_error: str | None = None
        self._client = client
        self._clock = clock
        self._monitor = monitor
        self._on_result = on_result
        self._rng = rng or random.Random()
        self._wake = asyncio.Event()
        self._store = OutboxStore(data_dir)
        self._open: dict[str, OutboxEntry] = {}
        for entry in self._store.open_entries():
            if entry.state is ActionState.SENDING:  # the process died mid-send: outcome unknown
                entry = replace(entry, state=ActionState.PENDING, needs_check=True, next_attempt_at=None)
                self._store.update(entry)
            self._open[entry.action_id] = entry

    def close(self) -> None:
        self._store.close()

    # ------------------------------------------------------------------ what the ui calls

    def submit(
        self, kind: ActionKind, payload: dict[str, Any], *, target_id: str | None, created_by: str | None
    ) -> OutboxEntry:
        """Commit a new action (raises `OutboxStorageError` if it cannot be saved) and schedule it."""
        now = self._clock.now()
        entry = OutboxEntry(
            action_id=f"act_{uuid.uuid4().hex}",
            kind=kind,
            payload=payload,
            target_id=target_id,
            state=ActionState.PENDING,
            created_at=now,
            created_by=created_by,
            updated_at=now,
        )
        self._save(entry, insert=True)
        self._open[entry.action_id] = entry
        self._wake.set()
        self.changed.emit(entry)
        return entry

    def get(self, action_id: str) -> OutboxEntry | None:
        return self._open.get(action_id) or self._store.get(action_id)

    def open_entries(self) -> list[OutboxEntry]:
        """Actions not yet delivered, oldest first."""
        return list(self._open.values())

    def pending_for(self, target_id: str) -> list[OutboxEntry]:
        """Open actions about one incident, visit or access code."""
        return [e for e in self._open.values() if e.target_id == target_id]

    def recent(self, limit: int = 200) -> list[OutboxEntry]:
        return self._store.recent(limit)

    # ------------------------------------------------------------------ delivery

    async def run(self) -> None:
        """Deliver open entries until cancelled."""
        while True:
            delivered = await self.deliver_due()
            if delivered:
                continue
            await self._wait(self._next_due())

    async def deliver_due(self) -> int:
        """Try every entry that is due now, once; returns how many were tried."""
        tried = 0
        blocked_targets: set[str] = set()
        for entry in list(self._open.values()):
            if entry.target_id in blocked_targets:
                continue
            due = entry.next_attempt_at is None or entry.next_attempt_at <= self._clock.now()
            if not due:
                if entry.target_id:
                    blocked_targets.add(entry.target_id)
                continue
            await self._deliver(entry)
            tried += 1
            current = self._open.get(entry.action_id)
            if current is not None and current.target_id:
                blocked_targets.add(current.target_id)
        return tried

    def _next_due(self) -> datetime | None:
        times = [e.next_attempt_at for e in self._open.values() if e.next_attempt_at is not None]
        return min(times) if times else None

    async def _wait(self, until: datetime | None) -> None:
        self._wake.clear()
        if until is None:
            await self._wake.wait()
            return
        delay = (until - self._clock.now()).total_seconds()
        sleeper = asyncio.ensure_future(self._clock.sleep(delay))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, waker):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _deliver(self, entry: OutboxEntry) -> None:
        now = self._clock.now()
        entry = replace(entry, state=ActionState.SENDING, attempts=entry.attempts + 1, updated_at=now)
        if not self._update(entry):
            return
        try:
            result = None
            if entry.needs_check and entry.kind in CHECKED_KINDS:
                result = await look_on_server(self._client, entry, self._claimed(entry))
                if result is not None:
                    log.info(
                        "%s %s was already on the server; not sent again", entry.kind.value, entry.action_id
                    )
            if result is None:
                result = await send(self._client, entry)
        except SetyError as error:
            await self._failed(entry, error)
        except Exception as exc:  # a bug must not lose the action: keep it, log it, retry much later
            log.exception("outbox: unexpected failure delivering %s", entry.action_id)
            self._retry(entry, f"Unexpected error: {exc}", BUG_RETRY_S)
        else:
            self._report_ok()
            self._finish(entry, ActionState.DONE, result, None)

    def _claimed(self, entry: OutboxEntry) -> set[str]:
        """Result ids already owned by other delivered entries about the same target."""
        claimed: set[str] = set()
        others = self._store.for_target(entry.target_id) if entry.target_id else self._store.recent(500)
        for other in others:
            if other.action_id != entry.action_id and other.state is ActionState.DONE:
                key = result_key(other.kind, other.result)
                if key:
                    claimed.add(key)
        return claimed

    async def _failed(self, entry: OutboxEntry, error: SetyError) -> None:
        self._report_error(entry, error)
        message = str(error)
        if isinstance(error, RateLimitedError):
            self._retry(entry, message, max(error.retry_after, BACKOFF_BASE_S))
        elif isinstance(error, AuthenticationError | PaymentRequiredError):
            self._retry(entry, message, KEY_REFUSED_RETRY_S)
        elif error.transient or error.ambiguous:
            needs_check = entry.needs_check or (error.ambiguous and entry.kind in CHECKED_KINDS)
            self._retry(replace(entry, needs_check=needs_check), message, self._backoff(entry.attempts))
        elif isinstance(error, ConflictError):
            await self._conflict(entry, error)
        else:
            self._finish(entry, ActionState.FAILED, None, message)

    async def _conflict(self, entry: OutboxEntry, error: SetyError) -> None:
        """409: done when the server is already where the operator wanted it, failed otherwise."""
        if entry.kind is ActionKind.CANCEL_INCIDENT and entry.target_id:
            try:
                incident = await self._client.get_incident(entry.target_id)
            except SetyError as lookup_error:
                self._retry(entry, str(lookup_error), self._backoff(entry.attempts))
                return
            if incident.status == IncidentStatus.cancelled:
                self._finish(entry, ActionState.DONE, incident, None)
            else:
                self._finish(entry, ActionState.FAILED, incident, _closed_message(incident))
        elif entry.kind in (ActionKind.CHECK_OUT, ActionKind.REVOKE_ACCESS_CODE):
            self._finish(entry, ActionState.DONE, None, f"Already done on the server: {error.message}")
        else:
            self._finish(entry, ActionState.FAILED, None, str(error))

    def _backoff(self, attempts: int) -> float:
        ceiling = min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2.0 ** max(0, attempts - 1))
        return float(ceiling * (0.5 + 0.5 * self._rng.random()))

    def _retry(self, entry: OutboxEntry, message: str, delay: float) -> None:
        now = self._clock.now()
        entry = replace(
            entry,
            state=ActionState.PENDING,
            error=message,
            updated_at=now,
            next_attempt_at=now + timedelta(seconds=delay),
        )
        self._update(entry)

    def _finish(
        self, entry: OutboxEntry, state: ActionState, result: BaseModel | None, error: str | None
    ) -> None:
        entry = replace(
            entry,
            state=state,
            error=error,
            result=result.model_dump(mode="json") if result is not None else None,
            updated_at=self._clock.now(),
            next_attempt_at=None,
        )
        if not self._update(entry):
            return
        if state is ActionState.DONE and self._on_result is not None:
            try:
                self._on_result(entry, parse_result(entry.kind, entry.result))
            except Exception:
                log.exception("outbox: result handler failed for %s", entry.action_id)

    # ------------------------------------------------------------------ bookkeeping

    def _save(self, entry: OutboxEntry, *, insert: bool) -> None:
        try:
            if insert:
                self._store.insert(entry)
            else:
                self._store.update(entry)
        except OutboxStorageError as exc:
            self.last_storage_error = str(exc)
            log.error("outbox storage failed: %s", exc)
            self.storage_problem.emit(str(exc))
            raise
        if self.last_storage_error is not None:
            self.last_storage_error = None
            self.storage_problem.emit("")

    def _update(self, entry: OutboxEntry) -> bool:
        """Persist a state change; on a storage failure the entry stays as it was on disk."""
        try:
            self._save(entry, insert=False)
        except OutboxStorageError:
            previous = self._open.get(entry.action_id)
            if previous is not None:  # retry later; it may have been sent, so look before resending
                later = self._clock.now() + timedelta(seconds=STORAGE_RETRY_S)
                self._open[entry.action_id] = replace(previous, next_attempt_at=later, needs_check=True)
            return False
        if entry.is_open:
            self._open[entry.action_id] = entry
        else:
            self._open.pop(entry.action_id, None)
        self.changed.emit(entry)
        return True

    def _report_ok(self) -> None:
        if self._monitor is not None:
            self._monitor.record_success(self._clock.now())

    def _report_error(self, entry: OutboxEntry, error: SetyError) -> None:
        if self._monitor is None:
            return
        scope = WRITE_SCOPE[entry.kind] if isinstance(error, PermissionDeniedError) else None
        if isinstance(error, ConflictError | PermissionDeniedError) or (error.status or 0) in (400, 404):
            self._monitor.record_success(self._clock.now())  # the server answered: the link is fine
        if scope or error.transient or isinstance(error, AuthenticationError | PaymentRequiredError):
            self._monitor.record_failure(error, self._clock.now(), scope=scope)


def _closed_message(incident: Incident) -> str:
    return f"The incident was already {incident.status.label.lower()}; it was not cancelled."
