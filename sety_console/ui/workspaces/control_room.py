"""Control room: the live queue in the middle, the selected incident, alarms and pending actions in docks."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

from sety_console.api.errors import RequestValidationError
from sety_console.core.actions import ActionState, OutboxEntry
from sety_console.core.changes import ChangeSet
from sety_console.core.connection import ConnectionStatus
from sety_console.core.storage import StorageError
from sety_console.ui.alarm_list import AlarmList
from sety_console.ui.common.slots import async_slot, run_task
from sety_console.ui.incidents.create_dialog import CreateIncidentDialog
from sety_console.ui.incidents.detail import IncidentDetail
from sety_console.ui.incidents.queue_model import IncidentQueueModel
from sety_console.ui.incidents.queue_view import IncidentQueue
from sety_console.ui.pending_actions import PendingActionsPanel
from sety_console.ui.shortcuts_overlay import Shortcut
from sety_console.ui.workspace_host import WorkspaceHost
from sety_console.ui.workspaces.context import ShellContext

log = logging.getLogger(__name__)
FAILED_SHOWN_FOR = timedelta(hours=12)
DETAIL_MIN_WIDTH = 480
BOTTOM_DOCK_HEIGHT = 150  # alarms and pending actions: a few rows, the queue keeps the height


class ControlRoom(QObject):
    """Wires the queue, the detail panel and the create dialog to the session."""

    key = "control-room"
    title = "Control room"

    def __init__(self, ctx: ShellContext) -> None:
        super().__init__(ctx.window)
        self.ctx = ctx
        session = ctx.session
        self.model = IncidentQueueModel(session.incidents.get, ctx.now, palette=ctx.palette)
        self.queue = IncidentQueue(self.model)
        self.detail = IncidentDetail(ctx.now, palette=ctx.palette)
        self.pending = PendingActionsPanel()
        self.host = WorkspaceHost(self.key, self.queue)
        detail_dock = self.detail_dock = self.host.add_dock(
            "detail", "Incident", self.detail, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.alarm_list = AlarmList(ctx.now)
        pending_dock = self.pending_dock = self.host.add_dock(
            "pending", "My pending actions", self.pending, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        alarms_dock = self.host.add_dock(
            "alarms", "Alarms", self.alarm_list, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.host.tabifyDockWidget(pending_dock, alarms_dock)
        alarms_dock.raise_()
        self.host.resizeDocks([alarms_dock], [BOTTOM_DOCK_HEIGHT], Qt.Orientation.Vertical)
        detail_dock.setMinimumWidth(DETAIL_MIN_WIDTH)  # the timeline is unreadable any narrower
        # The detail runs the full height on the right; the pending actions sit under the queue only.
        for corner in (Qt.Corner.TopRightCorner, Qt.Corner.BottomRightCorner):
            self.host.setCorner(corner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.host.freeze_default()
        self.new_incident_action = QAction("New incident…", self.host)
        self.new_incident_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_incident_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.new_incident_action.triggered.connect(lambda: self.open_create_dialog(None, None))
        ctx.window.addAction(self.new_incident_action)
        self._wire()
        self.set_drills_forced(ctx.window.drills_forced)
        ctx.window.environment_changed.connect(self.set_drills_forced)
        self.model.reset_from(session.incidents.values())
        self._select_top_if_none()
        self._refresh_pending()

    def _wire(self) -> None:
        signals, session = self.ctx.signals, self.ctx.session
        signals.incidents_changed.connect(self._on_incidents)
        signals.connection_changed.connect(self._on_connection)
        signals.outbox_changed.connect(self._on_outbox)
        signals.alerts_changed.connect(self._refresh_detail)
        self.queue.selection_changed.connect(lambda _id: self._refresh_detail())
        self.queue.activated.connect(lambda _id: self._open_detail())
        self.detail.leave_requested.connect(self.queue.focus_search)
        self.detail.note_submitted.connect(lambda iid, text: self._act(lambda: session.add_note(iid, text)))
        self.detail.cancel_requested.connect(
            lambda iid, reason: self._act(lambda: session.cancel_incident(iid, reason))
        )
        self.detail.show_on_map_requested.connect(self.ctx.show_on_map)
        alarms = self.ctx.alarms
        self.detail.acknowledge_requested.connect(
            lambda iid: run_task(alarms.acknowledge(iid), "acknowledging the alarm")
        )
        alarms.alarms_changed.connect(self.alarm_list.show_alarms)
        alarms.alarms_changed.connect(lambda _alarms: self._refresh_detail())
        self.alarm_list.acknowledge_requested.connect(
            lambda iid: run_task(alarms.acknowledge(iid), "acknowledging the alarm")
        )
        self.alarm_list.shelve_requested.connect(
            lambda iid, minutes: run_task(alarms.shelve(iid, minutes), "shelving the alarm")
        )
        self.alarm_list.unshelve_requested.connect(
            lambda iid: run_task(alarms.unshelve(iid), "unshelving the alarm")
        )
        self.alarm_list.show_requested.connect(self.select)

    # --- live data ----------------------------------------------------------------------------

    def _on_incidents(self, change: ChangeSet) -> None:
        first_load = self.model.incident_count() == 0
        if change.full_resync or first_load:
            self.model.reset_from(self.ctx.session.incidents.values())  # nothing flashes on a first load
        else:
            self.model.apply(change)
        if first_load:
            self._select_top_if_none()
        current = self.queue.current_id()
        if current and (current in change.updated or change.full_resync):
            self._refresh_detail()

    def _select_top_if_none(self) -> None:
        """The most urgent incident is shown at once (also when the queue starts from the snapshot)."""
        top = self.model.incident_at(0) if self.queue.current_id() is None else None
        if top is not None:
            self.queue.select(top.incident_id)

    def _on_connection(self, status: ConnectionStatus) -> None:
        """While the incidents are not live, ages and SLA clocks are marked as projections."""
        as_of = status.stale.get("incidents")
        self.model.set_projection(as_of)
        self.detail.set_projection(as_of)

    def _on_outbox(self, entry: OutboxEntry) -> None:
        self._refresh_pending()
        if entry.target_id and entry.target_id == self.queue.current_id():
            self._refresh_detail()
        if entry.state is ActionState.FAILED:
            self.ctx.tell(f"The server refused an action: {entry.error}")

    def _refresh_pending(self) -> None:
        outbox = self.ctx.session.outbox
        cutoff = self.ctx.now() - FAILED_SHOWN_FOR
        refused = [
            e
            for e in outbox.recent(100)
            if e.state is ActionState.FAILED and (e.updated_at or e.created_at) > cutoff
        ]
        self.pending.show_entries([*outbox.open_entries(), *refused])

    def _refresh_detail(self) -> None:
        incident_id = self.queue.current_id()
        incident = self.ctx.session.incidents.get(incident_id) if incident_id else None
        pending = self.ctx.session.pending_for(incident_id) if incident_id else []
        refused = [
            e
            for e in self.ctx.session.outbox.recent(50)
            if e.target_id == incident_id and e.state is ActionState.FAILED
        ]
        log_lines = self.ctx.alarms.log_lines(incident_id) if incident_id else []
        alarm = self.ctx.alarms.alarm_of(incident_id) if incident_id else None
        state = alarm.state.label if alarm is not None and alarm.can_acknowledge else None
        actions = self.ctx.session.audit.for_target(incident_id) if incident_id else []
        self.detail.show_incident(incident, [*pending, *refused], log_lines, state, actions)

    # --- actions ------------------------------------------------------------------------------

    @async_slot()
    async def _act(self, submit: Callable[[], Awaitable[object]], saved: str = "") -> None:
        """Run one outbox submission (it returns once the action is on disk); a storage failure or a
        refused input is told, never swallowed; `saved` is said only once the action is stored."""
        try:
            await submit()
        except StorageError as exc:
            self.ctx.tell(f"Your action could not be saved on this computer: {exc}", 20)
            log.error("outbox storage failed: %s", exc)
        except RequestValidationError as exc:
            self.ctx.tell(f"Not sent: {exc}", 20)
        else:
            if saved:
                self.ctx.tell(saved)

    def _open_detail(self) -> None:
        """Enter on a row: the incident panel comes into view with the note box focused."""
        self.detail_dock.show()
        self.detail_dock.raise_()
        self.detail.focus_note()

    def set_drills_forced(self, forced: bool) -> None:
        """Every incident is a drill (test key, sandbox): said once by the window's badge."""
        self.queue.set_drills_forced(forced)
        self.detail.set_drills_forced(forced)

    def open_create_dialog(self, lat: float | None, lng: float | None) -> None:
        dialog = CreateIncidentDialog(
            self.ctx.window, palette=self.ctx.palette, drills_forced=self.ctx.window.drills_forced
        )
        if lat is not None and lng is not None:
            dialog.set_coordinates(lat, lng)

        def done(result: int) -> None:
            if result == CreateIncidentDialog.DialogCode.Accepted:
                request = dialog.request()
                saved = "New incident saved; it appears in the queue as soon as the server has it."
                self._act(lambda: self.ctx.session.create_incident(request), saved)
            dialog.deleteLater()

        dialog.finished.connect(done)
        dialog.open()

    def select(self, incident_id: str) -> None:
        self.ctx.window.show_workspace(self.key)
        self.queue.select(incident_id)

    def reveal(self, incident_id: str) -> str:
        """Select `incident_id` in the queue, first clearing the filters that hide it; returns what
        happened in a sentence (or why the queue cannot show it)."""
        workspace = self.ctx.window.workspace(self.key)
        if workspace is not None and workspace.unavailable_reason:
            return f"{incident_id} cannot be shown in the control room: {workspace.unavailable_reason}"
        fields = self.model.fields_of(incident_id)
        if fields is None:  # the selection stays on what the operator was looking at
            return f"{incident_id} is not in the control-room queue: this console does not hold it."
        if self.queue.select(incident_id):
            return f"Selected {incident_id} in the control-room queue."
        filters = self.queue.filters()
        hiding = filters.hiding(fields)
        self.queue.set_filters(filters.without(hiding))
        if not self.queue.select(incident_id):
            return f"{incident_id} is not in the control-room queue."
        incident = self.ctx.session.incidents.get(incident_id)
        status = f" ({incident.status.label.lower()})" if incident is not None else ""
        cleared = " and ".join(filters.part_label(part) for part in hiding)
        where = "in the control-room queue"
        return f"Selected {incident_id}{status} {where} after clearing {cleared}, which hid it."

    def shortcuts(self) -> Sequence[Shortcut]:
        actions = [self.new_incident_action, *self.queue.shortcut_actions(), *self.detail.shortcut_actions()]
        pairs = [
            (a.shortcut().toString(), a.text().rstrip("…")) for a in actions if not a.shortcut().isEmpty()
        ]
        return [
            *pairs,
            ("Ctrl+Enter", "Send the note being typed"),
            ("Down or Enter (in search)", "Move into the list"),
            ("Space / Enter", "Open the selected incident"),
            ("Esc", "Back to the search box"),
        ]

    async def ready(self) -> bool:
        """True once the queue shows data (for --screenshot)."""
        return self.model.rowCount() > 0
