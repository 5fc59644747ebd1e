"""`HubLink`: a console's stores kept live by a control-room hub's change stream instead of polling.

It applies every change set the hub streams to the console's own stores (the same `ChangeSet` events a
poller would emit, so the ui cannot tell the difference), remembers the last sequence number applied and,
after a drop, reconnects with it: the hub sends exactly the changes missed (no gap, no reload), or a
snapshot when this console was away longer than the hub's log reaches. Freshness comes from the hub's
status messages (the time Sety last confirmed the picture), never from the stream merely being open.

Shared operator state arrives on the same stream and is kept here, with events for the ui:

    alarms[(incident_id, reason)] -> AlarmRecord     alarm_changed: Event[AlarmRecord]
    claims[incident_id] -> ClaimRecord               claim_changed: Event[tuple[str, ClaimRecord | None]]
    on_shift: list[OnShift]                          shift_changed: Event[list[OnShift]]
                                                     audit_added: Event[AuditRecord]
    link_changed: Event[LinkState]  (connecting / snapshot / resumed / dropped / refused)
    hello.environment ("live"/"test", the org key's), hub_status (the hub's freshness and link to Sety,
    how often it refreshes each part — the console's liveness yardstick —, which hub leads, webhook push)

`open_stream(since=…)` may move between the hubs of one control room (see `hub_session`); their change
logs are one, so the sequence number carries over and a resume on another hub has no gap either.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

from pydantic import ValidationError

from sety_console.api.errors import AuthenticationError, ConnectionLostError, SetyError
from sety_console.api.hub_models import (
    AlarmRecord,
    AuditRecord,
    ClaimRecord,
    OnShift,
    StreamChange,
    StreamError,
    StreamHello,
    StreamMessage,
    StreamSnapshot,
    StreamStatus,
)
from sety_console.api.models import CurrentVisitor, DangerZone, Incident

from .changes import ChangeSet
from .clock import Clock
from .connection import ConnectionMonitor
from .events import Event
from .poller import PollerEvents
from .stores import IncidentStore, VisitorStore, ZoneStore

log = logging.getLogger(__name__)

RECONNECT_DELAYS_S = (0.2, 0.5, 1.0, 2.0, 5.0, 10.0)
OFFLINE_STATES = {"offline", "unauthorized", "suspended"}


class StreamOpener(Protocol):
    def __call__(self, *, since: int | None) -> AsyncIterator[StreamMessage]: ...


class LinkState(Enum):
    CONNECTING = "connecting"
    SNAPSHOT = "snapshot"  # connected; the whole picture was (re)loaded
    RESUMED = "resumed"  # connected; only the missed changes were sent
    DROPPED = "dropped"  # the stream broke; reconnecting
    REFUSED = "refused"  # the hub refused the operator token: no more tries


@dataclass
class LinkCounters:
    connects: int = 0
    snapshots: int = 0
    resumes: int = 0
    changes: int = 0


def _merge(a: ChangeSet, b: ChangeSet) -> ChangeSet:
    return ChangeSet(
        a.added + b.added, a.updated + b.updated, a.removed + b.removed, a.full_resync or b.full_resync
    )


@dataclass
class HubLink:
    """Applies a hub's stream to the stores; `run()` until cancelled (or the token is refused)."""

    open_stream: StreamOpener
    incidents: IncidentStore
    visitors: VisitorStore
    zones: ZoneStore
    events: PollerEvents
    monitor: ConnectionMonitor
    clock: Clock
    seq: int | None = None
    alarms: dict[tuple[str, str], AlarmRecord] = field(default_factory=dict)
    claims: dict[str, ClaimRecord] = field(default_factory=dict)
    on_shift: list[OnShift] = field(default_factory=list)
    hub_status: StreamStatus | None = None
    hello: StreamHello | None = None
    """The last greeting: operator, hub id, the org key's environment ("live"/"test")."""
    scopes: dict[str, bool] | None = None
    counters: LinkCounters = field(default_factory=LinkCounters)
    alarm_changed: Event[AlarmRecord] = field(default_factory=Event)
    claim_changed: Event[tuple[str, ClaimRecord | None]] = field(default_factory=Event)
    audit_added: Event[AuditRecord] = field(default_factory=Event)
    shift_changed: Event[list[OnShift]] = field(default_factory=Event)
    link_changed: Event[LinkState] = field(default_factory=Event)

    async def run(self) -> None:
        """Follow the stream; after a drop reconnect (backing off) and resume from `seq`; after a refused
        token, wait (until cancelled) without trying again."""
        failures = 0
        while True:
            self.link_changed.emit(LinkState.CONNECTING)
            try:
                async for message in self.open_stream(since=self.seq):
                    failures = 0
                    self.handle(message)
            except AuthenticationError as error:
                log.warning("the hub refused this workstation's token: %s", error)
                self.monitor.record_failure(error, self.clock.now())
                self._mark_stale()
                self.link_changed.emit(LinkState.REFUSED)
                await self._stay_refused()
            except SetyError as error:
                self._dropped(error)
            delay = RECONNECT_DELAYS_S[min(failures, len(RECONNECT_DELAYS_S) - 1)]
            failures += 1
            await self.clock.sleep(delay)

    async def _stay_refused(self) -> None:
        """A refused token stays refused (a new one needs a new session): never hammer the hub."""
        while True:
            await self.clock.sleep(3600.0)

    def _dropped(self, error: SetyError) -> None:
        log.info("the hub's stream dropped (%s); resuming from %s", error, self.seq)
        self.monitor.record_failure(error, self.clock.now())
        self._mark_stale()
        self.link_changed.emit(LinkState.DROPPED)

    def _mark_stale(self) -> None:
        for store in (self.incidents, self.visitors, self.zones):
            store.mark_stale()
        self.events.freshness_changed.emit(None)

    # ------------------------------------------------------------------ messages

    def handle(self, message: StreamMessage) -> None:
        """Apply one stream message (public for tests and replays)."""
        if isinstance(message, StreamHello):
            self.hello = message
            self.counters.connects += 1
            if message.resumed:
                self.counters.resumes += 1
                self.link_changed.emit(LinkState.RESUMED)
        elif isinstance(message, StreamSnapshot):
            self._snapshot(message)
        elif isinstance(message, StreamChange):
            self._change(message)
        elif isinstance(message, StreamStatus):
            self._status(message)
        elif isinstance(message, StreamError):
            log.warning("the hub reported: %s (%s)", message.message, message.code)

    def _snapshot(self, message: StreamSnapshot) -> None:
        self.counters.snapshots += 1
        incidents = self.incidents.replace_all(_parse(Incident, message.incidents))
        visitors = self.visitors.replace(_parse(CurrentVisitor, message.visitors))
        zones = self.zones.replace(_parse(DangerZone, message.zones))
        self.alarms = {(a.incident_id, a.reason): a for a in message.alarms}
        self.claims = {c.incident_id: c for c in message.claims}
        self.on_shift = list(message.on_shift)
        self.seq = message.seq
        self._emit(self.events.incidents_changed, incidents)
        self._emit(self.events.visitors_changed, visitors)
        self._emit(self.events.zones_changed, zones)
        for alarm in message.alarms:
            self.alarm_changed.emit(alarm)
        self.shift_changed.emit(self.on_shift)
        self.link_changed.emit(LinkState.SNAPSHOT)

    def _change(self, change: StreamChange) -> None:
        if self.seq is not None and change.seq <= self.seq:
            return  # already applied (a resume overlapping what was received)
        self.counters.changes += 1
        kind = change.kind
        if kind == "incidents":
            applied = self.incidents.apply(_parse(Incident, change.upsert))
            self._emit(self.events.incidents_changed, _merge(applied, self.incidents.remove(change.removed)))
        elif kind in ("visitors", "zones"):
            self._emit(getattr(self.events, f"{kind}_changed"), self._apply_list(kind, change))
        elif kind == "alarm" and change.alarm is not None:
            self.alarms[(change.alarm.incident_id, change.alarm.reason)] = change.alarm
            self.alarm_changed.emit(change.alarm)
        elif kind == "claim" and change.incident_id:
            self._claim(change.incident_id, change.claim)
        elif kind == "shift" and change.on_shift is not None:
            self.on_shift = list(change.on_shift)
            self.shift_changed.emit(self.on_shift)
        if change.audit is not None:
            self.audit_added.emit(change.audit)
        self.seq = change.seq

    def _apply_list(self, kind: str, change: StreamChange) -> ChangeSet:
        store: VisitorStore | ZoneStore = self.visitors if kind == "visitors" else self.zones
        merged = ChangeSet()
        model: Any = CurrentVisitor if kind == "visitors" else DangerZone
        for item in _parse(model, change.upsert):
            merged = _merge(merged, store.upsert(item))
        for key in change.removed:
            merged = _merge(merged, store.discard(key))
        return merged

    def _claim(self, incident_id: str, claim: ClaimRecord | None) -> None:
        if claim is None:
            self.claims.pop(incident_id, None)
        else:
            self.claims[incident_id] = claim
        self.claim_changed.emit((incident_id, claim))

    def expected_interval(self, stream: str) -> float | None:
        """How often the hub refreshes `stream` (seconds), as its last status said; None if unknown."""
        if self.hub_status is None:
            return None
        value = self.hub_status.expected.get(stream)
        return value if value and value > 0 else None

    def _status(self, status: StreamStatus) -> None:
        self.hub_status = status
        now = self.clock.now()
        if status.scopes is not None and status.scopes != self.scopes:
            self.scopes = dict(status.scopes)  # the org key's scopes decide the workspaces
            for scope, granted in status.scopes.items():
                self.monitor.record_scope(scope, granted, now)
        state = str(status.connection.get("state", ""))
        if state in OFFLINE_STATES:
            reason = status.connection.get("message") or "the hub cannot reach the Sety API"
            self.monitor.record_failure(ConnectionLostError(f"Via the hub: {reason}"), now)
        else:
            self.monitor.record_success(now)
        for kind, store in (
            ("incidents", self.incidents),
            ("visitors", self.visitors),
            ("zones", self.zones),
        ):
            at = status.fresh.get(kind)
            if at is not None and not status.stale.get(kind, True):
                store.mark_fresh(at)
            elif at is not None:
                store.mark_stale(at)
        self.events.freshness_changed.emit(None)

    @staticmethod
    def _emit(event: Event[ChangeSet], changes: ChangeSet) -> None:
        if changes:
            event.emit(changes)


def _parse(model: Callable[..., Any] | type[Any], documents: list[dict[str, Any]]) -> list[Any]:
    """Documents that parse (a malformed one is logged and skipped, never fatal)."""
    items = []
    for document in documents:
        try:
            items.append(model.model_validate(document))  # type: ignore[union-attr]
        except ValidationError as exc:
            log.warning("skipping a document from the hub that does not parse: %s", exc)
    return items
