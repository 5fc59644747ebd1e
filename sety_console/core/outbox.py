"""The outbox: user actions written to disk first, then delivered until the server has answered.

`await submit(...)` returns once the action is on disk (the loop never waits: the file lives on the
outbox's own disk thread); a background task (`run`) delivers open entries oldest first (actions about
the same incident, visit or code stay in order). States: pending → sending → done | failed. Every
action carries an idempotency key from birth, sent on every try. What happens on each failure is
decided by `outbox_delivery`; every done action records how it was confirmed (`Settlement`).

Reads for the ui (`open_entries`, `recent`, `counts`, `get`) come from memory, never from the disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .actions import ActionKind, ActionState, OutboxEntry
from .clock import Clock, sleep_or_wake
from .connection import ConnectionMonitor
from .events import Event
from .offload import DiskWorker
from .outbox_delivery import Delivery
from .outbox_send import parse_result
from .outbox_store import LOCK_PATIENCE_S, OutboxStorageError, OutboxStore

if TYPE_CHECKING:
    from sety_console.api import SetyClient

log = logging.getLogger(__name__)

RECENT_KEPT = 500
FAILED_COUNTED_IN = 50
STORAGE_RETRY_S = 10.0
QUIET_MARGIN_S = 30.0
"""Added to the client's request timeout: how long after its last try an action's request may still
arrive at the server (held by a proxy or a slow network). Until then the outbox does not look."""

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
        quiet_margin_s: float = QUIET_MARGIN_S,
        patience_s: float = LOCK_PATIENCE_S,
    ) -> None:
        self.changed: Event[OutboxEntry] = Event()
        self.storage_problem: Event[str] = Event()
        self.last_storage_error: str | None = None
        self.data_dir = Path(data_dir)
        self._clock = clock
        self._on_result = on_result
        self._patience_s = patience_s
        self._wake = asyncio.Event()
        self._disk = DiskWorker("sety-outbox-disk")
        self._store: OutboxStore | None = None
        self._opening: asyncio.Future[None] | None = None
        self._open: dict[str, OutboxEntry] = {}
        self._recent: OrderedDict[str, OutboxEntry] = OrderedDict()
        self._delivery = Delivery(self, client, clock, monitor, rng or random.Random(), quiet_margin_s)

    # ------------------------------------------------------------------ lifecycle

    async def open(self) -> None:
        """Open the file (taking the folder's lock) and load what is open; raises `OutboxStorageError`."""
        if self._opening is None:
            self._opening = asyncio.ensure_future(self._load())
        await asyncio.shield(self._opening)

    async def _load(self) -> None:
        self._store = await self._disk.run(OutboxStore, self.data_dir, patience_s=self._patience_s)
        recent = await self._disk.run(self._store.recent, RECENT_KEPT)
        for entry in reversed(recent):
            self._recent[entry.action_id] = entry
        for entry in await self._disk.run(self._store.open_entries):
            entry = self._delivery.recovered(entry)
            await self._disk.run(self._store.update, entry)
            self._open[entry.action_id] = entry
            self._remember(entry)

    async def close(self) -> None:
        """Close the file and end the disk thread (pending actions stay on disk for the next start)."""
        store, self._store = self._store, None
        if store is not None:
            with contextlib.suppress(Exception):
                await self._disk.run(store.close)
        await asyncio.to_thread(self._disk.shutdown)

    # ------------------------------------------------------------------ what the ui calls

    async def submit(
        self, kind: ActionKind, payload: dict[str, Any], *, target_id: str | None, created_by: str | None
    ) -> OutboxEntry:
        """Commit a new action (raises `OutboxStorageError` if it cannot be saved) and schedule it."""
        await self.open()
        now = self._clock.now()
        key = str(payload.get("idempotency_key") or "") if kind is ActionKind.CREATE_INCIDENT else ""
        entry = OutboxEntry(
            action_id=f"act_{uuid.uuid4().hex}",
            kind=kind,
            payload=payload,
            target_id=target_id,
            state=ActionState.PENDING,
            created_at=now,
            created_by=created_by,
            updated_at=now,
            idempotency_key=key or str(uuid.uuid4()),
        )
        await self._save(entry, insert=True)
        self._open[entry.action_id] = entry
        self._remember(entry)
        self._wake.set()
        self.changed.emit(entry)
        return entry

    def get(self, action_id: str) -> OutboxEntry | None:
        return self._open.get(action_id) or self._recent.get(action_id)

    def open_entries(self) -> list[OutboxEntry]:
        """Actions not yet delivered, oldest first."""
        return list(self._open.values())

    def pending_for(self, target_id: str) -> list[OutboxEntry]:
        """Open actions about one incident, visit or access code."""
        return [e for e in self._open.values() if e.target_id == target_id]

    def recent(self, limit: int = 200) -> list[OutboxEntry]:
        """The latest entries of any state, newest first (from memory)."""
        newest = reversed(self._recent.values())
        return [entry for _, entry in zip(range(limit), newest, strict=False)]

    def counts(self) -> tuple[int, int]:
        """(actions not yet delivered, actions refused among the latest 50): for the status bar."""
        failed = sum(1 for e in self.recent(FAILED_COUNTED_IN) if e.state is ActionState.FAILED)
        return len(self._open), failed

    # ------------------------------------------------------------------ delivery

    async def run(self) -> None:
        """Deliver open entries until cancelled."""
        await self.open()
        while True:
            delivered = await self.deliver_due()
            if delivered:
                continue
            await self._wait(self._next_due())

    async def deliver_due(self) -> int:
        """Try every entry that is due now, once; returns how many were tried."""
        await self.open()
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
            await self._delivery.deliver(entry)
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
        await sleep_or_wake(self._clock, (until - self._clock.now()).total_seconds(), self._wake)

    async def claimed_results(self, entry: OutboxEntry, since: datetime) -> list[dict[str, Any]]:
        """Results other delivered actions of the same kind own (from the file: every one, not only the
        latest in memory), so a look-up never takes another action's copy for this one's."""
        if self._store is None:
            raise OutboxStorageError("The outbox is closed.")
        return await self._disk.run(self._store.done_results, entry.kind, since)

    # ------------------------------------------------------------------ bookkeeping (Delivery calls these)

    async def update(self, entry: OutboxEntry) -> bool:
        """Persist a state change; on a storage failure the entry stays as it was on disk."""
        try:
            await self._save(entry, insert=False)
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
        self._remember(entry)
        self.changed.emit(entry)
        if not entry.is_open and entry.state is ActionState.DONE:
            self._report_result(entry)
        return True

    def _report_result(self, entry: OutboxEntry) -> None:
        if self._on_result is None:
            return
        try:
            self._on_result(entry, parse_result(entry.kind, entry.result))
        except Exception:
            log.exception("outbox: result handler failed for %s", entry.action_id)

    def _remember(self, entry: OutboxEntry) -> None:
        self._recent[entry.action_id] = entry
        self._recent.move_to_end(entry.action_id)
        while len(self._recent) > RECENT_KEPT:
            self._recent.popitem(last=False)

    async def _save(self, entry: OutboxEntry, *, insert: bool) -> None:
        store = self._store
        if store is None:
            raise OutboxStorageError("The outbox is closed; the action was not saved.")
        try:
            await self._disk.run(store.insert if insert else store.update, entry)
        except OutboxStorageError as exc:
            self.last_storage_error = str(exc)
            log.error("outbox storage failed: %s", exc)
            self.storage_problem.emit(str(exc))
            raise
        if self.last_storage_error is not None:
            self.last_storage_error = None
            self.storage_problem.emit("")
