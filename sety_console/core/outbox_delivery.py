"""Delivering one outbox action, and what each failure means for it.

Every try sends the action's idempotency key. After a failure:

* transport errors, 5xx, 429, a refused key (401) or plan (402): stay pending, retried with backoff
  (429 waits its `Retry-After`);
* an *ambiguous* failure (the server may have acted) marks the entry `needs_check`. A create (keyed by
  its body), a cancel, a checkout and a revoke are simply sent again (a repeat is harmless: replayed, or
  409 "already done"). A note, check-in or access code is sent again at once only when the server is
  known to honour `Idempotency-Key`; otherwise the outbox waits until the earlier try can no longer
  arrive (the client's timeout plus a margin after the last try, across restarts too), then looks for
  it on the server, paging through every candidate, and sends again only if it is not there;
* 400, 403, 404 and other 409s: failed, with the server's message;
* 409 on cancelling an incident that is already cancelled, on checking out a visit that is already
  out, or on revoking a code that is no longer active: done (the operator's intent holds).

An entry found `sending` after a restart may have reached the server: it is replayed as `needs_check`,
its last try counted as late as it could have started. Each done entry records its `Settlement`.
"""

from __future__ import annotations

import logging
import random
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

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

from .actions import ActionKind, ActionState, OutboxEntry, Settlement
from .clock import Clock
from .connection import ConnectionMonitor
from .outbox_send import (
    CHECKED_KINDS,
    CLOCK_TOLERANCE,
    WRITE_SCOPE,
    look_on_server,
    result_key,
    send,
    settlement,
)

if TYPE_CHECKING:
    from sety_console.api import SetyClient

    from .outbox import Outbox

log = logging.getLogger(__name__)

BACKOFF_BASE_S = 1.0
BACKOFF_MAX_S = 60.0
KEY_REFUSED_RETRY_S = 60.0
BUG_RETRY_S = 300.0


class Delivery:
    """Sends one entry at a time for an `Outbox` and records the outcome through it."""

    def __init__(
        self,
        outbox: Outbox,
        client: SetyClient,
        clock: Clock,
        monitor: ConnectionMonitor | None,
        rng: random.Random,
        quiet_margin_s: float,
    ) -> None:
        self._outbox = outbox
        self._client = client
        self._clock = clock
        self._monitor = monitor
        self._rng = rng
        self._quiet_margin_s = quiet_margin_s

    # ------------------------------------------------------------------ timing

    @property
    def quiet_s(self) -> float:
        """Seconds after a try during which its request may still reach the server."""
        return float(self._client.timeout) + self._quiet_margin_s

    def _honoured(self) -> bool:
        return self._client.idempotency_honoured is True

    def _must_look(self, entry: OutboxEntry) -> bool:
        """The server may hold an earlier try that only a look-up can find (a key deduplicates only the
        tries that carried it, and only on a server known to honour it)."""
        keyed = self._honoured() and bool(entry.idempotency_key)
        return entry.needs_check and entry.kind in CHECKED_KINDS and not keyed

    def quiet_until(self, entry: OutboxEntry) -> datetime | None:
        """When the entry may be looked up (None: it need not wait)."""
        if not self._must_look(entry) or entry.last_sent_at is None:
            return None
        return entry.last_sent_at + timedelta(seconds=self.quiet_s)

    def recovered(self, entry: OutboxEntry) -> OutboxEntry:
        """An open entry loaded at start; one found `sending` died mid-try: its outcome is unknown."""
        if entry.state is ActionState.SENDING:
            started = entry.last_sent_at or entry.updated_at or entry.created_at
            latest_try = min(started + timedelta(seconds=self._client.retry.deadline), self._clock.now())
            entry = replace(
                entry,
                state=ActionState.PENDING,
                needs_check=True,
                last_sent_at=latest_try,
                next_attempt_at=None,
            )
        elif entry.needs_check and entry.last_sent_at is None:  # a file from before `last_sent_at` existed
            entry = replace(entry, last_sent_at=entry.updated_at or entry.created_at)
        quiet = self.quiet_until(entry)
        if quiet is not None and (entry.next_attempt_at is None or entry.next_attempt_at < quiet):
            entry = replace(entry, next_attempt_at=quiet)
        return entry

    # ------------------------------------------------------------------ one try

    async def deliver(self, entry: OutboxEntry) -> None:
        now = self._clock.now()
        quiet = self.quiet_until(entry)
        if quiet is not None and quiet > now:  # the earlier try may still arrive: do not look yet
            await self._outbox.update(replace(entry, next_attempt_at=quiet))
            return
        previous_send = entry.last_sent_at
        entry = replace(
            entry, state=ActionState.SENDING, attempts=entry.attempts + 1, updated_at=now, last_sent_at=now
        )
        if not await self._outbox.update(entry):
            return
        try:
            result, how = await self._try(entry)
        except SetyError as error:
            if not error.ambiguous:  # this try never reached the server: the earlier one still counts
                entry = replace(entry, last_sent_at=previous_send or entry.last_sent_at)
            await self._failed(entry, error)
        except Exception as exc:  # a bug must not lose the action: keep it, log it, retry much later
            log.exception("outbox: unexpected failure delivering %s", entry.action_id)
            await self._retry(replace(entry, needs_check=True), f"Unexpected error: {exc}", BUG_RETRY_S)
        else:
            self._report_ok()
            await self._finish(entry, ActionState.DONE, result, None, how)

    async def _try(self, entry: OutboxEntry) -> tuple[BaseModel, Settlement]:
        if self._must_look(entry):
            found = await look_on_server(self._client, entry, await self._claimed(entry))
            if found is not None:
                log.info("%s %s was already on the server; not sent again", entry.kind.value, entry.action_id)
                return found, Settlement.FOUND
        result = await send(self._client, entry)
        return result, settlement(entry, result)

    async def _claimed(self, entry: OutboxEntry) -> set[str]:
        """Result ids already owned by other delivered entries of the same kind."""
        since = entry.created_at - 2 * CLOCK_TOLERANCE  # what the look-up's window can reach, and skew
        results = await self._outbox.claimed_results(entry, since)
        keys = (result_key(entry.kind, result) for result in results)
        return {key for key in keys if key}

    # ------------------------------------------------------------------ outcomes

    async def _failed(self, entry: OutboxEntry, error: SetyError) -> None:
        self._report_error(entry, error)
        message = str(error)
        if isinstance(error, RateLimitedError):
            await self._retry(entry, message, max(error.retry_after, BACKOFF_BASE_S))
        elif isinstance(error, AuthenticationError | PaymentRequiredError):
            await self._retry(entry, message, KEY_REFUSED_RETRY_S)
        elif isinstance(error, ConflictError):
            await self._conflict(entry, error)
        elif error.transient or error.ambiguous:
            entry = replace(entry, needs_check=entry.needs_check or error.ambiguous)
            delay = self._backoff(entry.attempts)
            quiet = self.quiet_until(entry)
            if quiet is not None:
                delay = max(delay, (quiet - self._clock.now()).total_seconds())
            await self._retry(entry, message, delay)
        else:
            await self._finish(entry, ActionState.FAILED, None, message, None)

    async def _conflict(self, entry: OutboxEntry, error: SetyError) -> None:
        """409: done when the server is already where the operator wanted it, failed otherwise."""
        if entry.kind is ActionKind.CANCEL_INCIDENT and entry.target_id:
            try:
                incident = await self._client.get_incident(entry.target_id)
            except SetyError as lookup_error:
                await self._retry(entry, str(lookup_error), self._backoff(entry.attempts))
                return
            if incident.status == IncidentStatus.cancelled:
                await self._finish(entry, ActionState.DONE, incident, None, Settlement.ALREADY_DONE)
            elif incident.status.is_active:  # our own earlier try is still being processed
                await self._retry(replace(entry, needs_check=True), str(error), self._backoff(entry.attempts))
            else:
                await self._finish(entry, ActionState.FAILED, incident, _closed_message(incident), None)
        elif entry.kind in (ActionKind.CHECK_OUT, ActionKind.REVOKE_ACCESS_CODE):
            done = f"Already done on the server: {error.message}"
            await self._finish(entry, ActionState.DONE, None, done, Settlement.ALREADY_DONE)
        elif entry.kind in CHECKED_KINDS:  # its key is in use by an earlier try still being processed
            entry = replace(entry, needs_check=True)
            await self._retry(entry, str(error), self._backoff(entry.attempts))
        else:
            await self._finish(entry, ActionState.FAILED, None, str(error), None)

    def _backoff(self, attempts: int) -> float:
        ceiling = min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2.0 ** max(0, min(attempts, 30) - 1))
        return float(ceiling * (0.5 + 0.5 * self._rng.random()))

    async def _retry(self, entry: OutboxEntry, message: str, delay: float) -> None:
        now = self._clock.now()
        await self._outbox.update(
            replace(
                entry,
                state=ActionState.PENDING,
                error=message,
                updated_at=now,
                next_attempt_at=now + timedelta(seconds=delay),
            )
        )

    async def _finish(
        self,
        entry: OutboxEntry,
        state: ActionState,
        result: BaseModel | None,
        error: str | None,
        how: Settlement | None,
    ) -> None:
        await self._outbox.update(
            replace(
                entry,
                state=state,
                error=error,
                result=result.model_dump(mode="json") if result is not None else None,
                updated_at=self._clock.now(),
                next_attempt_at=None,
                settled_by=how,
            )
        )

    # ------------------------------------------------------------------ connection state

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
