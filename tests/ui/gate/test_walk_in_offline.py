"""Walk-in form, and a check-in made while the server is unreachable: pending, then delivered once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sety_console.api.models import AccessLogMethod
from sety_console.core.actions import ActionKind, ActionState, OutboxEntry
from sety_console.core.outbox_store import OutboxStorageError
from sety_console.ui.gate.inside_model import Column
from sety_console.ui.gate.style import Tone
from sety_console.ui.gate.workspace import GateWorkspace

from .conftest import finished
from .fakes import FakeGateSession


def _workspace(qtbot: QtBot, session: FakeGateSession) -> GateWorkspace:
    workspace = GateWorkspace(session, "North Gate")
    qtbot.addWidget(workspace)
    workspace.resize(1280, 800)
    workspace.show()
    workspace.activateWindow()
    qtbot.waitUntil(workspace.isActiveWindow, timeout=3000)
    return workspace


def _type_walk_in(qtbot: QtBot, workspace: GateWorkspace, **values: str) -> None:
    form = workspace.walk_in
    for key, text in values.items():
        qtbot.keyClicks(form.inputs[key], text)


def test_walk_in_with_the_keyboard_records_every_field_and_the_workstation_gate(
    qtbot: QtBot, empty_fake: FakeGateSession
) -> None:
    workspace = _workspace(qtbot, empty_fake)
    qtbot.keyClick(workspace, Qt.Key.Key_F3)
    assert workspace.current_tab() == "walk_in"
    form = workspace.walk_in
    assert form.inputs["visitor_name"].hasFocus()
    answers = ["Grace Obi", "+2348030000001", "A1234567", "Mr Danjuma", "C7", "Delivery", "LAG-123-XY"]
    for text in answers[:-1]:  # Enter moves to the next field…
        qtbot.keyClicks(form.focusWidget(), text)
        qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Return)
    qtbot.keyClicks(form.focusWidget(), answers[-1])
    assert form.focusWidget() is form.inputs["vehicle_plate"]
    with qtbot.waitSignal(form.checked_in, timeout=3000) as sent:  # …and checks in from the last one
        qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Return)
    entry: OutboxEntry = sent.args[0]
    assert entry.payload == {
        "visitor_name": "Grace Obi",
        "visitor_phone": "+2348030000001",
        "visitor_id_number": "A1234567",
        "host_name": "Mr Danjuma",
        "host_unit": "C7",
        "purpose": "Delivery",
        "vehicle_plate": "LAG-123-XY",
        "gate": "North Gate",
        "method": "walk_in",
        "created_by": "guard on duty",
    }
    qtbot.waitUntil(lambda: "✓ Grace Obi checked in at North Gate" in form.status.text(), timeout=3000)
    assert all(edit.text() == "" for edit in form.inputs.values())
    [log] = empty_fake.logs.values()
    assert log.method is AccessLogMethod.walk_in
    assert log.gate == "North Gate"


def test_walk_in_says_what_is_missing_and_sends_nothing(qtbot: QtBot, empty_fake: FakeGateSession) -> None:
    workspace = _workspace(qtbot, empty_fake)
    form = workspace.walk_in
    _type_walk_in(qtbot, workspace, visitor_phone="+234")
    assert finished(qtbot, form.submit()) is None
    assert form.status.text() == "Visitor name and Host: required."
    _type_walk_in(qtbot, workspace, visitor_name="Ada", host_name="Mrs Adebayo")
    form.method.setCurrentIndex(1)
    entry = finished(qtbot, form.submit())
    assert entry is not None
    assert entry.payload["method"] == "manual"
    workspace.set_gate_name("")
    _type_walk_in(qtbot, workspace, visitor_name="Ben", host_name="Mrs Adebayo")
    assert finished(qtbot, form.submit()) is None
    assert "gate name" in form.status.text()
    assert len(empty_fake.outbox) == 1


def test_refused_walk_in_comes_back_into_the_form(qtbot: QtBot, empty_fake: FakeGateSession) -> None:
    from sety_console.api.errors import BadRequestError

    def refuse(payload: dict[str, object]) -> object:
        raise BadRequestError("host_name: unknown host", status=400, field="host_name")

    empty_fake._apply_check_in = refuse  # type: ignore[method-assign,assignment]
    workspace = _workspace(qtbot, empty_fake)
    _type_walk_in(qtbot, workspace, visitor_name="Ada Eze", host_name="Nobody", vehicle_plate="KJA-1")
    finished(qtbot, workspace.walk_in.submit())
    qtbot.waitUntil(lambda: "NOT checked in" in workspace.walk_in.status.text(), timeout=3000)
    assert "unknown host" in workspace.walk_in.status.text()
    assert workspace.walk_in.inputs["visitor_name"].text() == "Ada Eze"
    assert workspace.walk_in.inputs["vehicle_plate"].text() == "KJA-1"


def test_offline_check_in_is_shown_pending_then_delivered_exactly_once(
    qtbot: QtBot, empty_fake: FakeGateSession
) -> None:
    fake = empty_fake
    fake.online = False
    workspace = _workspace(qtbot, fake)
    states: list[ActionState] = []
    fake.outbox_changed.connect(lambda entry: states.append(entry.state))
    workspace.show_tab("walk_in")
    _type_walk_in(qtbot, workspace, visitor_name="Offline Okoro", host_name="Ms Lawal")
    entry = finished(qtbot, workspace.walk_in.submit())
    assert entry is not None
    inside = workspace.inside
    qtbot.waitUntil(lambda: fake.outbox[entry.action_id].attempts == 1, timeout=3000)
    row = inside.model.row_of(entry.action_id)
    assert row is not None
    status = inside.model.index(row, Column.STATUS)
    assert status.data() == "Pending check-in (offline)"
    assert status.data(Qt.ItemDataRole.BackgroundRole) == Tone.PENDING.background
    assert "queued, server unreachable" in workspace.walk_in.status.text()
    fake.deliver_all()  # still offline: a second failed try, nothing sent
    assert fake.sent == []
    assert fake.outbox[entry.action_id].attempts == 2
    fake.online = True
    fake.deliver_all()
    assert fake.outbox[entry.action_id].state is ActionState.DONE
    [log_id] = list(fake.visitors.by_id)
    assert inside.model.visible_keys() == [log_id]
    assert inside.model.index(0, Column.STATUS).data() == "Inside"
    assert inside.model.index(0, Column.VISITOR).data() == "Offline Okoro"
    fake.deliver_all()  # nothing open: nothing sent again
    assert [kind for kind, _ in fake.sent] == [ActionKind.CHECK_IN]
    assert len(fake.logs) == 1
    assert states[0] is ActionState.PENDING
    assert states[-1] is ActionState.DONE
    assert "✓ Offline Okoro checked in" in workspace.walk_in.status.text()


def test_a_full_disk_is_told_and_the_form_keeps_what_was_typed(
    qtbot: QtBot, empty_fake: FakeGateSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = _workspace(qtbot, empty_fake)
    form = workspace.walk_in

    def full_disk(request: object) -> OutboxEntry:
        raise OutboxStorageError("the disk of this computer is full")

    monkeypatch.setattr(empty_fake, "check_in", full_disk)
    _type_walk_in(qtbot, workspace, visitor_name="Ada Obi", host_name="Mrs Adebayo")
    assert finished(qtbot, form.submit()) is None
    assert form.status.text().startswith("NOT SAVED on this computer (the disk of this computer is full)")
    assert form.inputs["visitor_name"].text() == "Ada Obi"  # nothing lost: the guard can try again
