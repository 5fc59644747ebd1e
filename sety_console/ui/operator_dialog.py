"""First start: who works at this workstation (every action and acknowledgement carries the name)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget


class OperatorDialog(QDialog):
    """Asks for the operator's name, with the computer user's name as a suggestion; OK needs a name."""

    def __init__(self, suggestion: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Who is at this workstation?")
        intro = QLabel(
            "Your name is recorded with every action you take and every alarm you acknowledge, "
            "so the control room knows who did what. You can change it later under File → Settings…."
        )
        intro.setWordWrap(True)
        self.name = QLineEdit(suggestion)
        self.name.setPlaceholderText("Your name, e.g. Funke Adeyemi")
        self.name.selectAll()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.name.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.name)
        layout.addWidget(self.buttons)
        self._update()

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.name.text().strip()))

    def chosen(self) -> str:
        return self.name.text().strip()
