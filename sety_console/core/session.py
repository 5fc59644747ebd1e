"""`ConsoleSession`: everything the ui needs, one per connection (built by `app.py`).

It owns the stores, the poller, the outbox, the connection monitor, the alert book and the snapshot
cache, wires them together and forwards their news as events (emitted on the loop's thread):

    incidents_changed / visitors_changed / zones_changed: Event[ChangeSet]
    connection_changed: Event[ConnectionStatus]     outbox_changed: Event[OutboxEntry]
    alerts_changed: Event[None]                     freshness_changed: Event[None]

Reads (`get_incident`, `safety_score`, …) are coroutines that raise the api's `SetyError` subclasses;
user actions (`create_incident`, `add_note`, `check_in`, …) are coroutines that return the stored
`OutboxEntry` once it is on disk (the loop's thread never waits for the disk); delivery happens in
the background. The poller, the outbox and the alert clock run under a `TaskSupervisor`: one that
ends unexpectedly is restarted (`restarts` counts them) and shown as a problem meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from sety_console.api.errors import RequestValidationError, SetyError
from sety_console.api.models import (
    AccessLog,
    AddNoteRequest,
    CancelIncidentRequest,
    CheckoutVisitorRequest,
    CreateAccessCodeRequest,
    CreateAccessLogRequest,
    CreateIncidentRequest,
    CreateIncidentResponse,
    Incident,
    RequestModel,
)

from .actions import ActionKind, OutboxEntry
from .alarm_book import AlarmBook, AlarmLog
from .alarm_log import SqliteAlarmLog
from .audit import AuditLog
from .audit_recorder import AuditRecorder
from .cache import Snapshot, SnapshotCache
from .changes import ChangeSet
from .clock import Clock, SystemClock
from .connection import ConnectionMonitor, ConnectionState, ConnectionStatus
from .events import Event
from .offload import off_loop
from .outbox import QUIET_MARGIN_S, Outbox
from .pacing import SharePacer
from .poll_plan import Area, PollPlan
from .poller import Poller, PollerEvents
from .scopes import probe_scopes
from .session_reads import SessionReads
from .shift_records import ShiftRecords
from .stores import IncidentStore, VisitorStore, ZoneStore, visitor_from_log
from .supervisor import Crash, TaskSupervisor

if TYPE_CHECKING:
    from sety_console.api import SetyClient

log = logging.getLogger(__name__)

ALERT_TICK_S = 1.0
SNAPSHOT_EVERY_S = 300.0
AREA_OF_SCOPE = {"incidents:read": Area.INCIDENTS, "access:read": Area.VISITORS, "intel:read": Area.ZONES}


class ConsoleSession(SessionReads):
    """Everything the ui needs; one per connection."""

    def __init__(
        self,
        client: SetyClient,
        *,
        data_dir: Path,
        operator_name: str,
        workstation: str = "",
        clock: Clock | None = None,
        poll_plan: PollPlan | None = None,
        server_id: str | None = None,
        outbox_quiet_margin_s: float = QUIET_MARGIN_S,
        alarm_log: AlarmLog | None = None,
    ) -> None:
        self._client = client
        self.server_id = server_id or client.base_url
        """Whose data the snapshot holds: the API's URL, or the sandbox's database (its port changes)."""
        self._clock = clock or SystemClock()
        self.operator_name = operator_name
        self.workstation = workstation
        self.data_dir = Path(data_dir)
        self.incidents, self.visitors, self.zones = IncidentStore(), VisitorStore(), ZoneStore()
        self.budget = client.budget
        self.connection = ConnectionMonitor(self._clock.now())
        self.cache = SnapshotCache(self.data_dir)
        events = PollerEvents()
        self.incidents_changed: Event[ChangeSet] = events.incidents_changed
        self.visitors_changed: Event[ChangeSet] = events.visitors_changed
        self.zones_changed: Event[ChangeSet] = events.zones_changed
        self.freshness_changed: Event[None] = events.freshness_changed
        self.connection_changed: Event[ConnectionStatus] = self.connection.changed
        plan = poll_plan or PollPlan()
        pacer = SharePacer(
            self.budget, self._clock, reserve_fraction=plan.reserve_fraction, min_reserve=plan.min_reserve
        )
        self._analytics_pacer = SharePacer(self.budget, self._clock, min_reserve=plan.min_reserve)
        self.poller = Poller(
            client,
            incidents=self.incidents,
            visitors=self.visitors,
            zones=self.zones,
            monitor=self.connection,
            clock=self._clock,
            pacer=pacer,
            plan=plan,
            events=events,
        )
        self.outbox = Outbox(
            client,
            self.data_dir,
            self._clock,
            monitor=self.connection,
            on_result=self._delivered,
            quiet_margin_s=outbox_quiet_margin_s,
        )
        self.outbox_changed: Event[OutboxEntry] = self.outbox.changed
        # the alarm actions: on this workstation's disk, or shared (a control-room hub's `HubAlarmLog`);
        # when alarms were raised and cleared always on this workstation's disk (the KPIs' history)
        self._local_alarm_log = SqliteAlarmLog(self.data_dir / "alerts.sqlite3")
        self._alarm_log: AlarmLog = alarm_log or self._local_alarm_log
        self.alarms = AlarmBook(
            self.incidents,
            self._alarm_log,
            workstation=workstation,
            history=self._local_alarm_log,
            operator=lambda: self.operator_name,
        )
        self.audit = AuditLog(self.data_dir / "audit.sqlite3")
        self.records = ShiftRecords(self.audit, self._local_alarm_log)
        """The audit trail and the alarm history, as the handover and the alarm KPIs read them."""
        self._auditor = AuditRecorder(self.audit, self._clock, workstation, lambda: self.operator_name)
        self.outbox.changed.connect(self._auditor.on_outbox)
        self.alarms.recorded.connect(self._auditor.on_alarm)
        self.alerts_changed: Event[None] = self.alarms.changed
        self.incidents_changed.connect(lambda _: self.alarms.evaluate(self._clock.now()))
        self.connection_changed.connect(self._on_connection)
        self.freshness_changed.connect(lambda _: self._observe_liveness(self._clock.now()))
        self.supervisor = TaskSupervisor(self._clock)
        self.supervisor.crashed.connect(self._on_crash)
        self._snapshot_shown = False
        self._started = asyncio.Event()  # reads wait for it: the server is ready once `start()` runs
        self._closed = False
        self._feed: Callable[[], Coroutine[Any, Any, None]] = self._poll
        self._feed_expected: Callable[[str], float | None] = lambda _stream: None

    def use_feed(
        self,
        feed: Callable[[], Coroutine[Any, Any, None]],
        *,
        expected_interval: Callable[[str], float | None] | None = None,
    ) -> None:
        """Keep the stores live with `feed()` instead of polling (e.g. a control-room hub's stream);
        `expected_interval(stream)` says how often the feed refreshes a stream (None: as polling would)."""
        self._feed = feed
        if expected_interval is not None:
            self._feed_expected = expected_interval

    # ------------------------------------------------------------------ lifecycle

    async def show_snapshot(self) -> None:
        """Fill the stores from the last snapshot, marked stale, before the server answers (once).

        The file is read and parsed off the event loop's thread."""
        if self._snapshot_shown:
            return
        self._snapshot_shown = True
        snapshot = await off_loop(self.cache.load, base_url=self.server_id)
        if snapshot is not None:
            self._restore_snapshot(snapshot)

    async def start(self) -> None:
        """Show the snapshot (stale) if not yet shown, open the outbox, then start polling, delivery and
        the alarm clock under the supervisor.

        Raises `OutboxStorageError` when the outbox cannot be opened (another console uses the folder).
        """
        await self.show_snapshot()
        self._observe_liveness(self._clock.now())  # from now on the status follows the data's age
        await self.audit.open(self._clock.now())
        await self.outbox.open()
        await self.alarms.open(self._clock.now())
        self._started.set()
        self.supervisor.spawn("sety-poller", self._feed)
        self.supervisor.spawn("sety-outbox", self.outbox.run)
        self.supervisor.spawn("sety-ticker", self._tick)

    @property
    def restarts(self) -> dict[str, int]:
        """How often each background task had to be started again."""
        return dict(self.supervisor.restarts)

    async def close(self) -> None:
        """Stop the tasks, save the snapshot, close the local databases (a second call does nothing)."""
        if self._closed:
            return
        self._closed = True
        await self.supervisor.stop()
        try:
            await self.save_snapshot()
        except OSError as exc:
            log.warning("could not save the snapshot: %s", exc)
        await self.outbox.close()
        await self.alarms.flush(stopped_at=self._clock.now() if self._started.is_set() else None)
        await self._local_alarm_log.close()
        await self._auditor.drain()
        await self.audit.close()

    def set_focus(self, workspace: str) -> None:
        """ "control-room" | "map" | "gate" | "supervisor": where the poller spends its budget."""
        self.poller.set_focus(workspace)
        self.connection.set_focus(workspace, self._clock.now())

    def available_workspaces(self) -> dict[str, str | None]:
        """Each workspace: None when the key's scopes allow it, else the reason it is unavailable."""
        return self.connection.available_workspaces()

    async def _poll(self) -> None:
        while True:
            try:
                granted = await probe_scopes(self._client, self.connection, self._clock)
            except SetyError:
                await self._clock.sleep(10.0)
                continue
            break
        for scope, area in AREA_OF_SCOPE.items():
            if not granted.get(scope, True):
                self.poller.disable(area)
        if not granted.get("incidents:read", True) and not granted.get("intel:read", True):
            self.poller.disable(Area.ZONES)
        await self.poller.run()

    async def _tick(self) -> None:
        since_save = 0.0
        while True:
            await self._clock.sleep(ALERT_TICK_S)
            now = self._clock.now()
            self.alarms.evaluate(now)
            self._observe_liveness(now)
            since_save += ALERT_TICK_S
            if since_save >= SNAPSHOT_EVERY_S:
                since_save = 0.0
                try:
                    await self.save_snapshot()
                except OSError as exc:
                    log.warning("could not save the snapshot: %s", exc)

    def _observe_liveness(self, now: datetime) -> None:
        """Tell the connection how old each stream's data is, against how often it should refresh."""
        areas = {"incidents": Area.INCIDENTS, "visitors": Area.VISITORS, "zones": Area.ZONES}
        stores = {"incidents": self.incidents, "visitors": self.visitors, "zones": self.zones}
        polled = {name: area for name, area in areas.items() if self.poller.polls(area)}
        self.connection.observe_data(
            now,
            {name: stores[name].fresh_as_of for name in polled},
            {
                name: self._feed_expected(name) or self.poller.expected_interval(area)
                for name, area in polled.items()
            },
        )

    def _on_crash(self, crash: Crash) -> None:
        """A background task ended unexpectedly: until it runs again, the picture is not trustworthy."""
        if crash.name == "sety-poller":
            for store in (self.incidents, self.visitors, self.zones):
                store.mark_stale()
            self.connection.record_problem(
                "incidents", self._clock.now(), stale_since=self.incidents.fresh_as_of
            )
            self.freshness_changed.emit(None)

    def _on_connection(self, status: ConnectionStatus) -> None:
        if status.state in (ConnectionState.OFFLINE, ConnectionState.UNAUTHORIZED, ConnectionState.SUSPENDED):
            for store in (self.incidents, self.visitors, self.zones):
                store.mark_stale()
            self.freshness_changed.emit(None)

    # ------------------------------------------------------------------ snapshot

    def _restore_snapshot(self, snapshot: Snapshot) -> None:
        fresh = snapshot.fresh_as_of
        incidents = self.incidents.replace_all(snapshot.incidents)
        self._restore(self.incidents, incidents, fresh.get("incidents"), self.incidents_changed)
        self._restore(
            self.visitors,
            self.visitors.replace(snapshot.visitors),
            fresh.get("visitors"),
            self.visitors_changed,
        )
        self._restore(self.zones, self.zones.replace(snapshot.zones), fresh.get("zones"), self.zones_changed)
        self.connection.set_snapshot_time(snapshot.fresh_as_of.get("incidents") or snapshot.saved_at)
        self.freshness_changed.emit(None)

    @staticmethod
    def _restore(
        store: IncidentStore | VisitorStore | ZoneStore, changes: ChangeSet, at: Any, event: Event[ChangeSet]
    ) -> None:
        store.mark_stale(at)
        if changes:
            event.emit(ChangeSet(added=changes.added, full_resync=True))

    async def save_snapshot(self) -> None:
        """Write what the stores hold now, off the loop's thread (raises OSError if the disk refuses)."""
        snapshot = Snapshot(
            incidents=self.incidents.values(),
            visitors=self.visitors.values(),
            zones=self.zones.values(),
            fresh_as_of={
                "incidents": self.incidents.fresh_as_of,
                "visitors": self.visitors.fresh_as_of,
                "zones": self.zones.fresh_as_of,
            },
            saved_at=self._clock.now(),
            base_url=self.server_id,
        )
        await off_loop(self.cache.save, snapshot)

    # ------------------------------------------------------------------ user actions

    async def _submit(
        self, kind: ActionKind, model: type[RequestModel], body: dict[str, Any], target_id: str | None
    ) -> OutboxEntry:
        try:
            payload = model.model_validate(body).body()
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise RequestValidationError(
                f"{where}: {first['msg']}" if where else first["msg"], field=where
            ) from exc
        return await self.outbox.submit(kind, payload, target_id=target_id, created_by=self.operator_name)

    async def create_incident(self, request: CreateIncidentRequest) -> OutboxEntry:
        """Queue a new incident; an `idempotency_key` is added if missing and kept for every retry."""
        body = request.body()
        if not body.get("idempotency_key"):
            station = self.workstation or "console"
            body["idempotency_key"] = f"{station}-{uuid.uuid4().hex}"[:255]
        return await self._submit(ActionKind.CREATE_INCIDENT, CreateIncidentRequest, body, None)

    async def cancel_incident(self, incident_id: str, reason: str) -> OutboxEntry:
        body = {"reason": reason} if reason else {}
        return await self._submit(ActionKind.CANCEL_INCIDENT, CancelIncidentRequest, body, incident_id)

    async def add_note(self, incident_id: str, message: str) -> OutboxEntry:
        """Queue a note signed with the operator's name."""
        body = {"message": message, "author": self.operator_name or None}
        return await self._submit(
            ActionKind.ADD_NOTE, AddNoteRequest, {k: v for k, v in body.items() if v}, incident_id
        )

    async def create_access_code(self, request: CreateAccessCodeRequest) -> OutboxEntry:
        return await self._submit(
            ActionKind.CREATE_ACCESS_CODE, CreateAccessCodeRequest, request.body(), None
        )

    async def revoke_access_code(self, code_id: str) -> OutboxEntry:
        return await self.outbox.submit(
            ActionKind.REVOKE_ACCESS_CODE, {}, target_id=code_id, created_by=self.operator_name
        )

    async def check_in(self, request: CreateAccessLogRequest) -> OutboxEntry:
        """Queue a check-in; `created_by` is the operator unless the request names someone."""
        body = request.body()
        if not body.get("created_by") and self.operator_name:
            body["created_by"] = self.operator_name
        return await self._submit(ActionKind.CHECK_IN, CreateAccessLogRequest, body, None)

    async def check_out(self, log_id: str, notes: str | None = None, gate: str | None = None) -> OutboxEntry:
        body = {k: v for k, v in {"checkout_notes": notes, "checkout_gate": gate}.items() if v}
        return await self._submit(ActionKind.CHECK_OUT, CheckoutVisitorRequest, body, log_id)

    def pending_for(self, target_id: str) -> list[OutboxEntry]:
        """Open actions about one incident, visit or access code (shown as pending)."""
        return self.outbox.pending_for(target_id)

    def _delivered(self, entry: OutboxEntry, result: BaseModel | None) -> None:
        """A delivered action's answer goes into the stores at once (no waiting for a poll)."""
        changes: ChangeSet | None = None
        if isinstance(result, CreateIncidentResponse):
            changes = self.incidents.apply([result.incident])
        elif isinstance(result, Incident):
            changes = self.incidents.apply([result])
        if changes:
            self.incidents_changed.emit(changes)
        if entry.kind is ActionKind.CHECK_IN and isinstance(result, AccessLog):
            self._emit_visitors(self.visitors.upsert(visitor_from_log(result, self._clock.now())))
        elif entry.kind is ActionKind.CHECK_OUT and entry.target_id:
            self._emit_visitors(self.visitors.discard(entry.target_id))

    def _emit_visitors(self, changes: ChangeSet) -> None:
        if changes:
            self.visitors_changed.emit(changes)
