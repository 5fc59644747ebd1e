"""The detail panel: facts, timeline with pending and failed actions, notes, cancel, signals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sety_console.api.models import Incident
from sety_console.core.actions import ActionKind, ActionState, OutboxEntry
from sety_console.ui.incidents.cancel_dialog import CancelDialog
from sety_console.ui.incidents.detail import IncidentDetail

from .conftest import FakeClock
from .factory import NOW, make_incident


def entry(kind: ActionKind, state: ActionState, target: str, **payload: str) -> OutboxEntry:
    error = "message: must not be blank" if state is ActionState.FAILED else None
    return OutboxEntry(
        f"act_{kind.value}_{state.value}", kind, dict(payload), target, state, NOW, "Funke", 1, error
    )


@pytest.fixture
def detail(qtbot: QtBot, clock: FakeClock) -> IncidentDetail:
    widget = IncidentDetail(clock.now)
    qtbot.addWidget(widget)
    widget.resize(760, 900)
    widget.show()
    return widget


@pytest.fixture
def incident() -> Incident:
    return make_incident(
        "inc_detail0001", severity="critical", breached=True, breach_reason="Late assignment"
    )


def test_shows_every_fact(detail: IncidentDetail, incident: Incident) -> None:
    detail.show_incident(incident)
    facts = {name: label.text() for name, label in detail.facts.fields.items()}
    assert facts["Name"] == "Adaeze Nwosu"
    assert facts["Phone"] == "+2348052345678"
    assert facts["Email"] == "adaeze.nwosu@example.com"
    assert "emergency_contact: +2348023456789" in facts["Details"]
    assert facts["Coordinates"] == "6.44740, 3.47460"
    assert facts["Unit"] == "Patrol 7"
    assert facts["Responder"] == "Sgt. Ibrahim Musa"
    assert facts["Vehicle"] == "LSR-552-FK"
    assert facts["ETA"] == "ETA 4 min"
    assert facts["Distance"] == "1.9 km"
    assert facts["Targets"] == "assign within 2 min, arrive within 15 min"
    assert facts["Breach"] == "Late assignment"  # a reason this version does not know, as sent
    assert detail.header.clock.text() == "SLA  Breached"
    assert detail.header.clock_detail.text() == "Late assignment; responder ETA 4 min"
    assert "CRITICAL" in detail.header.severity.text()
    assert detail.header.title.text() == "Panic button pressed in Lekki Phase 1"
    assert detail.header.ident.text() == incident.incident_id


def test_copy_phone(detail: IncidentDetail, incident: Incident, qtbot: QtBot) -> None:
    detail.show_incident(incident)
    phone = detail.facts.fields["Phone"]
    button = phone.parentWidget().findChild(type(detail.header.copy_id))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == "+2348052345678"


def test_timeline_has_events_notes_pending_failed_and_alerts(
    detail: IncidentDetail, incident: Incident
) -> None:
    pending = [
        entry(ActionKind.ADD_NOTE, ActionState.PENDING, incident.incident_id, message="Caller is safe now"),
        entry(ActionKind.ADD_NOTE, ActionState.FAILED, incident.incident_id, message="   "),
        entry(ActionKind.ADD_NOTE, ActionState.PENDING, "inc_other", message="Not about this one"),
    ]
    detail.show_incident(incident, pending, ["18:26:02 Alarm acknowledged by Funke Adeyemi"])
    text = detail.timeline.toPlainText()
    events = [line for line in text.splitlines() if line.strip()]
    assert events.index(next(e for e in events if "Incident created" in e)) < events.index(
        next(e for e in events if "Caller says the two men" in e)
    )
    assert "Pending — not yet on the server: Caller is safe now" in text
    assert "FAILED — Note" in text
    assert "The server refused it: message: must not be blank" in text
    assert "Not about this one" not in text
    assert "Alarm acknowledged by Funke Adeyemi" in text
    assert "Dispatch console: Funke Adeyemi" in text  # authors shown
    assert "#ff6b6b" in detail.timeline._html  # the failed entry is red


def test_ctrl_enter_sends_the_note_and_clears_the_box(
    qtbot: QtBot, detail: IncidentDetail, incident: Incident
) -> None:
    detail.show_incident(incident)
    detail.focus_note()
    qtbot.keyClicks(detail.note_box.edit, "Unit is two streets away")
    with qtbot.waitSignal(detail.note_submitted, timeout=1000) as blocker:
        qtbot.keyClick(detail.note_box.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == [incident.incident_id, "Unit is two streets away"]
    assert detail.note_box.text() == ""
    sent: list[object] = []
    detail.note_submitted.connect(lambda *a: sent.append(a))
    qtbot.keyClicks(detail.note_box.edit, "   ")
    qtbot.keyClick(detail.note_box.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert sent == []  # blank notes are not sent
    assert not detail.note_box.send_button.isEnabled()


def test_update_in_place_keeps_the_draft_and_the_scroll(
    qtbot: QtBot, detail: IncidentDetail, incident: Incident
) -> None:
    notes = [
        {
            "status": "responding",
            "event": "note_added",
            "message": f"note {n}",
            "timestamp": "2026-03-10T18:10:00Z",
        }
        for n in range(40)
    ]
    long = Incident.model_validate(incident.model_dump(mode="json") | {"timeline": notes})
    detail.show_incident(long)
    detail.note_box.set_text("half-typed")
    bar = detail.timeline.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 100, timeout=2000)
    bar.setValue(40)
    newer = long.model_dump(mode="json")
    newer["responder"]["eta_seconds"] = 60
    newer["timeline"].append(notes[0] | {"message": "a new note"})
    detail.show_incident(Incident.model_validate(newer))
    assert detail.note_box.text() == "half-typed"
    assert bar.value() == 40
    assert detail.facts.fields["ETA"].text() == "ETA 1 min"
    other = make_incident("inc_detail0002")
    detail.show_incident(other)
    assert detail.note_box.text() == ""
    detail.show_incident(long)
    assert detail.note_box.text() == "half-typed"  # drafts are kept per incident


def test_cancel_needs_a_reason_and_a_confirmation(
    qtbot: QtBot, detail: IncidentDetail, incident: Incident
) -> None:
    detail.show_incident(incident)
    requested: list[tuple[str, str]] = []
    detail.cancel_requested.connect(lambda *a: requested.append(a))
    qtbot.mouseClick(detail.cancel_button, Qt.MouseButton.LeftButton)
    dialog = detail.cancel_dialog
    assert isinstance(dialog, CancelDialog)
    assert dialog.isVisible()
    assert not dialog.cancel_button.isEnabled()
    dialog.accept()
    assert dialog.isVisible()
    assert requested == []
    qtbot.keyClicks(dialog.reason_edit, "Duplicate of inc_h3t8")
    assert not dialog.cancel_button.isEnabled()
    assert dialog.problem.text() == "Tick the confirmation."
    dialog.confirm.setChecked(True)
    assert dialog.cancel_button.isEnabled()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert requested == [(incident.incident_id, "Duplicate of inc_h3t8")]
    assert detail.cancel_dialog is None


def test_cancel_is_refused_for_closed_and_already_cancelling_incidents(
    detail: IncidentDetail, incident: Incident
) -> None:
    detail.show_incident(make_incident(status="resolved"))
    assert not detail.cancel_button.isEnabled()
    detail.open_cancel_dialog()
    assert detail.cancel_dialog is None
    cancelling = entry(ActionKind.CANCEL_INCIDENT, ActionState.SENDING, incident.incident_id, reason="Dup")
    detail.show_incident(incident, [cancelling])
    assert not detail.cancel_button.isEnabled()
    assert "Reason: Dup" in detail.timeline.toPlainText()
    detail.show_incident(incident)
    assert detail.cancel_button.isEnabled()


def test_map_and_acknowledge_buttons_emit_the_id(
    qtbot: QtBot, detail: IncidentDetail, incident: Incident
) -> None:
    detail.show_incident(incident)
    with qtbot.waitSignal(detail.show_on_map_requested, timeout=1000) as on_map:
        qtbot.mouseClick(detail.map_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(detail.acknowledge_requested, timeout=1000) as ack:
        qtbot.mouseClick(detail.acknowledge_button, Qt.MouseButton.LeftButton)
    assert on_map.args == ack.args == [incident.incident_id]
    assert {a.text() for a in detail.shortcut_actions()} == {
        "Add note",
        "Cancel incident…",
        "Show on map",
        "Acknowledge",
    }


def test_nothing_selected_shows_a_hint(detail: IncidentDetail, incident: Incident) -> None:
    detail.show_incident(incident)
    detail.show_incident(None)
    assert detail.empty.isVisible()
    assert not detail.splitter.isVisible()
    assert detail.incident_id() is None


def test_live_clock_counts_down(qtbot: QtBot, detail: IncidentDetail, clock: FakeClock) -> None:
    fresh = make_incident(status="dispatching", age=timedelta(seconds=10))
    detail.show_incident(fresh)
    assert detail.header.clock.text() == "SLA  Assign in 1:50"
    clock.advance(30)
    qtbot.waitUntil(lambda: detail.header.clock.text() == "SLA  Assign in 1:20", timeout=2500)


def test_keyboard_actions(qtbot: QtBot, detail: IncidentDetail, incident: Incident) -> None:
    detail.show_incident(incident)
    detail.activateWindow()
    detail.note_action.trigger()
    qtbot.waitUntil(detail.note_box.edit.hasFocus, timeout=1000)
    assert detail.note_action.shortcut().toString() == "Ctrl+Shift+N"
    assert detail.cancel_action.shortcut().toString() == "Ctrl+Shift+X"
    detail.cancel_action.trigger()
    assert detail.cancel_dialog is not None
    detail.cancel_dialog.reject()
    assert detail.cancel_dialog is None
