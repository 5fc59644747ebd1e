"""Pre-registration form: create an access code and show its six digits large, with a copy button."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sety_console.api.models import AccessCode, CreateAccessCodeRequest
from sety_console.core.actions import ActionKind, ActionState, OutboxEntry
from sety_console.core.gate_wording import clause, format_window, not_saved, outbox_words
from sety_console.core.storage import StorageError
from sety_console.ui.common.slots import async_slot
from sety_console.ui.session_signals import SessionSignals

from .form_errors import describe
from .gate_session import GateSession
from .style import BUTTON_PT, CODE_PT, DETAIL_PT, Look, Tone

CREATE_KEY = "Ctrl+Return"
COPY_KEY = "Ctrl+Shift+C"
STATUS_LOOK = Look(DETAIL_PT - 5, bold=True)
TEXT_FIELDS: dict[str, tuple[str, int]] = {
    "visitor_name": ("Visitor name *", 200),
    "visitor_phone": ("Visitor phone", 32),
    "host_name": ("Host *", 200),
    "host_unit": ("Unit", 100),
    "purpose": ("Purpose", 200),
    "gate": ("Only at gate", 100),
}
LABELS = {k: label.rstrip(" *") for k, (label, _) in TEXT_FIELDS.items()} | {
    "valid_from": "Valid from",
    "valid_until": "Valid until",
    "max_uses": "Max uses",
}


class CodeForm(QWidget):
    """Signals: `submitted(OutboxEntry)` when the request went to the outbox; `code_created(AccessCode)`
    once the server issued the code (the entry is done and its `result` holds the code)."""

    submitted = Signal(object)
    code_created = Signal(object)

    def __init__(
        self, session: GateSession, *, signals: SessionSignals | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._entry: OutboxEntry | None = None
        self.code: AccessCode | None = None
        self.inputs: dict[str, QLineEdit] = {}
        self._build()
        (signals or SessionSignals(session, self)).outbox_changed.connect(self._on_outbox)
        self.reset_window()

    def _build(self) -> None:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, (label, max_length) in TEXT_FIELDS.items():
            edit = QLineEdit(self)
            edit.setMaxLength(max_length)
            edit.setAccessibleName(label.rstrip(" *"))
            self.inputs[key] = edit
            form.addRow(label, edit)
        self.inputs["gate"].setPlaceholderText("any gate")
        self.valid_from = self._moment_edit()
        self.valid_until = self._moment_edit()
        self.max_uses = QSpinBox(self)
        self.max_uses.setRange(1, 100)
        form.addRow("Valid from", self.valid_from)
        form.addRow("Valid until", self.valid_until)
        form.addRow("Max uses", self.max_uses)
        self.create_button = QPushButton(f"Create code  [{CREATE_KEY.replace('Return', 'Enter')}]", self)
        Look(BUTTON_PT, bold=True).apply(self.create_button)
        self.create_button.clicked.connect(self.submit)
        self._build_result(form)

    def _moment_edit(self) -> QDateTimeEdit:
        edit = QDateTimeEdit(self)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("ddd dd MMM yyyy  HH:mm")
        return edit

    def _build_result(self, form: QFormLayout) -> None:
        self.code_label = QLabel(self)
        Look(CODE_PT, bold=True, mono=True).apply(self.code_label)
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_button = QPushButton(f"Copy code  [{COPY_KEY}]", self)
        self.copy_button.setEnabled(False)
        self.code_label.setVisible(False)
        self.copy_button.setVisible(False)
        self.copy_button.clicked.connect(self.copy_code)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setContentsMargins(6, 6, 6, 6)
        row = QHBoxLayout()
        row.addWidget(self.code_label, 1)
        row.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.create_button)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addStretch(1)
        for key, slot in ((CREATE_KEY, self.submit), ("Ctrl+Enter", self.submit), (COPY_KEY, self.copy_code)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def reset_window(self, now: datetime | None = None) -> None:
        """Valid from now until 8 hours later (local time)."""
        start = (now or datetime.now()).replace(second=0, microsecond=0)
        self.valid_from.setDateTime(_qt_moment(start))
        self.valid_until.setDateTime(_qt_moment(start + timedelta(hours=8)))

    def focus_first(self) -> None:
        self.inputs["visitor_name"].setFocus(Qt.FocusReason.ShortcutFocusReason)

    def values(self) -> dict[str, Any]:
        """The request fields: trimmed text, aware local times, uses."""
        values: dict[str, Any] = {k: e.text().strip() for k, e in self.inputs.items() if e.text().strip()}
        values["valid_from"] = _aware(self.valid_from)
        values["valid_until"] = _aware(self.valid_until)
        values["max_uses"] = self.max_uses.value()
        return values

    @async_slot()
    async def submit(self) -> OutboxEntry | None:
        """Send the code request through the outbox; clear words when a field is wrong."""
        missing = [LABELS[k] for k in ("visitor_name", "host_name") if not self.inputs[k].text().strip()]
        if missing:
            self._say(f"{' and '.join(missing)}: required.", Tone.WARN)
            return None
        try:
            request = CreateAccessCodeRequest(**self.values())
        except ValidationError as error:
            self._say(describe(error, LABELS), Tone.WARN)
            return None
        try:
            self._entry, self.code = await self._session.create_access_code(request), None
        except StorageError as error:
            self._say(not_saved(error), Tone.BAD)
            return None
        self.code_label.setText("······")
        self.code_label.setVisible(True)
        self.copy_button.setVisible(True)
        self.copy_button.setEnabled(False)
        self._show(self._entry)
        self.submitted.emit(self._entry)
        return self._entry

    def copy_code(self) -> None:
        if self.code is not None:
            QGuiApplication.clipboard().setText(self.code.code)
            who = self.code.visitor_name
            self._say(
                f"Code {self.code.code} for {who} copied: paste it into the message to the visitor.",
                Tone.GOOD,
            )

    def _on_outbox(self, entry: OutboxEntry) -> None:
        if (
            entry.kind is ActionKind.CREATE_ACCESS_CODE
            and self._entry
            and entry.action_id == self._entry.action_id
        ):
            self._entry = entry
            self._show(entry)

    def _show(self, entry: OutboxEntry) -> None:
        name = entry.payload.get("visitor_name", "")
        if entry.state is ActionState.DONE and entry.result:
            self.code = AccessCode.model_validate(entry.result)
            self.code_label.setText(self.code.code)
            self.copy_button.setEnabled(True)
            uses = f"{self.code.max_uses} use" + ("s" if self.code.max_uses > 1 else "")
            self._say(f"✓ Code for {name}: valid {format_window(self.code)}, {uses}.", Tone.GOOD)
            for edit in self.inputs.values():
                edit.clear()
            self.code_created.emit(self.code)
        elif entry.state is ActionState.FAILED:
            self.code_label.setText("no code")
            self._say(f"✗ No code for {name}: {clause(entry.error)}.", Tone.BAD)
            self._restore(entry.payload)
        else:
            self._say(
                f"… Code for {name}: {outbox_words(entry)}. The digits appear here when issued.", Tone.PENDING
            )

    def _restore(self, payload: dict[str, Any]) -> None:
        for key, edit in self.inputs.items():
            if not edit.text():
                edit.setText(str(payload.get(key) or ""))

    def _say(self, text: str, tone: Tone) -> None:
        self.status.setText(text)
        STATUS_LOOK.apply(self.status, tone)


def _qt_moment(moment: datetime) -> QDateTime:
    """A local wall-clock time for a QDateTimeEdit."""
    return QDateTime.fromSecsSinceEpoch(int(moment.astimezone().timestamp()))


def _aware(edit: QDateTimeEdit) -> datetime:
    """The edit's local time as an aware datetime (what the request needs)."""
    return datetime.fromtimestamp(edit.dateTime().toSecsSinceEpoch()).astimezone()
