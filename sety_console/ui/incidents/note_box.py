"""The add-note box: Ctrl+Enter sends, drafts are kept per incident."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

NOTE_MAX_CHARS = 2000
"""The contract's limit (AddNoteRequest.message)."""


class NoteEdit(QPlainTextEdit):
    """A plain text edit where Ctrl+Enter submits instead of breaking the line."""

    submit = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.submit.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class NoteBox(QWidget):
    """Emits `submitted(text)` with the stripped note and clears itself."""

    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = NoteEdit(self)
        self.edit.setPlaceholderText("Add a note to the timeline…  (Ctrl+Enter sends)")
        self.edit.setTabChangesFocus(True)
        self.edit.setFixedHeight(int(self.edit.fontMetrics().height() * 4.2))
        self.send_button = QPushButton("Add note", self)
        self.send_button.setToolTip("Send the note (Ctrl+Enter)")
        self.send_button.setProperty("role", "primary")
        self.hint = QLabel(self)
        self.hint.setProperty("role", "muted")
        row = QHBoxLayout()
        row.addWidget(self.hint, 1)
        row.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addLayout(row)
        self.edit.submit.connect(self.submit)
        self.send_button.clicked.connect(self.submit)
        self.edit.textChanged.connect(self._update_state)
        self._update_state()

    def text(self) -> str:
        return self.edit.toPlainText()

    def set_text(self, text: str) -> None:
        if text != self.edit.toPlainText():
            self.edit.setPlainText(text)
            self.edit.moveCursor(self.edit.textCursor().MoveOperation.End)

    def submit(self) -> None:
        """Send the note if it is valid; an empty or too long note stays in the box."""
        text = self.edit.toPlainText().strip()
        if not text or len(text) > NOTE_MAX_CHARS:
            self._update_state()
            return
        self.submitted.emit(text)
        self.edit.clear()

    def _update_state(self) -> None:
        length = len(self.edit.toPlainText().strip())
        self.send_button.setEnabled(0 < length <= NOTE_MAX_CHARS and self.isEnabled())
        if length > NOTE_MAX_CHARS:
            self.hint.setText(f"Too long: {length:,} characters, at most {NOTE_MAX_CHARS:,}")
        elif length > NOTE_MAX_CHARS - 200:
            self.hint.setText(f"{NOTE_MAX_CHARS - length} characters left")
        else:
            self.hint.setText("")
