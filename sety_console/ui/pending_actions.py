"""The operator's own actions on their way to the server: waiting, sending, refused.

Every user action goes through the outbox; this panel lists the ones the server does not have
yet, and the ones it refused (in red, with its reason), so nothing an operator did is invisible.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from sety_console.core.actions import ActionKind, ActionState, OutboxEntry

_WHAT = {
    ActionKind.CREATE_INCIDENT: "New incident",
    ActionKind.CANCEL_INCIDENT: "Cancel incident",
    ActionKind.ADD_NOTE: "Note",
    ActionKind.CREATE_ACCESS_CODE: "New access code",
    ActionKind.REVOKE_ACCESS_CODE: "Revoke access code",
    ActionKind.CHECK_IN: "Check-in",
    ActionKind.CHECK_OUT: "Check-out",
}


def describe_action(entry: OutboxEntry) -> str:
    """`New incident — SOS, Amaka Obi — waiting to be sent (2 tries)` and the like."""
    payload = entry.payload
    detail = ""
    if entry.kind is ActionKind.CREATE_INCIDENT:
        detail = f"{str(payload.get('category', '')).upper()}, {payload.get('subject', {}).get('name', '')}"
    elif entry.kind is ActionKind.ADD_NOTE:
        detail = f"“{str(payload.get('message', ''))[:60]}” on {entry.target_id}"
    elif entry.kind in (ActionKind.CHECK_IN, ActionKind.CREATE_ACCESS_CODE):
        detail = str(payload.get("visitor_name") or payload.get("access_code") or "")
    elif entry.target_id:
        detail = entry.target_id
    if entry.state is ActionState.FAILED:
        state = f"REFUSED: {entry.error or 'the server refused it'}"
    elif entry.state is ActionState.SENDING:
        state = "sending…"
    else:
        tries = f" ({entry.attempts} tries so far)" if entry.attempts else ""
        state = f"waiting to be sent{tries}"
    return f"{_WHAT[entry.kind]} — {detail} — {state}" if detail else f"{_WHAT[entry.kind]} — {state}"


class PendingActionsPanel(QWidget):
    """Open and refused outbox entries, newest first; refreshed from `outbox_changed`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.empty = QLabel("Every action has reached the server.", self)
        self.empty.setProperty("role", "muted")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)

    def show_entries(self, entries: Iterable[OutboxEntry]) -> None:
        shown = sorted(entries, key=lambda e: e.created_at, reverse=True)
        self.list.clear()
        for entry in shown:
            item = QListWidgetItem(describe_action(entry))
            item.setData(Qt.ItemDataRole.UserRole, entry.action_id)
            if entry.state is ActionState.FAILED:
                item.setForeground(QColor("#f85149"))
            self.list.addItem(item)
        self.empty.setVisible(not shown)
        self.list.setVisible(bool(shown))
