"""Who is on shift and what they did: a control-room hub's presence list and shared audit log.

Shown in the supervisor workspace only on a workstation connected through a hub. The audit keeps the
newest `AUDIT_ROWS` actions of every workstation, newest first, with the time the operator acted and,
when the hub stored it noticeably later (an action made while the hub was unreachable), that time too.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sety_console.api.hub_models import AuditRecord, OnShift
from sety_console.core.local_time import to_local

AUDIT_ROWS = 300
LATE_S = 5.0
"""Stored this much after the operator acted: both times are shown."""
ACTION_WORDS = {
    "alarm_acknowledged": "acknowledged the alarm",
    "alarm_shelved": "shelved the alarm",
    "alarm_unacknowledged": "re-opened the alarm",
    "alarm_cleared": "cleared the alarm",
    "alarm_muted": "muted the sound",
    "alarm_unmuted": "unmuted the sound",
    "claim": "took the incident",
    "release": "released the incident",
    "create_incident": "created an incident",
    "cancel_incident": "cancelled the incident",
    "add_note": "added a note",
    "create_access_code": "created an access code",
    "revoke_access_code": "revoked an access code",
    "check_in": "checked a visitor in",
    "check_out": "checked a visitor out",
}
COLUMNS = ("Time", "Who", "Did", "What", "Detail")


def action_words(action: str) -> str:
    return ACTION_WORDS.get(action, action.replace("_", " "))


def shift_words(people: Iterable[OnShift]) -> str:
    """`On shift (2):` then one `• Ada Obi at desk-1 since 06:58` line per workstation."""
    ordered = sorted(people, key=lambda person: (person.operator.casefold(), person.workstation))
    lines = [f"• {p.operator}{_at(p.workstation)} since {to_local(p.connected_at):%H:%M}" for p in ordered]
    if not lines:
        return "On shift: nobody is connected to the control-room hub."
    return f"On shift ({len(lines)}):\n" + "\n".join(lines)


def _at(workstation: str) -> str:
    return f" at {workstation}" if workstation else ""


def audit_time(record: AuditRecord) -> str:
    acted = f"{to_local(record.acted_at):%H:%M:%S}"
    late = (record.stored_at - record.acted_at).total_seconds()
    return f"{acted} (recorded {to_local(record.stored_at):%H:%M:%S})" if late > LATE_S else acted


class OnShiftPanel(QWidget):
    """Who is connected to the hub now, and the control room's shared audit log."""

    def __init__(
        self, describe: Callable[[str], str] = lambda target_id: target_id, parent: QWidget | None = None
    ) -> None:
        """`describe(target_id)` names an incident or item for a person (`SOS — Chioma Okafor`)."""
        super().__init__(parent)
        self.setObjectName("OnShiftPanel")
        self._describe = describe
        self.people = QLabel(shift_words(()))
        self.people.setWordWrap(True)
        self.people.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.audit = QTableWidget(0, len(COLUMNS))
        self.audit.setHorizontalHeaderLabels(COLUMNS)
        self.audit.verticalHeader().hide()
        self.audit.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.audit.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.audit.setAlternatingRowColors(True)
        self.audit.setWordWrap(False)
        header = self.audit.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        title = QLabel("Shared audit log — every workstation on the hub, newest first")
        title.setStyleSheet("font-weight: 600;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.people)
        layout.addWidget(title)
        layout.addWidget(self.audit, 1)
        self._seen: set[tuple[str, str, str, str]] = set()
        self._order: list[float] = []  # minus each shown row's acted-at timestamp: newest first

    def show_shift(self, people: Iterable[OnShift]) -> None:
        self.people.setText(shift_words(people))

    def show_audit(self, records: Iterable[AuditRecord]) -> None:
        """The log as read from the hub (oldest first); later actions come through `add_audit`."""
        for record in records:
            self.add_audit(record)

    def add_audit(self, record: AuditRecord) -> None:
        key = (record.actor, record.action, record.target_id, record.acted_at.isoformat())
        if key in self._seen:  # the list read at start and the stream may both bring an action
            return
        self._seen.add(key)
        who = f"{record.actor} ({record.workstation})" if record.workstation else record.actor
        target = self._describe(record.target_id) if record.target_id else ""
        cells = (audit_time(record), who, action_words(record.action), target, record.detail)
        tip = f"Acted {record.acted_at:%Y-%m-%d %H:%M:%S} UTC, recorded {record.stored_at:%H:%M:%S} UTC" + (
            f"\n{record.target_id}" if record.target_id else ""
        )
        key_time = -record.acted_at.timestamp()
        row = bisect.bisect_right(self._order, key_time)  # in time order, whatever order they arrive in
        self._order.insert(row, key_time)
        self.audit.insertRow(row)
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(tip)
            self.audit.setItem(row, column, item)
        while self.audit.rowCount() > AUDIT_ROWS:
            self.audit.removeRow(self.audit.rowCount() - 1)
            self._order.pop()
