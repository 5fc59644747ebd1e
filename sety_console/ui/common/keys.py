"""Shortcut keys that must win over a text field's own editing keys.

A focused `QLineEdit` claims the keys of its platform's editing scheme before any shortcut sees them:
on X11 (Linux desktops) Ctrl+E is "end of line", so a panel's Ctrl+E shortcut would do nothing while
its search box has the keyboard. `keys_beat_text_fields` leaves those keys to the shortcuts.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractSpinBox, QLineEdit, QWidget


class _LeaveToShortcuts(QObject):
    """Event filter: a text field does not claim (ShortcutOverride) any of `keys`."""

    def __init__(self, keys: Iterable[str], parent: QObject) -> None:
        super().__init__(parent)
        self._keys = {QKeySequence(key).toString() for key in keys}

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            assert isinstance(event, QKeyEvent)
            # Filtered and left unaccepted: Qt then looks the key up among the shortcuts.
            return QKeySequence(event.keyCombination()).toString() in self._keys
        return False


def keys_beat_text_fields(scope: QWidget, keys: Iterable[str]) -> None:
    """Let `keys` reach the shortcuts of `scope` from every text field inside it (date edits and
    editable combo boxes included); call once the fields exist."""
    leave = _LeaveToShortcuts(keys, scope)
    # A spin box (date edit) asks its inner line edit directly: both get the filter.
    for field in [*scope.findChildren(QLineEdit), *scope.findChildren(QAbstractSpinBox)]:
        field.installEventFilter(leave)
