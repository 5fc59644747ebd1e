"""Cancel an incident: a reason is required and the operator confirms explicitly."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sety_console.api.models import Incident
from sety_console.core.wording import category_name

REASON_MAX_CHARS = 500
"""The contract's limit (CancelIncidentRequest.reason)."""


class CancelDialog(QDialog):
    """Accepting it is only possible with a reason and the confirmation ticked; read `reason()`."""

    def __init__(self, incident: Incident, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Cancel incident")
        self.setMinimumWidth(460)
        who = incident.subject.name or "unknown subject"
        summary = QLabel(
            f"<b>Cancel {category_name(incident.category)} · {incident.severity.label}</b> — {who}"
            f"<br><span>{incident.incident_id}</span><br><br>"
            "Cancelling stops the response to this incident. This cannot be undone from the console."
        )
        summary.setWordWrap(True)
        self.reason_edit = QPlainTextEdit(self)
        self.reason_edit.setPlaceholderText("Why is this incident cancelled? (required)")
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setFixedHeight(int(self.reason_edit.fontMetrics().height() * 4.5))
        self.confirm = QCheckBox("Yes, cancel this incident", self)
        self.problem = QLabel(self)
        self.problem.setProperty("role", "muted")
        self.problem.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        self.keep_button = buttons.addButton("Keep incident", QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button: QPushButton = buttons.addButton(
            "Cancel incident", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button.setProperty("role", "danger")
        self.keep_button.setDefault(True)  # Enter never cancels an incident by accident
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(QLabel("Reason", self))
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.confirm)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.reason_edit.textChanged.connect(self._update_state)
        self.confirm.toggled.connect(self._update_state)
        self._update_state()
        self.reason_edit.setFocus()

    def reason(self) -> str:
        return self.reason_edit.toPlainText().strip()

    def problems(self) -> list[str]:
        """What still stops the cancellation, in words; empty when it may go."""
        problems = []
        reason = self.reason()
        if not reason:
            problems.append("Give a reason.")
        elif len(reason) > REASON_MAX_CHARS:
            problems.append(f"The reason is {len(reason)} characters long; at most {REASON_MAX_CHARS}.")
        if not self.confirm.isChecked():
            problems.append("Tick the confirmation.")
        return problems

    def accept(self) -> None:
        if self.problems():
            self._update_state()
            return
        super().accept()

    def _update_state(self) -> None:
        problems = self.problems()
        self.cancel_button.setEnabled(not problems)
        self.problem.setText(" ".join(problems))
