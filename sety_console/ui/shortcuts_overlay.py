"""The `?` overlay: every keyboard shortcut of the window, grouped, readable at a glance.

The "Everywhere" group is read from the window's menus (`menu_shortcuts`), so a key added to a menu
is listed without anyone remembering to; the workspaces add their own keys. The groups are laid out
in as many columns as the screen is wide and the overlay never grows past the screen (it scrolls).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMenuBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

Shortcut = tuple[str, str]  # (keys, what it does)
COLUMN_GAP = 28
SCREEN_SHARE = 0.9
"""The overlay takes at most this share of the screen's width and height."""


def action_keys(action: QAction) -> str:
    """`F1 / ?`: every key of `action`, as the menus show them."""
    return " / ".join(key.toString(QKeySequence.SequenceFormat.NativeText) for key in action.shortcuts())


def menu_shortcuts(menu_bar: QMenuBar, skip: Iterable[QAction] = ()) -> list[Shortcut]:
    """(keys, "Menu: item") for every action with a key in the menus of `menu_bar` (submenus too)."""
    skipped = set(skip)
    found: list[Shortcut] = []

    def walk(actions: Iterable[QAction], path: str) -> None:
        for action in actions:
            menu = action.menu()
            title = action.text().replace("&", "").rstrip("…").strip()
            if isinstance(menu, QMenu):
                walk(menu.actions(), f"{path} › {title}" if path else title)
            elif action not in skipped and not action.shortcut().isEmpty():
                found.append((action_keys(action), f"{path}: {title}" if path else title))

    walk(menu_bar.actions(), "")
    return found


def _group_html(title: str, shortcuts: Sequence[Shortcut]) -> str:
    rows = [f"<tr><td colspan=2 style='padding-top:8px'><b>{html.escape(title)}</b></td></tr>"]
    rows += [
        f"<tr><td style='padding:2px 16px 2px 6px; white-space:nowrap'><code>{html.escape(keys)}</code></td>"
        f"<td>{html.escape(text)}</td></tr>"
        for keys, text in shortcuts
    ]
    return f"<table>{''.join(rows)}</table>"


def split_columns(sizes: Sequence[int], columns: int) -> list[list[int]]:
    """Indexes of consecutive groups per column, each column about `sum(sizes) / columns` rows."""
    target = sum(sizes) / max(1, columns)
    result: list[list[int]] = [[]]
    filled = 0
    for index, size in enumerate(sizes):
        if result[-1] and filled + size / 2 > target and len(result) < columns:
            result.append([])
            filled = 0
        result[-1].append(index)
        filled += size
    return result


class ShortcutsOverlay(QDialog):
    """A modal list of shortcuts in columns, never larger than the screen; Esc or `?` closes it."""

    def __init__(
        self, groups: Sequence[tuple[str, Sequence[Shortcut]]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        screen = (parent or self).screen().availableGeometry()
        room = QSize(int(screen.width() * SCREEN_SHARE), int(screen.height() * SCREEN_SHARE))
        self.groups = [(title, list(keys)) for title, keys in groups if keys]
        self.labels = [_group_label(title, keys) for title, keys in self.groups]
        content = QWidget()
        row = QHBoxLayout(content)
        row.setSpacing(COLUMN_GAP)
        for indexes in self._columns(room.width()):
            column = QVBoxLayout()
            for index in indexes:
                column.addWidget(self.labels[index])
            column.addStretch(1)
            row.addLayout(column)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidget(content)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll_area, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        scroll_bar = self.scroll_area.verticalScrollBar().sizeHint().width()
        wanted = content.sizeHint() + QSize(40 + scroll_bar, buttons.sizeHint().height() + 50)
        self.resize(min(wanted.width(), room.width()), min(wanted.height(), room.height()))

    def _columns(self, width: int) -> list[list[int]]:
        """The most columns (up to three) whose widest groups side by side fit in `width` pixels."""
        sizes = [len(keys) + 1 for _title, keys in self.groups]
        widths = [label.sizeHint().width() for label in self.labels]
        for count in (3, 2):
            columns = split_columns(sizes, count)
            needed = sum(max(widths[i] for i in column) for column in columns) + COLUMN_GAP * count + 60
            if needed <= width:
                return columns
        return [list(range(len(self.groups)))]

    def listed(self) -> list[Shortcut]:
        """Every (keys, what it does) shown, group after group."""
        return [shortcut for _title, keys in self.groups for shortcut in keys]

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.text() == "?":
            self.reject()
            return
        super().keyPressEvent(event)


def _group_label(title: str, shortcuts: Sequence[Shortcut]) -> QLabel:
    label = QLabel(_group_html(title, shortcuts))
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setStyleSheet("font-size: 11pt;")
    return label
