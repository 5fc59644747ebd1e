"""Shown above an empty queue when the filters hide every incident: which filters hide how many, and a
button for each that clears it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from .queue_filters import FilterPart, QueueFilters


def hidden_text(filters: QueueFilters, counts: dict[FilterPart, int], total: int) -> str:
    """`No incident matches the filters. Of 49 incidents, the “Active” filter hides 41 and the search
    “kel” hides 47.` (an incident may be hidden by several)."""
    said = [f"{filters.part_label(part)} hides {count:,}" for part, count in counts.items()]
    listed = ", ".join(said[:-1]) + f" and {said[-1]}" if len(said) > 1 else "".join(said)
    noun = "incident" if total == 1 else "incidents"
    return f"No incident matches the filters. Of {total:,} {noun}, {listed}."


class EmptyQueueNotice(QWidget):
    """`show_hidden(...)` says why the queue is empty; each button emits `clear_requested(QueueFilters)`
    with its part of the filters opened up."""

    clear_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("EmptyQueueNotice")
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons: dict[FilterPart, QPushButton] = {}
        self._row = QHBoxLayout()
        self._row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.text)
        layout.addLayout(self._row)
        self._filters = QueueFilters()
        self.hide()

    def show_hidden(self, filters: QueueFilters, counts: dict[FilterPart, int], total: int) -> None:
        """Say which parts of `filters` hide how many of `total` incidents (shown only if some do)."""
        self._filters = filters
        self.text.setText(hidden_text(filters, counts, total) if counts else "")
        if set(counts) != set(self.buttons) or not counts:
            self._make_buttons(filters, list(counts))
        else:
            for part, button in self.buttons.items():
                button.setText(f"Clear {filters.part_label(part)}")
        self.setVisible(bool(counts))

    def _make_buttons(self, filters: QueueFilters, parts: list[FilterPart]) -> None:
        for button in self.buttons.values():
            button.deleteLater()
        self.buttons = {}
        for part in parts:
            button = QPushButton(f"Clear {filters.part_label(part)}", self)
            button.clicked.connect(
                lambda _=False, p=part: self.clear_requested.emit(self._filters.without([p]))
            )
            self._row.insertWidget(self._row.count() - 1, button)
            self.buttons[part] = button
