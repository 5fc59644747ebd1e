"""End to end: the console against a real uvicorn sandbox on 127.0.0.1 (issue 5, item 10)."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sety_console.ui.incidents.create_dialog import CreateIncidentDialog
from sety_console.ui.workspaces.control_room import ControlRoom
from tests.sandbox_process import SandboxProcess

from .conftest import Console


def _create(server: SandboxProcess, key: str, **overrides: Any) -> dict[str, Any]:
    """A plain HTTP call, as another platform would make it."""
    body = {
        "category": "sos",
        "severity": "critical",
        "idempotency_key": f"e2e-{uuid.uuid4()}",
        "subject": {"name": "Amaka Obi", "phone": "+2348012345678"},
        "location": {"coordinates": [3.3792, 6.5244], "address": "14 Bourdillon Road, Ikoyi, Lagos"},
        **overrides,
    }
    answer = httpx.post(f"{server.base_url}/incidents", json=body, headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 201, answer.text
    incident: dict[str, Any] = answer.json()["incident"]
    return incident


def _server_incident(server: SandboxProcess, key: str, incident_id: str) -> dict[str, Any]:
    answer = httpx.get(
        f"{server.base_url}/incidents/{incident_id}", headers={"Authorization": f"Bearer {key}"}
    )
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def _control(console: Console) -> ControlRoom:
    room = console.workspaces.rooms["control-room"]
    assert isinstance(room, ControlRoom)
    return room


def test_incident_created_elsewhere_appears_in_the_queue_within_3_s(
    qtbot: QtBot, console: Console, server: SandboxProcess, keys: dict[str, str]
) -> None:
    control = _control(console)
    started = time.monotonic()
    incident = _create(server, keys["operator"])
    qtbot.waitUntil(lambda: control.model.row_of(incident["incident_id"]) is not None, timeout=3_000)
    assert time.monotonic() - started < 3.0
    # a new critical SOS rings until acknowledged; F8 acknowledges it and the log says who
    alarms = console.workspaces.ctx.alarms
    qtbot.waitUntil(lambda: alarms.is_ringing(incident["incident_id"]), timeout=3_000)
    assert console.window.alarm_banner.isVisible()
    assert "SOS" in console.window.alarm_banner.text()
    plays = alarms.player.plays
    qtbot.waitUntil(lambda: alarms.player.plays > plays, timeout=5_000)  # the sound repeats
    control.queue.select(incident["incident_id"])
    qtbot.keyClick(console.window, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: not alarms.is_ringing(incident["incident_id"]), timeout=2_000)
    assert any(
        "acknowledged" in line and "Funke Adeyemi" in line
        for line in alarms.log_lines(incident["incident_id"])
    )


def test_create_through_the_dialog_reaches_the_sandbox(
    qtbot: QtBot, console: Console, server: SandboxProcess, keys: dict[str, str]
) -> None:
    control = _control(console)
    before = {i.incident_id for i in console.session.incidents.values()}
    control.open_create_dialog(6.4474, 3.4746)
    dialog = console.window.findChild(CreateIncidentDialog)
    assert dialog is not None
    dialog.name.setText("Chidi Okafor")
    dialog.category.setCurrentIndex(dialog.category.findData("vehicle"))
    dialog.accept()
    qtbot.waitUntil(
        lambda: any(
            i.subject.name == "Chidi Okafor" and i.incident_id not in before
            for i in console.session.incidents.values()
        ),
        timeout=5_000,
    )
    created = next(i for i in console.session.incidents.values() if i.subject.name == "Chidi Okafor")
    on_server = _server_incident(server, keys["operator"], created.incident_id)
    assert on_server["category"] == "vehicle"
    assert on_server["location"]["coordinates"] == [3.4746, 6.4474]
    assert on_server["idempotency_key"]  # the outbox sent one, so a retry could never double it
    qtbot.waitUntil(lambda: control.model.row_of(created.incident_id) is not None, timeout=2_000)


def test_note_and_cancel_from_the_detail_reach_the_sandbox(
    qtbot: QtBot, console: Console, server: SandboxProcess, keys: dict[str, str]
) -> None:
    control = _control(console)
    incident = _create(server, keys["operator"], severity="medium", category="medical")
    incident_id = incident["incident_id"]
    qtbot.waitUntil(lambda: control.model.row_of(incident_id) is not None, timeout=3_000)
    control.queue.select(incident_id)
    control.detail.note_submitted.emit(incident_id, "Caller is breathing; ambulance asked to hurry.")

    def has_note() -> bool:
        timeline = _server_incident(server, keys["operator"], incident_id)["timeline"]
        return any(e["event"] == "note_added" and e["author"] == "Funke Adeyemi" for e in timeline)

    qtbot.waitUntil(has_note, timeout=5_000)
    control.detail.cancel_requested.emit(incident_id, "Duplicate of a call already handled")
    qtbot.waitUntil(
        lambda: _server_incident(server, keys["operator"], incident_id)["status"] == "cancelled",
        timeout=5_000,
    )
    on_server = _server_incident(server, keys["operator"], incident_id)
    assert "Duplicate" in (on_server["resolution_notes"] or "")
    qtbot.waitUntil(
        lambda: console.session.incidents.get(incident_id).status.value == "cancelled", timeout=5_000
    )


def test_selection_survives_polls_and_the_map_follows(
    qtbot: QtBot, console: Console, server: SandboxProcess, keys: dict[str, str]
) -> None:
    control = _control(console)
    first = _create(server, keys["operator"], severity="low", category="location_threat")
    qtbot.waitUntil(lambda: control.model.row_of(first["incident_id"]) is not None, timeout=3_000)
    control.queue.select(first["incident_id"])
    for _ in range(3):
        _create(server, keys["operator"], severity="high")
    qtbot.wait(2_500)  # several polls and the responder simulation move things around
    assert control.queue.current_id() == first["incident_id"]
    map_view = console.workspaces.map_room.view
    assert map_view.selected_incident == first["incident_id"]


def test_a_note_too_long_for_the_contract_is_told_not_lost_silently(
    qtbot: QtBot, console: Console, server: SandboxProcess, keys: dict[str, str]
) -> None:
    control = _control(console)
    incident = _create(server, keys["operator"], severity="low", category="medical")
    qtbot.waitUntil(lambda: control.model.row_of(incident["incident_id"]) is not None, timeout=3_000)
    control.detail.note_submitted.emit(incident["incident_id"], "x" * 2001)
    qtbot.waitUntil(lambda: "Not sent" in console.window.status.notice.text(), timeout=5_000)
    assert console.session.pending_for(incident["incident_id"]) == []
