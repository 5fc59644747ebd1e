"""Feeds the audit trail: every outbox action and every alarm action, as it is taken and as it settles."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from sety_console.core.local_time import to_local

from .actions import ActionKind, ActionState, OutboxEntry
from .alarm_book import ALL_INCIDENTS, AlarmRecord
from .audit import AuditEntry, AuditLog
from .clock import Clock
from .storage import StorageError

log = logging.getLogger(__name__)


def summarize(entry: OutboxEntry) -> str:
    """An outbox action in a few words, for the trail and its CSV."""
    body = entry.payload
    if entry.kind is ActionKind.CREATE_INCIDENT:
        who = (body.get("subject") or {}).get("name") or "unknown caller"
        return f"New {body.get('severity', 'high')} {body.get('category', '')} incident for {who}"
    if entry.kind is ActionKind.CANCEL_INCIDENT:
        return f"Cancel incident: {body.get('reason') or 'no reason given'}"
    if entry.kind is ActionKind.ADD_NOTE:
        return f"Note: {body.get('message', '')}"
    if entry.kind is ActionKind.CHECK_IN:
        return f"Check-in of {body.get('visitor_name') or 'a visitor'}"
    if entry.kind is ActionKind.CHECK_OUT:
        return "Checkout" + (f": {body['checkout_notes']}" if body.get("checkout_notes") else "")
    if entry.kind is ActionKind.CREATE_ACCESS_CODE:
        return f"Access code for {body.get('visitor_name') or 'a visitor'}"
    return "Revoke access code"


def _for_how_long(record: AlarmRecord) -> str:
    """` for 15 min (until 19:30 WAT)`: the length reads the same in any zone, the end names its zone."""
    if record.until is None:
        return ""
    minutes = round((record.until - record.at).total_seconds() / 60)
    local = to_local(record.until)
    return f" for {minutes} min (until {local:%H:%M} {local.tzname() or ''})".replace(" )", ")")


class AuditRecorder:
    """Listens to the outbox and the alarm book and writes what operators did, off the loop's thread."""

    def __init__(self, audit: AuditLog, clock: Clock, workstation: str, operator: Callable[[], str]) -> None:
        self._audit = audit
        self._clock = clock
        self._workstation = workstation
        self._operator = operator
        self._writes: set[asyncio.Task[None]] = set()

    def on_outbox(self, entry: OutboxEntry) -> None:
        """An outbox entry changed: first seen → acted; done → confirmed; failed → refused."""
        known = self._audit.get(entry.action_id)
        if known is None:
            acted = AuditEntry(
                entry.action_id,
                entry.kind.value,
                entry.target_id,
                summarize(entry),
                entry.created_by or self._operator(),
                self._workstation,
                entry.created_at,
            )
            self._write(self._audit.acted(acted))
        if entry.state is ActionState.DONE:
            made = ((entry.result or {}).get("incident") or {}).get("incident_id")
            at = entry.updated_at or self._clock.now()
            self._write(self._audit.settled(entry.action_id, at, target_id=made))
        elif entry.state is ActionState.FAILED:
            reason = entry.error or "refused by the server"
            self._write(self._audit.settled(entry.action_id, self._clock.now(), refused=reason))

    def on_alarm(self, record: AlarmRecord) -> None:
        """An alarm action taken here: acted and settled at once (it lives on this workstation)."""
        target = None if record.incident_id == ALL_INCIDENTS else record.incident_id
        reasons = ", ".join(r.label for r in record.reasons)
        summary = f"Alarm {record.action.value}{_for_how_long(record)}" + (f" ({reasons})" if reasons else "")
        action_id = f"alarm_{record.action.value}_{record.incident_id}_{record.at.timestamp():.3f}"
        entry = AuditEntry(
            action_id, f"alarm_{record.action.value}", target, summary, record.by,
            record.workstation or self._workstation, record.at,
        )  # fmt: skip
        self._write(self._record_alarm(entry))

    async def _record_alarm(self, entry: AuditEntry) -> None:
        await self._audit.acted(entry)
        await self._audit.settled(entry.action_id, entry.acted_at)

    def _write(self, write: Awaitable[None]) -> None:
        task = asyncio.get_running_loop().create_task(self._guard(write))
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def _guard(self, write: Awaitable[None]) -> None:
        try:
            await write
        except StorageError as exc:
            log.error("the audit trail could not be written: %s", exc)

    async def drain(self) -> None:
        """Wait for the writes in flight (before closing the log)."""
        while self._writes:
            await asyncio.gather(*list(self._writes), return_exceptions=True)
