"""The `?` overlay: every keyboard shortcut of the window, grouped, readable at a glance."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

Shortcut = tuple[str, str]  # (keys, what it does)


class ShortcutsOverlay(QDialog):
    """A modal list of shortcuts; Esc or `?` closes it."""

    def __init__(
        self, groups: Sequence[tuple[str, Sequence[Shortcut]]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        rows = []
        for title, shortcuts in groups:
            rows.append(f"<tr><td colspan=2 style='padding-top:10px'><b>{title}</b></td></tr>")
            rows += [
                f"<tr><td style='padding:2px 18px 2px 6px'><code>{keys}</code></td><td>{text}</td></tr>"
                for keys, text in shortcuts
            ]
        table = QLabel(f"<table>{''.join(rows)}</table>")
        table.setTextFormat(Qt.TextFormat.RichText)
        table.setStyleSheet("font-size: 11.5pt;")
        layout.addWidget(table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.text() == "?":
            self.reject()
            return
        super().keyPressEvent(event)
