"""Walk-in / manual check-in: the visitor's details typed in by the guard."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from sety_console.api.models import AccessLogMethod, CreateAccessLogRequest
from sety_console.core.actions import ActionKind, ActionState, OutboxEntry
from sety_console.core.gate_wording import clause, not_saved, outbox_words
from sety_console.core.storage import StorageError
from sety_console.ui.common.slots import async_slot
from sety_console.ui.session_signals import SessionSignals

from .form_errors import describe
from .gate_session import GateSession
from .style import BUTTON_PT, DETAIL_PT, Look, Tone

SUBMIT_KEY = "Ctrl+Return"
STATUS_LOOK = Look(DETAIL_PT - 2, bold=True)
FIELDS: dict[str, tuple[str, int]] = {
    "visitor_name": ("Visitor name *", 200),
    "visitor_phone": ("Phone", 32),
    "visitor_id_number": ("ID number", 64),
    "host_name": ("Host *", 200),
    "host_unit": ("Unit", 100),
    "purpose": ("Purpose", 200),
    "vehicle_plate": ("Vehicle plate", 20),
}
LABELS = {key: label.rstrip(" *") for key, (label, _) in FIELDS.items()} | {"gate": "Gate"}
METHODS = {
    "Walk-in (unannounced)": AccessLogMethod.walk_in,
    "Manual (expected, no code)": AccessLogMethod.manual,
}


class WalkInForm(QWidget):
    """Checks a visitor in without a code. Enter moves to the next field; Ctrl+Enter checks in.

    Signal `checked_in(OutboxEntry)` after the check-in was handed to the outbox. A check-in the
    server refuses puts its details back into the form with the reason, so nothing typed is lost.
    """

    checked_in = Signal(object)

    def __init__(
        self,
        session: GateSession,
        gate_name: str = "",
        *,
        signals: SessionSignals | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._gate_name = gate_name.strip()
        self._sent: dict[str, OutboxEntry] = {}
        self.inputs: dict[str, QLineEdit] = {}
        self._build()
        (signals or SessionSignals(session, self)).outbox_changed.connect(self._on_outbox)
        self.set_gate_name(self._gate_name)

    def _build(self) -> None:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, (label, max_length) in FIELDS.items():
            edit = QLineEdit(self)
            edit.setMaxLength(max_length)
            edit.setAccessibleName(label.rstrip(" *"))
            Look(DETAIL_PT - 4).apply(edit)
            edit.returnPressed.connect(self._next_field)
            self.inputs[key] = edit
            form.addRow(label, edit)
        self.method = QComboBox(self)
        self.method.addItems(list(METHODS))
        form.addRow("Method", self.method)
        self.gate_label = QLabel(self)
        form.addRow("Gate", self.gate_label)
        self.submit_button = QPushButton(f"Check in  [{SUBMIT_KEY.replace('Return', 'Enter')}]", self)
        Look(BUTTON_PT, bold=True).apply(self.submit_button)
        self.submit_button.clicked.connect(self.submit)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setContentsMargins(8, 8, 8, 8)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.submit_button)
        layout.addWidget(self.status)
        layout.addStretch(1)
        for key in (SUBMIT_KEY, "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.submit)

    def set_gate_name(self, name: str) -> None:
        """The gate recorded on every check-in from this workstation."""
        self._gate_name = name.strip()
        self.gate_label.setText(self._gate_name or "Not set: set this workstation's gate name first")
        Look(bold=True).apply(self.gate_label, None if self._gate_name else Tone.WARN)

    @property
    def gate_name(self) -> str:
        return self._gate_name

    def focus_first(self) -> None:
        self.inputs["visitor_name"].setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _next_field(self) -> None:
        sender = self.sender()
        keys = list(self.inputs)
        index = next((i for i, k in enumerate(keys) if self.inputs[k] is sender), len(keys) - 1)
        if index == len(keys) - 1:
            self.submit()
        else:
            self.inputs[keys[index + 1]].setFocus(Qt.FocusReason.TabFocusReason)

    def values(self) -> dict[str, Any]:
        """The typed values, trimmed; empty optional fields left out."""
        values: dict[str, Any] = {k: e.text().strip() for k, e in self.inputs.items() if e.text().strip()}
        values["method"] = METHODS[self.method.currentText()]
        values["gate"] = self._gate_name
        return values

    @async_slot()
    async def submit(self) -> OutboxEntry | None:
        """Check the visitor in through the outbox; a clear sentence when something is missing."""
        if not self._gate_name:
            self._say("Set this workstation's gate name first.", Tone.WARN)
            return None
        missing = [LABELS[k] for k in ("visitor_name", "host_name") if not self.inputs[k].text().strip()]
        if missing:
            self._say(f"{' and '.join(missing)}: required.", Tone.WARN)
            self.inputs["visitor_name" if "Visitor name" in missing else "host_name"].setFocus()
            return None
        try:
            request = CreateAccessLogRequest(**self.values())
        except ValidationError as error:
            self._say(describe(error, LABELS), Tone.WARN)
            return None
        try:
            entry = await self._session.check_in(request)
        except StorageError as error:
            self._say(not_saved(error), Tone.BAD)
            return None
        self._sent[entry.action_id] = entry
        self._show(entry)
        self.clear()
        self.checked_in.emit(entry)
        return entry

    def clear(self) -> None:
        for edit in self.inputs.values():
            edit.clear()
        self.focus_first()

    def _on_outbox(self, entry: OutboxEntry) -> None:
        if entry.kind is ActionKind.CHECK_IN and entry.action_id in self._sent:
            self._sent[entry.action_id] = entry
            self._show(entry)
            if entry.state is ActionState.FAILED:
                self._restore(entry.payload)

    def _show(self, entry: OutboxEntry) -> None:
        name = entry.payload.get("visitor_name", "the visitor")
        if entry.state is ActionState.DONE:
            self._say(f"✓ {name} checked in at {entry.payload.get('gate', '')}.", Tone.GOOD)
        elif entry.state is ActionState.FAILED:
            reason = clause(entry.error)
            self._say(f"✗ {name} NOT checked in: {reason}. The details are back in the form.", Tone.BAD)
        else:
            self._say(
                f"… {name}: check-in {outbox_words(entry)}. It is kept and sent automatically.", Tone.PENDING
            )

    def _restore(self, payload: dict[str, Any]) -> None:
        if any(edit.text() for edit in self.inputs.values()):
            return  # the guard is already typing the next visitor; the failure stays in the status line
        for key, edit in self.inputs.items():
            edit.setText(str(payload.get(key) or ""))
        for label, method in METHODS.items():
            if payload.get("method") == method.value:
                self.method.setCurrentText(label)

    def _say(self, text: str, tone: Tone) -> None:
        self.status.setText(text)
        STATUS_LOOK.apply(self.status, tone)
        self.status.setAccessibleDescription(tone.name)
