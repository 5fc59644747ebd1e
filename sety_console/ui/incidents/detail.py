"""The incident detail panel: facts, the full timeline with pending actions, notes and actions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from PySide6.QtCore import QSize, Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from sety_console.api.models import Incident
from sety_console.core.actions import ActionKind, OutboxEntry
from sety_console.core.audit import AuditEntry
from sety_console.ui.common.palette import Palette, colors

from .cancel_dialog import CancelDialog
from .detail_facts import DetailFacts, DetailHeader
from .note_box import NoteBox
from .timeline import TimelineView, render_timeline

TIMELINE_ENTRIES = 8
"""The timeline keeps room for this many two-line entries; the facts above scroll instead."""
FACTS_MIN_HEIGHT = 150
"""The facts pane never shrinks below this (the header: severity, status, SLA)."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class _FitScrollArea(QScrollArea):
    """Asks for its content's full height, so the splitter shows the facts whole when it can, and
    tells the facts how wide it is (two columns of boxes or one)."""

    def __init__(self, facts: DetailFacts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._facts = facts

    def sizeHint(self) -> QSize:
        inner = self.widget()
        return inner.sizeHint() if inner is not None else super().sizeHint()

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Count the vertical scroll bar as there: it appears once the boxes are laid out.
        self._facts.fit_width(event.size().width() - self.verticalScrollBar().sizeHint().width())
        super().resizeEvent(event)


class IncidentDetail(QWidget):
    """Everything about one incident. `show_incident` may be called on every poll: the same
    incident updates in place (the note being typed and the timeline's scroll position stay).

    Signals carry the incident id: `note_submitted(id, text)`, `cancel_requested(id, reason)`,
    `show_on_map_requested(id)`, `acknowledge_requested(id)`.
    """

    note_submitted = Signal(str, str)
    cancel_requested = Signal(str, str)
    show_on_map_requested = Signal(str)
    acknowledge_requested = Signal(str)
    leave_requested = Signal()
    """Esc in the panel: the control room returns to the queue's search box (a draft note stays)."""

    def __init__(
        self,
        now: Callable[[], datetime] = _utc_now,
        parent: QWidget | None = None,
        *,
        palette: Palette | None = None,
    ) -> None:
        super().__init__(parent)
        self._now = now
        self._palette = palette or colors("dark")
        self._incident: Incident | None = None
        self._pending: tuple[OutboxEntry, ...] = ()
        self._alert_log: tuple[str, ...] = ()
        self._alarm: str | None = None
        self._actions: tuple[AuditEntry, ...] = ()
        self._drafts: dict[str, str] = {}
        self.cancel_dialog: CancelDialog | None = None
        self._split_by_operator = False
        self.empty = QLabel("Select an incident in the queue to see it here.", self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setProperty("role", "muted")
        self.header = DetailHeader(self)
        self.facts = DetailFacts(self)
        self.timeline = TimelineView(self)
        self.note_box = NoteBox(self)
        self._build_buttons()
        self._build_layout()
        self._make_actions()
        self.note_box.submitted.connect(self._submit_note)
        self._clock = QTimer(self, interval=1000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()
        self.show_incident(None)

    def _build_buttons(self) -> None:
        self.acknowledge_button = QPushButton("Acknowledge", self)
        self.acknowledge_button.setProperty("role", "primary")
        self.map_button = QPushButton("Show on map", self)
        self.cancel_button = QPushButton("Cancel incident…", self)
        self.cancel_button.setProperty("role", "danger")
        self.acknowledge_button.clicked.connect(lambda: self._emit_for_current(self.acknowledge_requested))
        self.map_button.clicked.connect(lambda: self._emit_for_current(self.show_on_map_requested))
        self.cancel_button.clicked.connect(self.open_cancel_dialog)

    def _build_layout(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.acknowledge_button, self.map_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        # Cancelling is rare and cannot be undone: it sits below the facts, away from Acknowledge.
        cancel_row = QHBoxLayout()
        cancel_row.addStretch(1)
        cancel_row.addWidget(self.cancel_button)
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.header)
        top_layout.addLayout(buttons)
        top_layout.addWidget(self.facts)
        top_layout.addLayout(cancel_row)
        bottom = QWidget(self)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        timeline_title = self._timeline_title = QLabel("<b>Timeline</b>", bottom)
        bottom_layout.addWidget(timeline_title)
        bottom_layout.addWidget(self.timeline, 1)
        bottom_layout.addWidget(self.note_box)
        facts = self._facts_area = _FitScrollArea(
            self.facts, self
        )  # a short dock scrolls the facts, never cuts them
        facts.setWidget(top)
        facts.setWidgetResizable(True)
        facts.setFrameShape(QFrame.Shape.NoFrame)
        facts.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # wrap, never cut
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(facts)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.splitterMoved.connect(lambda *_: setattr(self, "_split_by_operator", True))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.empty)
        layout.addWidget(self.splitter, 1)

    def _make_actions(self) -> None:
        def action(text: str, keys: str | None, slot: Callable[[], object]) -> QAction:
            act = QAction(text, self)
            if keys:
                act.setShortcut(QKeySequence(keys))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.note_action = action("Add note", "Ctrl+Shift+N", self.focus_note)
        self.cancel_action = action("Cancel incident…", "Ctrl+Shift+X", self.open_cancel_dialog)
        self.map_action = action("Show on map", "Ctrl+Shift+M", self.map_button.click)
        self.acknowledge_action = action("Acknowledge", None, self.acknowledge_button.click)
        self.cancel_button.setToolTip("Cancel this incident (Ctrl+Shift+X); asks for a reason")
        self.map_button.setToolTip("Show this incident on the map (Ctrl+Shift+M)")

    # --- public API ----------------------------------------------------------------------------

    def shortcut_actions(self) -> list[QAction]:
        """Add note, cancel, show on map; acknowledge has no key here (the shell's alarm key)."""
        return [self.note_action, self.cancel_action, self.map_action, self.acknowledge_action]

    def incident_id(self) -> str | None:
        return self._incident.incident_id if self._incident else None

    def show_incident(
        self,
        incident: Incident | None,
        pending: Sequence[OutboxEntry] = (),
        alert_log: Sequence[str] = (),
        alarm: str | None = None,
        actions: Sequence[AuditEntry] = (),
    ) -> None:
        """Show `incident` (None: nothing selected) with its pending outbox entries and alarm log.

        `alarm` is the alarm's state when it can be acknowledged ("Unacknowledged", "Shelved"), else None:
        Acknowledge is offered only then (never on a cleared alarm or a cancelled incident)."""
        previous = self._incident
        same = previous is not None and incident is not None and previous.incident_id == incident.incident_id
        if previous is not None and not same:
            self._drafts[previous.incident_id] = self.note_box.text()
        self._incident = incident
        mine = (e for e in pending if incident and e.target_id == incident.incident_id)
        self._pending = tuple(sorted(mine, key=lambda e: e.created_at))
        self._alert_log = tuple(alert_log)
        self._alarm = alarm
        self._actions = tuple(actions)
        self.empty.setVisible(incident is None)
        self.splitter.setVisible(incident is not None)
        if incident is None:
            return
        if previous is None:
            self._fit_split()
        if not same:
            self.note_box.set_text(self._drafts.pop(incident.incident_id, ""))
        now = self._now()
        self.header.show_incident(incident, self._palette, now)
        self.facts.show_incident(incident, self._palette, now)
        html = render_timeline(incident, self._pending, self._alert_log, self._palette, self._actions)
        self.timeline.set_timeline_html(html, same_incident=same)
        self._update_buttons()

    def set_palette(self, palette: Palette) -> None:
        """Theme change: redraw with the new colours."""
        self._palette = palette
        self.show_incident(self._incident, self._pending, self._alert_log, self._alarm, self._actions)

    def set_projection(self, as_of: datetime | None) -> None:
        """`as_of` while the data is not live: the SLA clock is marked as a projection from then."""
        if as_of != self.header.projection_as_of:
            self.header.projection_as_of = as_of
            self.show_incident(self._incident, self._pending, self._alert_log, self._alarm, self._actions)

    def set_drills_forced(self, forced: bool) -> None:
        """Every incident is a drill (test key, sandbox): the window's badge says it, not each header."""
        self.header.drills_forced = forced
        self.show_incident(self._incident, self._pending, self._alert_log, self._alarm, self._actions)

    def focus_note(self) -> None:
        if self._incident is not None:
            self.note_box.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def open_cancel_dialog(self) -> None:
        """Ask for a reason and a confirmation (non-blocking); emits `cancel_requested` on accept."""
        incident = self._incident
        if incident is None or not self.cancel_button.isEnabled():
            return
        dialog = CancelDialog(incident, self)
        self.cancel_dialog = dialog
        incident_id = incident.incident_id

        def done(result: int) -> None:
            if result == CancelDialog.DialogCode.Accepted:
                self.cancel_requested.emit(incident_id, dialog.reason())
            self.cancel_dialog = None
            dialog.deleteLater()

        dialog.finished.connect(done)
        dialog.open()

    # --- internals -----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_split()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_split()

    def _timeline_room(self) -> int:
        """Height of the lower pane with `TIMELINE_ENTRIES` two-line entries, its title and the note box."""
        entry = 2 * self.timeline.fontMetrics().lineSpacing() + 9  # two lines and the row's padding
        frame = 2 * self.timeline.frameWidth() + 8
        return (
            TIMELINE_ENTRIES * entry
            + frame
            + self._timeline_title.sizeHint().height()
            + (self.note_box.sizeHint().height() + 12)
        )

    def _fit_split(self) -> None:
        """The facts whole when there is room, never at the cost of the timeline's entries (the facts
        scroll); once the operator drags the divider, theirs is kept."""
        if self._split_by_operator or self._incident is None:
            return
        total = self.splitter.height() - self.splitter.handleWidth()
        if total <= 0:
            return
        wanted = self._facts_area.sizeHint().height() + 4
        facts = max(FACTS_MIN_HEIGHT, min(wanted, total - self._timeline_room()))
        self.splitter.setSizes([facts, max(total - facts, 0)])

    def _update_buttons(self) -> None:
        incident = self._incident
        cancelling = any(e.kind is ActionKind.CANCEL_INCIDENT and e.is_open for e in self._pending)
        active = incident is not None and incident.status.is_active
        self.cancel_button.setEnabled(active and not cancelling)
        if cancelling:
            self.cancel_button.setToolTip("A cancellation is already on its way to the server")
        elif not active:
            self.cancel_button.setToolTip("Only active incidents can be cancelled")
        else:
            self.cancel_button.setToolTip("Cancel this incident (Ctrl+Shift+X); asks for a reason")
        self.cancel_action.setEnabled(self.cancel_button.isEnabled())
        self.acknowledge_button.setVisible(self._alarm is not None)
        self.acknowledge_button.setToolTip(
            f"This incident's alarm is {self._alarm.lower()}" if self._alarm else ""
        )
        self.acknowledge_action.setEnabled(self._alarm is not None)

    def _emit_for_current(self, signal: SignalInstance) -> None:
        if self._incident is not None:
            signal.emit(self._incident.incident_id)

    def _submit_note(self, text: str) -> None:
        if self._incident is not None:
            self.note_submitted.emit(self._incident.incident_id, text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.leave_requested.emit()
            return
        super().keyPressEvent(event)

    def _tick(self) -> None:
        if self._incident is not None:
            now = self._now()
            self.header.refresh_clock(self._palette, now)
            self.facts.refresh_clock(self._palette, now)
