"""Pre-registration: a code created through the outbox, shown large with copy; list by status; revoke."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from sety_console.api.models import AccessCodeStatus
from sety_console.core.actions import ActionKind, ActionState
from sety_console.core.gate_wording import format_when
from sety_console.ui.gate.access_codes import AccessCodesPanel
from sety_console.ui.gate.workspace import GateWorkspace

from .conftest import finished
from .demo import NOT_YET, VALID
from .fakes import FakeGateSession

STATUS_COLUMN = 6


def _panel(qtbot: QtBot, session: FakeGateSession) -> AccessCodesPanel:
    panel = AccessCodesPanel(session, page_size=4)
    qtbot.addWidget(panel)
    panel.resize(1100, 640)
    panel.show()
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow, timeout=3000)
    return panel


def test_create_shows_pending_then_the_six_digits_large_with_copy(
    qtbot: QtBot, empty_fake: FakeGateSession, screenshots: Path
) -> None:
    fake = empty_fake
    fake.auto_deliver = False
    panel = _panel(qtbot, fake)
    form = panel.form
    for key, text in {"visitor_name": "Ifeoma Ude", "host_name": "Dr Okonkwo", "host_unit": "A3"}.items():
        qtbot.keyClicks(form.inputs[key], text)
    form.max_uses.setValue(3)
    form.inputs["host_unit"].setFocus()
    with qtbot.waitSignal(form.submitted, timeout=3000) as sent:
        qtbot.keyClick(form.inputs["host_unit"], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    entry = sent.args[0]
    assert entry.kind is ActionKind.CREATE_ACCESS_CODE
    assert entry.payload["max_uses"] == 3
    assert entry.payload["host_unit"] == "A3"
    assert "queued" in form.status.text()
    assert not form.copy_button.isEnabled()
    with qtbot.waitSignal(form.code_created, timeout=3000) as created:
        fake.deliver(entry.action_id)
    code = created.args[0]
    assert len(code.code) == 6
    assert code.code.isdigit()
    assert form.code_label.text() == code.code
    assert form.code_label.font().pointSize() >= 40
    assert "Ifeoma Ude" in form.status.text()
    assert "3 uses" in form.status.text()
    qtbot.keyClick(
        form, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert QGuiApplication.clipboard().text() == code.code
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=3000)  # the list reloads
    assert panel.grab().save(str(screenshots / "code-created.png"))


def test_form_explains_a_bad_window_and_sends_nothing(qtbot: QtBot, empty_fake: FakeGateSession) -> None:
    panel = _panel(qtbot, empty_fake)
    form = panel.form
    qtbot.keyClicks(form.inputs["visitor_name"], "Ada")
    qtbot.keyClicks(form.inputs["host_name"], "Mrs Adebayo")
    form.valid_until.setDateTime(form.valid_from.dateTime().addSecs(-3600))
    assert finished(qtbot, form.submit()) is None
    assert form.status.text() == "Valid until: must be later than valid_from."
    assert empty_fake.outbox == {}


def test_list_by_status_pages_and_revoke_needs_two_presses(qtbot: QtBot, fake: FakeGateSession) -> None:
    for index in range(5):
        fake.add_code(
            visitor_name=f"Guest {index}", host_name="Ms Lawal", valid_until=fake.now + timedelta(days=1)
        )
    panel = _panel(qtbot, fake)
    panel.reload()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 4, timeout=3000)
    assert all(code.status is AccessCodeStatus.active for code in panel.model.rows())
    assert panel.pager.label.text() == "Page 1 of 2  ·  7 in all"
    panel.pager.next()
    qtbot.waitUntil(lambda: panel.pager.page == 2, timeout=3000)
    assert panel.model.rowCount() == 3
    panel.status_filter.setCurrentText("Revoked")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=3000)
    assert panel.model.rows()[0].code == "815390"
    panel.status_filter.setCurrentText("Active")
    qtbot.waitUntil(lambda: panel.pager.page == 1 and panel.model.rowCount() == 4, timeout=3000)
    panel.table.selectRow(0)
    target = panel.model.rows()[0]
    fake.auto_deliver = False
    assert finished(qtbot, panel.revoke_selected()) is None
    assert "again to revoke" in panel.message.text()
    entry = finished(qtbot, panel.revoke_selected())
    assert entry is not None
    assert entry.target_id == target.code_id
    assert panel.model.index(0, 6).data() == "Revoking: queued"
    fake.deliver(entry.action_id)
    assert fake.outbox[entry.action_id].state is ActionState.DONE
    assert panel.model.rows()[0].status is AccessCodeStatus.revoked
    assert panel.model.index(0, 6).data() == "Revoked"
    assert "✓ Code revoked" in panel.message.text()
    assert finished(qtbot, panel.revoke_selected()) is None
    assert "only active codes" in panel.message.text()


def test_a_code_not_yet_valid_says_from_when_not_active(qtbot: QtBot, fake: FakeGateSession) -> None:
    workspace = GateWorkspace(fake, "Main Gate")
    qtbot.addWidget(workspace)
    workspace.resize(1280, 800)
    workspace.show()
    workspace.activateWindow()
    qtbot.waitUntil(workspace.isActiveWindow, timeout=3000)
    qtbot.keyClick(workspace.focusWidget() or workspace, Qt.Key.Key_F4)  # Pre-register: the codes
    codes = workspace.codes
    qtbot.waitUntil(lambda: codes.model.rowCount() > 0, timeout=3000)
    assert codes.status_filter.currentText() == "Active"
    shown = {
        codes.model.row_at(row).code: codes.model.index(row, STATUS_COLUMN).data()
        for row in range(codes.model.rowCount())
    }
    starts = fake.codes[next(k for k, c in fake.codes.items() if c.code == NOT_YET)].valid_from
    assert starts is not None
    assert shown[NOT_YET] == f"Not yet valid — from {format_when(starts)}"
    assert f"{starts.astimezone():%H:%M}" in shown[NOT_YET]  # local time
    assert shown[VALID] == "Active"
