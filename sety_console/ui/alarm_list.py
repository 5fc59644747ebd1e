"""The alarm list (a dock): every alarm with its state, reason, age and who acted, and buttons to act on
the selected one — not only the banner's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sety_console.core.alarm_book import SHELVE_CHOICES
from sety_console.core.alarm_model import Alarm, AlarmState
from sety_console.core.alarm_text import alarm_why
from sety_console.core.local_time import to_local
from sety_console.core.wording import category_name

COLUMNS = ("State", "Incident", "Why", "Raised", "By")


def _by(alarm: Alarm) -> str:
    acted = alarm.shelved or alarm.acknowledged
    if acted is None:
        return ""
    until = f" until {to_local(alarm.shelved_until):%H:%M}" if alarm.shelved and alarm.shelved_until else ""
    return f"{acted.by} {to_local(acted.at):%H:%M}{until}"


class AlarmList(QWidget):
    """Emits what the operator asks for; the controller acts and the list is refreshed from the book."""

    acknowledge_requested = Signal(str)
    shelve_requested = Signal(str, int)
    unshelve_requested = Signal(str)
    show_requested = Signal(str)

    def __init__(self, now: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._now = now
        self._alarms: list[Alarm] = []
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self._emit(self.show_requested.emit))
        self.empty = QLabel("No alarms. New critical incidents, SLA breaches and escalations appear here.")
        self.empty.setWordWrap(True)
        self.acknowledge_button = QPushButton("Acknowledge")
        self.acknowledge_button.clicked.connect(lambda: self._emit(self.acknowledge_requested.emit))
        self.shelve_button = QPushButton("Shelve ▾")
        shelve_menu = QMenu(self.shelve_button)
        for minutes in SHELVE_CHOICES:
            shelve_menu.addAction(f"{minutes} min").triggered.connect(
                lambda _=False, m=minutes: self._shelve(m)
            )
        self.shelve_button.setMenu(shelve_menu)
        self.unshelve_button = QPushButton("Unshelve")
        self.unshelve_button.clicked.connect(lambda: self._emit(self.unshelve_requested.emit))
        self.show_button = QPushButton("Show incident")
        self.show_button.clicked.connect(lambda: self._emit(self.show_requested.emit))
        buttons = QHBoxLayout()
        for button in (self.acknowledge_button, self.shelve_button, self.unshelve_button, self.show_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.show_alarms([])

    def show_alarms(self, alarms: list[Alarm]) -> None:
        """Replace the rows (a handful of alarms: rebuilt whole), keeping the selected incident."""
        selected = self.selected()
        self._alarms = list(alarms)
        now = self._now()
        self.table.setRowCount(len(alarms))
        for row, alarm in enumerate(alarms):
            incident = alarm.incident
            kind = f"{incident.severity.label} {category_name(incident.category)}"
            what = f"{kind} — {incident.subject.name or '—'}"
            cells = (
                alarm.state.label,
                what,
                alarm_why(alarm, now),
                f"{to_local(alarm.raised_at):%H:%M:%S}",
                _by(alarm),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                item.setData(Qt.ItemDataRole.UserRole, alarm.incident_id)
                if alarm.state is AlarmState.CLEARED:
                    item.setForeground(self.palette().placeholderText())
                self.table.setItem(row, column, item)
        if selected is not None:
            self.select(selected)
        self.empty.setVisible(not alarms)
        self.table.setVisible(bool(alarms))
        self._update_buttons()

    def select(self, incident_id: str) -> None:
        for row, alarm in enumerate(self._alarms):
            if alarm.incident_id == incident_id:
                self.table.selectRow(row)
                return

    def selected(self) -> str | None:
        alarm = self._selected_alarm()
        return alarm.incident_id if alarm else None

    def _selected_alarm(self) -> Alarm | None:
        rows = self.table.selectionModel().selectedRows()
        return self._alarms[rows[0].row()] if rows and rows[0].row() < len(self._alarms) else None

    def _update_buttons(self) -> None:
        alarm = self._selected_alarm()
        self.acknowledge_button.setEnabled(bool(alarm and alarm.can_acknowledge))
        self.shelve_button.setEnabled(bool(alarm and alarm.can_shelve))
        self.unshelve_button.setEnabled(bool(alarm and alarm.state is AlarmState.SHELVED))
        self.show_button.setEnabled(alarm is not None)
        if alarm is not None and alarm.critical:
            self.shelve_button.setToolTip("A critical alarm cannot be shelved; acknowledge it.")
        else:
            self.shelve_button.setToolTip("Silence this alarm for a while; it rings again afterwards.")

    def _emit(self, emit: Callable[[str], object]) -> None:
        incident_id = self.selected()
        if incident_id is not None:
            emit(incident_id)

    def _shelve(self, minutes: int) -> None:
        incident_id = self.selected()
        if incident_id is not None:
            self.shelve_requested.emit(incident_id, minutes)
