"""Code entry: scanner and typed input, every verdict in words, Enter checks in, the answer resets."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sety_console.api.models import ValidationReason
from sety_console.core.actions import ActionKind, ActionState
from sety_console.ui.gate.code_entry import CodeEntryPanel, ResetDelays, normalise_code
from sety_console.ui.gate.style import Tone

from .demo import EXPIRED, NOT_YET, REVOKED, UNKNOWN, USED, VALID
from .fakes import FakeGateSession


def _panel(qtbot: QtBot, session: FakeGateSession, **kwargs: object) -> CodeEntryPanel:
    panel = CodeEntryPanel(session, "Main Gate", **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(panel)
    panel.resize(700, 560)
    panel.show()
    return panel


def _scan(qtbot: QtBot, panel: CodeEntryPanel, code: str) -> None:
    """What a barcode scanner does: the digits as key presses, then Enter, with no pause."""
    qtbot.keyClicks(panel.code_input, code)
    qtbot.keyClick(panel.code_input, Qt.Key.Key_Return)


def test_scanned_valid_code_shows_visitor_host_unit_and_window(qtbot: QtBot, fake: FakeGateSession) -> None:
    panel = _panel(qtbot, fake)
    with qtbot.waitSignal(panel.answer_shown, timeout=3000) as answer:
        _scan(qtbot, panel, VALID)
    result, latency_ms = answer.args
    assert result.valid
    assert latency_ms < 300
    assert panel.card.tone is Tone.GOOD
    assert panel.card.headline == "✓ VALID"
    assert "Adaeze Okafor" in panel.card.subject
    assert "Mrs Adebayo, unit B12" in panel.card.details
    assert "→" in panel.card.details  # the validity window
    assert "Press Enter to check in" in panel.card.status


@pytest.mark.parametrize(
    ("code", "words", "detail"),
    [
        ("999999", "Code not found", "No access code has these digits"),
        (EXPIRED, "Code expired", "The visit window ended"),
        (NOT_YET, "Not valid yet", "This code starts working"),
        (USED, "Code already used", "use(s) of this code are spent"),
        (REVOKED, "Code revoked", "The host withdrew this code"),
    ],
)
def test_every_invalid_reason_in_words(
    qtbot: QtBot, fake: FakeGateSession, code: str, words: str, detail: str
) -> None:
    panel = _panel(qtbot, fake)
    with qtbot.waitSignal(panel.answer_shown, timeout=3000):
        _scan(qtbot, panel, code)
    assert panel.card.tone is Tone.BAD
    assert panel.card.headline == "✗ NOT VALID"
    assert panel.card.subject == words
    assert detail in panel.card.details
    assert "Do not admit" in panel.card.status


def test_unknown_reason_reads_unknown_with_the_raw_value(qtbot: QtBot, fake: FakeGateSession) -> None:
    async def validate(code: str) -> object:
        from sety_console.api.models import ValidationResult

        return ValidationResult(valid=False, reason=ValidationReason("suspended_by_estate"))

    fake.validate_access_code = validate  # type: ignore[method-assign,assignment]
    panel = _panel(qtbot, fake)
    with qtbot.waitSignal(panel.answer_shown, timeout=3000):
        _scan(qtbot, panel, UNKNOWN)
    assert panel.card.tone is Tone.BAD
    assert panel.card.subject == "Unknown (suspended_by_estate)"


def test_enter_on_valid_result_checks_in_with_the_workstation_gate(
    qtbot: QtBot, fake: FakeGateSession
) -> None:
    panel = _panel(qtbot, fake)
    with qtbot.waitSignal(panel.answer_shown, timeout=3000):
        _scan(qtbot, panel, VALID)
    with qtbot.waitSignal(panel.checked_in, timeout=3000) as checked:
        qtbot.keyClick(panel.code_input, Qt.Key.Key_Return)
    entry = checked.args[0]
    assert entry.kind is ActionKind.CHECK_IN
    assert entry.payload == {"access_code": VALID, "gate": "Main Gate", "created_by": "guard on duty"}
    qtbot.waitUntil(lambda: fake.outbox[entry.action_id].state is ActionState.DONE, timeout=3000)
    assert panel.card.headline == "✓ CHECKED IN"
    assert "Adaeze Okafor" in panel.card.subject
    assert [kind for kind, _ in fake.sent] == [ActionKind.CHECK_IN]


def test_typed_code_with_spaces_and_a_second_code_replacing_the_first(
    qtbot: QtBot, fake: FakeGateSession
) -> None:
    panel = _panel(qtbot, fake)
    with qtbot.waitSignal(panel.answer_shown, timeout=3000):
        _scan(qtbot, panel, EXPIRED)
    # the input keeps the old code selected: the next scan replaces it
    with qtbot.waitSignal(panel.answer_shown, timeout=3000) as answer:
        _scan(qtbot, panel, "482 913")
    assert answer.args[0].valid
    assert panel.card.tone is Tone.GOOD
    assert normalise_code(" 48-29 13 ") == VALID


def test_answer_resets_after_a_short_time_and_focus_returns(qtbot: QtBot, fake: FakeGateSession) -> None:
    panel = _panel(qtbot, fake, delays=ResetDelays(valid=200, invalid=200, done=200, unreachable=200))
    panel.activateWindow()
    with qtbot.waitSignal(panel.answer_shown, timeout=3000):
        _scan(qtbot, panel, REVOKED)
    qtbot.waitUntil(lambda: panel.card.tone is Tone.IDLE, timeout=3000)
    assert panel.code_input.text() == ""
    assert panel.card.headline == "Ready"
    assert panel.code_input.hasFocus()


def test_escape_clears_the_answer(qtbot: QtBot, fake: FakeGateSession) -> None:
    panel = _panel(qtbot, fake)
    with qtbot.waitSignal(panel.answer_shown, timeout=3000):
        _scan(qtbot, panel, VALID)
    qtbot.keyClick(panel.code_input, Qt.Key.Key_Escape)
    assert panel.card.tone is Tone.IDLE
    assert fake.sent == []


def test_unreachable_server_says_not_confirmed_and_ctrl_enter_queues(
    qtbot: QtBot, fake: FakeGateSession
) -> None:
    fake.online = False
    panel = _panel(qtbot, fake)
    _scan(qtbot, panel, VALID)
    qtbot.waitUntil(lambda: panel.card.tone is Tone.WARN, timeout=3000)
    assert "NOT confirmed" in panel.card.subject
    assert "Could not connect" in panel.card.details
    with qtbot.waitSignal(panel.checked_in, timeout=3000) as checked:
        qtbot.keyClick(panel.code_input, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    entry = checked.args[0]
    qtbot.waitUntil(lambda: fake.outbox[entry.action_id].attempts == 1, timeout=3000)
    assert fake.outbox[entry.action_id].state is ActionState.PENDING
    assert panel.card.tone is Tone.PENDING
    assert "queued, server unreachable" in panel.card.details
    assert "not confirmed" in panel.card.subject


def test_no_gate_name_refuses_to_check_in(qtbot: QtBot, fake: FakeGateSession) -> None:
    panel = _panel(qtbot, fake)
    panel.set_gate_name("")
    assert "Gate not set" in panel.gate_label.text()
    with qtbot.waitSignal(panel.answer_shown, timeout=3000):
        _scan(qtbot, panel, VALID)
    qtbot.keyClick(panel.code_input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.card.headline == "! GATE NOT SET", timeout=3000)
    assert "gate name" in panel.card.subject
    assert fake.outbox == {}


def test_screenshots_valid_and_invalid(qtbot: QtBot, fake: FakeGateSession, screenshots: Path) -> None:
    panel = _panel(qtbot, fake)
    with qtbot.waitSignal(panel.answer_shown, timeout=3000):
        _scan(qtbot, panel, VALID)
    assert panel.grab().save(str(screenshots / "code-valid.png"))
    with qtbot.waitSignal(panel.answer_shown, timeout=3000):
        _scan(qtbot, panel, EXPIRED)
    assert panel.grab().save(str(screenshots / "code-invalid.png"))
