"""Who is inside: the live list, filter by gate, search, and checkout with one key."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sety_console.core.actions import ActionKind, ActionState, OutboxEntry
from sety_console.core.changes import ChangeSet
from sety_console.core.gate_wording import clause, is_already_done, not_saved
from sety_console.core.storage import StorageError
from sety_console.ui.common.slots import async_slot
from sety_console.ui.session_signals import SessionSignals

from .gate_session import GateSession
from .inside_model import Column, InsideModel, utc_now
from .inside_rows import InsideRow
from .style import BUTTON_PT, DETAIL_PT, Look, Tone

CHECKOUT_KEY = "Ctrl+O"
DISMISS_KEY = "Ctrl+D"
SEARCH_KEY = "Ctrl+F"
ALL_GATES = "All gates"
SUMMARY_LOOK = Look(DETAIL_PT - 4, bold=True)


class _SearchEdit(QLineEdit):
    """Search box: Down or Enter moves into the list so the guard never needs the mouse."""

    to_list = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.to_list.emit()
            event.accept()
            return
        super().keyPressEvent(event)


NARROW_LIST_WIDTH = 1000


class InsideList(QWidget):
    """The visitors inside, live from `visitors_changed`, with pending outbox actions as badges.

    Signals: `checked_out(OutboxEntry)` after a checkout was handed to the outbox; `message(str)`
    with a sentence for the guard (nothing selected, already on the way out…).
    Shortcuts (installed on `shortcut_scope`, default this widget): Ctrl+O check out, Ctrl+D dismiss
    a failed row, Ctrl+F search.
    """

    checked_out = Signal(object)
    message = Signal(str)

    def __init__(
        self,
        session: GateSession,
        gate_name: str = "",
        *,
        signals: SessionSignals | None = None,
        clock: Callable[[], datetime] = utc_now,
        tick_ms: int = 30_000,
        shortcut_scope: QWidget | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._gate_name = gate_name.strip()
        self.model = InsideModel(lambda: session.visitors, clock, self)
        self._build()
        self._install_shortcuts(shortcut_scope or self)
        signals = signals or SessionSignals(session, self)
        signals.visitors_changed.connect(self._on_visitors)
        signals.outbox_changed.connect(self._on_outbox)
        for key in self.model.visible_keys():
            for entry in session.pending_for(key):
                self.model.apply_outbox(entry)
        self._ticker = QTimer(self)
        self._ticker.timeout.connect(self.tick)
        self._ticker.start(tick_ms)
        self._after_change()

    def _build(self) -> None:
        self.gate_filter = QComboBox(self)
        self.gate_filter.setAccessibleName("Filter by gate")
        self.gate_filter.addItem(ALL_GATES)
        self.gate_filter.currentIndexChanged.connect(self._apply_filter)
        self.search = _SearchEdit(self)
        self.search.setPlaceholderText(f"Search name, phone, host, unit, plate  ({SEARCH_KEY})")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._apply_filter)
        self.search.to_list.connect(self.focus_list)
        self.summary = QLabel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(30)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Host · unit takes what is left and elides (its tooltip says all): the plate stays in view.
        header.setSectionResizeMode(Column.HOST, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        Look(12).apply(self.table)
        self.note = QLineEdit(self)
        self.note.setPlaceholderText("Checkout note (optional)")
        self.note.returnPressed.connect(self.check_out_selected)
        self.checkout_button = QPushButton(f"Check out  [{CHECKOUT_KEY}]", self)
        Look(BUTTON_PT, bold=True).apply(self.checkout_button)
        self.checkout_button.clicked.connect(self.check_out_selected)
        self.feedback = QLabel(self)
        self.feedback.setWordWrap(True)
        self._layout()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A narrow list (a 1366 px screen) drops "In since" (the "Inside for" tooltip keeps it), so
        host and plate stay readable without scrolling sideways."""
        super().resizeEvent(event)
        self.table.setColumnHidden(Column.SINCE, event.size().width() < NARROW_LIST_WIDTH)

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.gate_filter)
        bottom = QHBoxLayout()
        bottom.addWidget(self.note, 1)
        bottom.addWidget(self.checkout_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.feedback)

    def _install_shortcuts(self, scope: QWidget) -> None:
        for key, slot in (
            (CHECKOUT_KEY, self.check_out_selected),
            (DISMISS_KEY, self.dismiss_selected),
            (SEARCH_KEY, self.focus_search),
        ):
            shortcut = QShortcut(QKeySequence(key), scope)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # ------------------------------------------------------------------ settings and focus

    def set_gate_name(self, name: str) -> None:
        """The exit gate recorded on checkouts made here."""
        self._gate_name = name.strip()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def focus_list(self) -> None:
        """Move the keyboard into the list, selecting the first row if none is."""
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.selected_row() is None and self.model.rowCount():
            self.select_key(self.model.visible_keys()[0])

    def select_key(self, key: str) -> bool:
        row = self.model.row_of(key)
        if row is None:
            return False
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(self.model.index(row, 0), flags)
        return True

    def selected_row(self) -> InsideRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    # ------------------------------------------------------------------ actions

    @async_slot()
    async def check_out_selected(self) -> OutboxEntry | None:
        """Check the selected visitor out through the outbox, with the optional note."""
        row = self.selected_row()
        if row is None:
            self._say("Select a visitor first (Ctrl+F to search, arrows to choose).")
            return None
        if row.checked_out:
            self._say(f"{row.name} is already checked out.")
            return None
        if not row.can_check_out:
            self._say(f"{row.name} cannot be checked out yet: the check-in is still on its way.")
            return None
        assert row.log_id is not None
        note = self.note.text().strip() or None
        try:
            entry = await self._session.check_out(row.log_id, notes=note, gate=self._gate_name or None)
        except StorageError as error:
            self._say(not_saved(error))
            return None
        self.model.apply_outbox(entry)
        self.note.clear()
        self._say(f"{row.name}: checkout sent.")
        self.checked_out.emit(entry)
        return entry

    def dismiss_selected(self) -> bool:
        """Clear a failed action's row after reading it."""
        row = self.selected_row()
        done = row is not None and self.model.dismiss(row.key)
        if not done:
            self._say("Only a failed row can be dismissed.")
        self._after_change()
        return done

    def tick(self) -> None:
        self.model.tick()
        self._after_change()

    def _say(self, text: str) -> None:
        self.feedback.setText(text)
        self.message.emit(text)

    # ------------------------------------------------------------------ live updates

    def _on_visitors(self, changes: ChangeSet) -> None:
        self.model.apply_changes(changes)
        self._after_change()

    def _on_outbox(self, entry: OutboxEntry) -> None:
        self.model.apply_outbox(entry)
        self._after_change()
        if entry.state is ActionState.FAILED and not is_already_done(entry):
            what = "Check-in" if entry.kind is ActionKind.CHECK_IN else "Checkout"
            reason = clause(entry.error)
            self._say(f"✗ {what} FAILED: {reason}. Select the red row and press {DISMISS_KEY} to clear it.")

    def _apply_filter(self) -> None:
        gate = self.gate_filter.currentText()
        self.model.set_filter("" if gate == ALL_GATES else gate, self.search.text())
        self._after_change()

    def _after_change(self) -> None:
        self._sync_gates()
        inside, overstays = self.model.inside_count(), self.model.overstay_count()
        text = f"{inside} inside"
        if overstays:
            text += f"  ·  {overstays} OVERSTAY"
        if self.search.text() or self.gate_filter.currentIndex():
            text += f"  ·  {self.model.rowCount()} shown"
        self.summary.setText(text)
        SUMMARY_LOOK.apply(self.summary, Tone.WARN if overstays else None)

    def _sync_gates(self) -> None:
        wanted = [ALL_GATES, *self.model.gates()]
        current = self.gate_filter.currentText()
        if current not in wanted:
            wanted.append(current)  # keep the guard's choice even when that gate is empty now
        existing = [self.gate_filter.itemText(i) for i in range(self.gate_filter.count())]
        if existing == wanted:
            return
        self.gate_filter.blockSignals(True)
        self.gate_filter.clear()
        self.gate_filter.addItems(wanted)
        self.gate_filter.setCurrentText(current)
        self.gate_filter.blockSignals(False)
