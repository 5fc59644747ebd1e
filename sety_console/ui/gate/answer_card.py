"""The big answer under the code input: VALID in green or NOT VALID in red, always with words."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from sety_console.api.models import AccessCode, ValidationResult
from sety_console.core.gate_wording import format_window, reason_detail, reason_headline

from .style import ANSWER_PT, DETAIL_PT, Look, Tone, font


class AnswerCard(QFrame):
    """Shows one verdict at a time; `tone` and `headline` tell tests (and screen readers) what is shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("answerCard")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tone = Tone.IDLE
        self._looks: dict[str, Look] = {}
        self._headline = self._label("headline", ANSWER_PT, bold=True)
        self._subject = self._label("subject", DETAIL_PT + 8, bold=True)
        self._details = self._label("details", DETAIL_PT)
        self._status = self._label("status", DETAIL_PT, bold=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(8)
        for label in (self._headline, self._subject, self._details, self._status):
            layout.addWidget(label)
        layout.addStretch(1)
        self.show_idle()

    def _label(self, name: str, points: int, *, bold: bool = False) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setFont(font(points, bold=bold))
        self._looks[name] = Look(points, bold=bold)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return label

    @property
    def headline(self) -> str:
        return self._headline.text()

    @property
    def subject(self) -> str:
        return self._subject.text()

    @property
    def details(self) -> str:
        return self._details.text()

    @property
    def status(self) -> str:
        return self._status.text()

    def _paint(
        self, tone: Tone, headline: str, subject: str = "", details: str = "", status: str = ""
    ) -> None:
        self.tone = tone
        labels = " ".join(f"QLabel#{name} {{ {look.declarations()} }}" for name, look in self._looks.items())
        colours = f"QLabel {{ color: {tone.value[1]}; background: transparent; }}"
        self.setStyleSheet(f"{tone.sheet('QFrame#answerCard')} {colours} {labels}")
        for label, text in (
            (self._headline, headline),
            (self._subject, subject),
            (self._details, details),
            (self._status, status),
        ):
            label.setText(text)
            label.setVisible(bool(text))

    def show_idle(self, gate_name: str = "") -> None:
        where = f" at {gate_name}" if gate_name else ""
        self._paint(Tone.IDLE, "Ready", f"Scan or type the visitor's code{where}, then press Enter.")

    def show_checking(self, code: str) -> None:
        self._paint(Tone.PENDING, "Checking…", f"Code {code}")

    def show_result(self, result: ValidationResult, code: str) -> None:
        """VALID with visitor, host, unit and window; NOT VALID with the reason in words."""
        access = result.access_code
        if result.valid:
            self._paint(
                Tone.GOOD,
                "✓ VALID",
                f"Visitor: {access.visitor_name if access else '—'}",
                _valid_details(access, code),
                "Press Enter to check in  ·  Esc to clear",
            )
            return
        subject = reason_headline(result.reason)
        details = reason_detail(result.reason, access)
        if access and access.visitor_name:
            details += f"\nVisitor: {access.visitor_name}  ·  Host: {_host(access)}"
        self._paint(Tone.BAD, "✗ NOT VALID", subject, f"{details}\nCode {code}", "Do not admit. Esc to clear")

    def show_unreachable(self, code: str, message: str, *, can_queue: bool) -> None:
        """The server could not give a verdict: the code is not confirmed either way."""
        hint = "Enter: try again"
        if can_queue:
            hint += "  ·  Ctrl+Enter: queue the check-in anyway (the server checks the code later)"
        self._paint(
            Tone.WARN,
            "? CANNOT CHECK",
            "No answer from the server: the code is NOT confirmed.",
            f"Code {code}\n{message}",
            hint,
        )

    def show_problem(self, headline: str, text: str) -> None:
        """Something the guard must fix before going on (amber, with words)."""
        self._paint(Tone.WARN, headline, text)

    def show_check_in(self, subject: str, words: str, tone: Tone) -> None:
        """After Enter on a valid code: who, and the outbox state of the check-in in words."""
        headline = {Tone.GOOD: "✓ CHECKED IN", Tone.BAD: "✗ CHECK-IN FAILED"}.get(tone, "… CHECKING IN")
        self._paint(tone, headline, subject, words)


def _host(access: AccessCode) -> str:
    return f"{access.host_name}, unit {access.host_unit}" if access.host_unit else access.host_name or "—"


def _valid_details(access: AccessCode | None, code: str) -> str:
    if access is None:
        return f"Code {code}"
    uses = f"use {access.uses + 1} of {access.max_uses}"
    lines = [f"Host: {_host(access)}", f"Valid: {format_window(access)}  ({uses})", f"Code {code}"]
    if access.purpose:
        lines.insert(1, f"Purpose: {access.purpose}")
    return "\n".join(lines)
