"""Code entry: one large input (scanner or keyboard), the verdict in big words, Enter checks in."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from sety_console.api.errors import SetyError
from sety_console.api.models import CreateAccessLogRequest, ValidationReason, ValidationResult
from sety_console.core.actions import ActionKind, ActionState, OutboxEntry
from sety_console.core.gate_wording import not_saved, outbox_words
from sety_console.core.storage import StorageError
from sety_console.core.wording import error_text
from sety_console.ui.common.slots import async_slot
from sety_console.ui.session_signals import SessionSignals

from .answer_card import AnswerCard
from .gate_session import GateSession
from .style import DETAIL_PT, INPUT_PT, Look, Tone

log = logging.getLogger(__name__)

_SEPARATORS = re.compile(r"[\s\-]+")
MAX_CODE_LENGTH = 32
INPUT_LOOK = Look(INPUT_PT, bold=True, mono=True)
GATE_LOOK = Look(DETAIL_PT - 4, bold=True)


@dataclass(frozen=True, slots=True)
class ResetDelays:
    """How long each answer stays before the panel clears itself for the next visitor (ms)."""

    valid: int = 20_000
    invalid: int = 8_000
    done: int = 4_000
    unreachable: int = 15_000


class CodeInput(QLineEdit):
    """The big code field. Enter submits, Ctrl+Enter forces (queue a check-in), Esc clears."""

    submitted = Signal(bool)  # forced
    cleared = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            forced = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            self.submitted.emit(forced)
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.cleared.emit()
            event.accept()
            return
        super().keyPressEvent(event)


def normalise_code(text: str) -> str:
    """The code as the server expects it: spaces and dashes a person or scanner adds are dropped."""
    return _SEPARATORS.sub("", text)


class CodeEntryPanel(QWidget):
    """Validates a scanned or typed access code and checks the visitor in on a second Enter.

    Signals: `answer_shown(ValidationResult, float)` with the milliseconds from Enter to the painted
    answer; `checked_in(OutboxEntry)` when a check-in was handed to the outbox.
    """

    answer_shown = Signal(object, float)
    checked_in = Signal(object)

    def __init__(
        self,
        session: GateSession,
        gate_name: str = "",
        *,
        signals: SessionSignals | None = None,
        delays: ResetDelays | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._signals = signals or SessionSignals(session, self)
        self._signals.outbox_changed.connect(self._on_outbox)
        self._gate_name = gate_name.strip()
        self.delays = delays or ResetDelays()
        self.last_latency_ms: float | None = None
        self._result: ValidationResult | None = None
        self._code = ""
        self._unreachable = False
        self._sequence = 0
        self._check_in: OutboxEntry | None = None
        self._visitor = ""
        self._reset_timer = QTimer(self)
        self._reset_timer.setSingleShot(True)
        self._reset_timer.timeout.connect(self.reset)
        self._build()
        self.reset()

    def _build(self) -> None:
        self.code_input = CodeInput(self)
        self.code_input.setObjectName("codeInput")
        INPUT_LOOK.apply(self.code_input)
        self.code_input.setPlaceholderText("Scan or type code")
        self.code_input.setMaxLength(64)
        self.code_input.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_input.setMinimumHeight(72)
        self.code_input.setAccessibleName("Access code")
        self.code_input.submitted.connect(self._on_submitted)
        self.code_input.cleared.connect(self.reset)
        self.gate_label = QLabel(self)
        self.card = AnswerCard(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.gate_label)
        layout.addWidget(self.code_input)
        layout.addWidget(self.card, 1)
        self._show_gate()

    # ------------------------------------------------------------------ settings

    @property
    def gate_name(self) -> str:
        return self._gate_name

    def set_gate_name(self, name: str) -> None:
        """The gate this workstation stands at (recorded on every check-in)."""
        self._gate_name = name.strip()
        self._show_gate()
        if self.card.tone is Tone.IDLE:
            self.card.show_idle(self._gate_name)

    def _show_gate(self) -> None:
        if self._gate_name:
            self.gate_label.setText(f"Gate: {self._gate_name}")
            GATE_LOOK.apply(self.gate_label)
        else:
            self.gate_label.setText("Gate not set: set this workstation's gate name before checking in")
            GATE_LOOK.apply(self.gate_label, Tone.WARN)

    # ------------------------------------------------------------------ flow

    def reset(self) -> None:
        """Clear the answer and the input; the next visitor starts clean."""
        self._reset_timer.stop()
        self._sequence += 1
        self._result, self._code, self._unreachable = None, "", False
        self._check_in, self._visitor = None, ""
        self.code_input.clear()
        self.card.show_idle(self._gate_name)
        self.reclaim_focus()

    def reclaim_focus(self, *, force: bool = False) -> None:
        """Give the code input the keyboard, unless (without `force`) the guard is typing elsewhere."""
        if not self.code_input.isVisible():
            return  # another tab is in front: F2 brings the code entry back with the keyboard
        current = QApplication.focusWidget()
        typing = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox, QComboBox)
        if (
            not force
            and isinstance(current, typing)
            and current is not self.code_input
            and current.window() is self.window()
            and current.isVisible()
        ):
            return
        self.code_input.setFocus(Qt.FocusReason.OtherFocusReason)

    def take_keystroke(self, text: str) -> None:
        """A digit typed (or scanned) while another part of the gate page had the keyboard: it starts
        a new code here, so a scan is never lost in the list."""
        if self.code_input.hasSelectedText() or self._result is not None or self._check_in is not None:
            self.code_input.clear()
        self.code_input.setFocus(Qt.FocusReason.OtherFocusReason)
        self.code_input.insert(text)

    def _schedule_reset(self, milliseconds: int) -> None:
        self._reset_timer.start(milliseconds)

    @async_slot(bool)
    async def _on_submitted(self, forced: bool) -> None:
        await self.submit(forced)

    async def submit(self, forced: bool = False) -> None:
        """What Enter does: check in a valid code shown, else validate what was typed."""
        code = normalise_code(self.code_input.text())
        if self._check_in is not None and not code:
            self.reset()
        elif code in ("", self._code) and self._may_check_in(forced):
            await self._start_check_in(self._code)
        elif code:
            await self.validate(code)
        self.reclaim_focus()

    def _may_check_in(self, forced: bool) -> bool:
        """A VALID answer is showing, or the guard forces a queued check-in the server could not confirm."""
        valid = self._result is not None and self._result.valid
        return bool(self._code) and (valid or (forced and self._unreachable))

    async def validate(self, code: str) -> None:
        """Ask the server about `code` and paint the verdict; a newer Enter wins over an older answer."""
        started = time.perf_counter()
        self._sequence += 1
        sequence = self._sequence
        self._reset_timer.stop()
        self._result, self._code, self._unreachable, self._check_in = None, code, False, None
        self.card.show_checking(code)
        try:
            result = await self._ask(code)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # any failure is shown, never raised into Qt
            if sequence == self._sequence:
                self._show_failure(code, error)
            return
        if sequence != self._sequence:
            return
        self._result = result
        self.card.show_result(result, code)
        self.card.repaint()
        self.code_input.selectAll()
        self.last_latency_ms = (time.perf_counter() - started) * 1000
        self._schedule_reset(self.delays.valid if result.valid else self.delays.invalid)
        self.answer_shown.emit(result, self.last_latency_ms)

    async def _ask(self, code: str) -> ValidationResult:
        if len(code) > MAX_CODE_LENGTH:  # the server would answer 400; a too-long code is simply unknown
            return ValidationResult(valid=False, reason=ValidationReason.not_found)
        return await self._session.validate_access_code(code)

    def _show_failure(self, code: str, error: Exception) -> None:
        if not isinstance(error, SetyError):
            log.exception("validating an access code failed", exc_info=error)
        transient = isinstance(error, SetyError) and error.transient
        self._unreachable = transient
        self.card.show_unreachable(code, error_text(error), can_queue=transient)
        self.code_input.selectAll()
        self._schedule_reset(self.delays.unreachable)

    async def _start_check_in(self, code: str) -> None:
        if not self._gate_name:
            self.card.show_problem(
                "! GATE NOT SET", "Set this workstation's gate name first, then press Enter."
            )
            return
        access = self._result.access_code if self._result else None
        self._visitor = f"Visitor: {access.visitor_name}" if access else f"Code {code} (not confirmed)"
        try:
            entry = await self._session.check_in(
                CreateAccessLogRequest(access_code=code, gate=self._gate_name)
            )
        except StorageError as error:
            self.card.show_problem("! NOT SAVED", not_saved(error))
            return
        self._result, self._unreachable = None, False
        self._check_in = entry
        self.code_input.clear()
        self._show_check_in(entry)
        self.checked_in.emit(entry)

    def _on_outbox(self, entry: OutboxEntry) -> None:
        if self._check_in is not None and entry.action_id == self._check_in.action_id:
            self._check_in = entry
            self._show_check_in(entry)

    def _show_check_in(self, entry: OutboxEntry) -> None:
        tone = {ActionState.DONE: Tone.GOOD, ActionState.FAILED: Tone.BAD}.get(entry.state, Tone.PENDING)
        words = outbox_words(entry)
        if entry.state is ActionState.DONE:
            words = f"Recorded at {self._gate_name}. Next visitor: scan or type the code."
        elif entry.is_open:
            words = f"Check-in {words}. It is kept and sent automatically; the visitor may go in."
        self.card.show_check_in(self._visitor, words, tone)
        if entry.kind is ActionKind.CHECK_IN and entry.state is not ActionState.FAILED:
            self._schedule_reset(self.delays.done)
        else:
            self._reset_timer.stop()  # a failed check-in stays until the guard has read it (Esc clears)
