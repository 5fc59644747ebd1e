"""End to end against the real sandbox through the real `ConsoleSession`: scan → VALID → check-in →
inside → checkout, the refusals in words, and the code created in the workspace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sety_console.api.models import AccessLogStatus, CreateAccessCodeRequest
from sety_console.core.actions import ActionState
from sety_console.ui.gate.gate_session import GateSession
from sety_console.ui.gate.inside_model import Column
from sety_console.ui.gate.style import Tone
from sety_console.ui.gate.workspace import GateWorkspace

from .conftest import finished, run


def _workspace(qtbot: QtBot, session: GateSession) -> GateWorkspace:
    workspace = GateWorkspace(session, "Main Gate")
    qtbot.addWidget(workspace)
    workspace.resize(1280, 800)
    workspace.show()
    workspace.activateWindow()
    qtbot.waitUntil(workspace.isActiveWindow, timeout=3000)
    return workspace


def _issue(qtbot: QtBot, session: Any, **fields: Any) -> str:
    """An access code issued through the outbox; returns its digits."""
    fields.setdefault("valid_until", datetime.now(UTC) + timedelta(hours=4))
    entry = finished(
        qtbot,
        session.create_access_code(
            CreateAccessCodeRequest(host_name="Mrs Adebayo", host_unit="B12", **fields)
        ),
    )
    qtbot.waitUntil(lambda: session.outbox.get(entry.action_id).state is ActionState.DONE, timeout=10_000)
    return str(session.outbox.get(entry.action_id).result["code"])


def _scan(qtbot: QtBot, workspace: GateWorkspace, code: str) -> tuple[Any, float]:
    entry = workspace.code_entry
    qtbot.keyClicks(entry.code_input, code)
    with qtbot.waitSignal(entry.answer_shown, timeout=5000) as answer:
        qtbot.keyClick(entry.code_input, Qt.Key.Key_Return)
    return answer.args[0], answer.args[1]


def test_scan_validate_check_in_inside_checkout(qtbot: QtBot, session: Any) -> None:
    code = _issue(qtbot, session, visitor_name="Ebere Sandbox")
    workspace = _workspace(qtbot, session)
    inside_before = workspace.inside.model.inside_count()
    result, latency_ms = _scan(qtbot, workspace, code)
    assert result.valid
    assert latency_ms < 300
    assert workspace.code_entry.card.tone is Tone.GOOD
    assert "Ebere Sandbox" in workspace.code_entry.card.subject
    assert "Mrs Adebayo, unit B12" in workspace.code_entry.card.details
    with qtbot.waitSignal(workspace.checked_in, timeout=3000) as checked:
        qtbot.keyClick(workspace.code_entry.code_input, Qt.Key.Key_Return)
    entry = checked.args[0]
    qtbot.waitUntil(lambda: workspace.code_entry.card.headline == "✓ CHECKED IN", timeout=10_000)
    log_id = session.outbox.get(entry.action_id).result["log_id"]
    qtbot.waitUntil(lambda: workspace.inside.model.row_of(log_id) is not None, timeout=10_000)
    row = workspace.inside.model.row_of(log_id)
    assert row is not None
    assert workspace.inside.model.index(row, Column.VISITOR).data() == "Ebere Sandbox"
    assert workspace.inside.model.index(row, Column.STATUS).data() == "Inside"
    assert workspace.inside.model.inside_count() == inside_before + 1
    # the same code again: its only use is spent
    again, _ = _scan(qtbot, workspace, code)
    assert workspace.code_entry.card.subject == "Code already used"
    assert not again.valid
    # checkout with one key, with a note
    workspace.inside.select_key(log_id)
    qtbot.keyClicks(workspace.inside.note, "collected by host")
    with qtbot.waitSignal(workspace.checked_out, timeout=3000):
        qtbot.keyClick(workspace.inside.table, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: workspace.inside.model.row_of(log_id) is None, timeout=10_000)
    page = run(qtbot, session.list_access_logs(search="Ebere Sandbox"))
    [log] = page.data
    assert log.status is AccessLogStatus.checked_out
    assert log.checkout_notes == "collected by host"
    assert log.checkout_gate == "Main Gate"
    assert log.created_by == "Guard Okafor"


def test_refusals_from_the_sandbox_in_words(qtbot: QtBot, session: Any) -> None:
    soon = _issue(
        qtbot, session, visitor_name="Short Window", valid_until=datetime.now(UTC) + timedelta(seconds=2)
    )
    later = _issue(
        qtbot,
        session,
        visitor_name="Tomorrow Guest",
        valid_from=datetime.now(UTC) + timedelta(days=1),
        valid_until=datetime.now(UTC) + timedelta(days=1, hours=2),
    )
    revoked = _issue(qtbot, session, visitor_name="Withdrawn Guest")
    workspace = _workspace(qtbot, session)
    workspace.show_tab("codes")
    qtbot.waitUntil(lambda: any(c.code == revoked for c in workspace.codes.model.rows()), timeout=10_000)
    row = next(i for i, c in enumerate(workspace.codes.model.rows()) if c.code == revoked)
    workspace.codes.table.selectRow(row)
    finished(qtbot, workspace.codes.revoke_selected())
    entry = finished(qtbot, workspace.codes.revoke_selected())
    assert entry is not None
    qtbot.waitUntil(lambda: "✓ Code revoked" in workspace.codes.message.text(), timeout=10_000)
    workspace.show_tab("gate")
    expected = {"999999": "Code not found", later: "Not valid yet", revoked: "Code revoked"}
    for code, words in expected.items():
        _scan(qtbot, workspace, code)
        assert workspace.code_entry.card.tone is Tone.BAD
        assert workspace.code_entry.card.subject == words
    qtbot.waitUntil(
        lambda: datetime.now(UTC) > session.outbox.get(entry.action_id).created_at + timedelta(seconds=2.5)
    )
    _scan(qtbot, workspace, soon)
    assert workspace.code_entry.card.subject == "Code expired"


def test_code_created_in_the_workspace_admits_its_visitor(qtbot: QtBot, session: Any) -> None:
    workspace = _workspace(qtbot, session)
    qtbot.keyClick(workspace, Qt.Key.Key_F4)
    form = workspace.codes.form
    qtbot.keyClicks(form.inputs["visitor_name"], "Form Made Guest")
    qtbot.keyClicks(form.inputs["host_name"], "Dr Okonkwo")
    with qtbot.waitSignal(form.code_created, timeout=10_000) as created:
        finished(qtbot, form.submit())
    code = created.args[0].code
    assert form.code_label.text() == code
    qtbot.keyClick(workspace, Qt.Key.Key_F2)
    result, _ = _scan(qtbot, workspace, code)
    assert result.valid
    assert "Form Made Guest" in workspace.code_entry.card.subject
