"""Previous / next page buttons with "page 2 of 7 · 130 in all"."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from sety_console.api.models import Pagination


class Pager(QWidget):
    """Emits `page_requested(int)`; PgUp/PgDn shortcuts are installed by the panel that owns it."""

    page_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page = 1
        self.total_pages = 0
        self.previous_button = QPushButton("◀ Previous  [PgUp]", self)
        self.next_button = QPushButton("Next ▶  [PgDn]", self)
        self.label = QLabel("—", self)
        self.previous_button.clicked.connect(self.previous)
        self.next_button.clicked.connect(self.next)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.previous_button)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.next_button)
        self.show_pagination(Pagination(total=0, has_more=False))

    def show_pagination(self, pagination: Pagination) -> None:
        self.page, self.total_pages = pagination.page, pagination.total_pages
        pages = max(1, pagination.total_pages)
        self.label.setText(f"Page {pagination.page} of {pages}  ·  {pagination.total} in all")
        self.previous_button.setEnabled(pagination.page > 1)
        self.next_button.setEnabled(pagination.has_more)

    def previous(self) -> None:
        if self.previous_button.isEnabled():
            self.page_requested.emit(self.page - 1)

    def next(self) -> None:
        if self.next_button.isEnabled():
            self.page_requested.emit(self.page + 1)
