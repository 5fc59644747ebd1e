"""End to end against a real sandbox: the queue by keyboard alone, and drills said once per environment."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from PySide6.QtCore import Qt
from PySide6.QtGui import QWindow
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sety_console.sandbox import SandboxServer
from sety_console.ui.incidents.create_dialog import FORCED_DRILL_TEXT, CreateIncidentDialog
from sety_console.ui.incidents.queue_columns import Column
from sety_console.ui.main_window import TRAINING_BADGE
from sety_console.ui.workspaces.control_room import ControlRoom

from .conftest import Console


def _create(server: SandboxServer, key: str, name: str, **overrides: Any) -> str:
    body = {
        "category": "medical",
        "severity": "low",
        "idempotency_key": f"e2e-{uuid.uuid4()}",
        "subject": {"name": name},
        "location": {"coordinates": [3.3792, 6.5244], "address": "14 Bourdillon Road, Ikoyi, Lagos"},
        **overrides,
    }
    answer = httpx.post(f"{server.base_url}/incidents", json=body, headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 201, answer.text
    incident_id: str = answer.json()["incident"]["incident_id"]
    return incident_id


def _control(console: Console) -> ControlRoom:
    room = console.workspaces.rooms["control-room"]
    assert isinstance(room, ControlRoom)
    return room


def _type(qtbot: QtBot, window: QWindow, text: str) -> None:
    for char in text:
        qtbot.keyClick(window, Qt.Key(ord(char.upper())))


def _focused() -> object:
    return QApplication.focusWidget()


def test_search_down_enter_escape_by_keys_sent_to_the_main_window(
    qtbot: QtBot, console: Console, server: SandboxServer, keys: dict[str, str]
) -> None:
    control = _control(console)
    wanted = _create(server, keys["operator"], "Keyboard Kelechi")
    _create(server, keys["operator"], "Someone Else")
    qtbot.waitUntil(lambda: control.model.row_of(wanted) is not None, timeout=3_000)
    window = console.window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2_000)
    handle = window.windowHandle()
    search, table = control.queue.filter_bar.search, control.queue.table

    qtbot.keyClick(handle, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: _focused() is search, timeout=1_000)
    _type(qtbot, handle, "kelechi")
    assert search.text() == "kelechi"
    qtbot.keyClick(handle, Qt.Key.Key_Down)  # Down leaves the search box for the list
    qtbot.waitUntil(lambda: _focused() is table, timeout=1_000)
    assert control.queue.current_id() == wanted  # the only match, selected
    qtbot.keyClick(handle, Qt.Key.Key_Return)  # Enter opens the row: the detail, ready for a note
    qtbot.waitUntil(lambda: _focused() is control.detail.note_box.edit, timeout=1_000)
    assert control.detail.incident_id() == wanted
    qtbot.keyClick(handle, Qt.Key.Key_Escape)  # Esc: back to the search, which keeps its text
    qtbot.waitUntil(lambda: _focused() is search, timeout=1_000)
    assert search.text() == "kelechi"
    qtbot.keyClick(handle, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: _focused() is table, timeout=1_000)
    qtbot.keyClick(handle, Qt.Key.Key_Escape)  # Esc from the list too
    qtbot.waitUntil(lambda: _focused() is search, timeout=1_000)
    qtbot.keyClick(handle, Qt.Key.Key_Escape)  # and Esc in the search clears it
    qtbot.waitUntil(lambda: search.text() == "", timeout=1_000)


def test_a_test_key_says_drill_once_and_a_live_key_marks_each_row(
    qtbot: QtBot, console: Console, server: SandboxServer, keys: dict[str, str]
) -> None:
    control, window = _control(console), console.window
    window.set_environment("test", "TEST — nothing is dispatched")
    assert window.environment_badge.text() == TRAINING_BADGE
    assert control.queue.table.isColumnHidden(Column.DRILL)
    assert control.queue.filter_bar.drills.isHidden()  # "Drills hidden" would hide everything

    control.open_create_dialog(6.4474, 3.4746)
    dialog = window.findChild(CreateIncidentDialog)
    assert dialog is not None
    assert dialog.drill.isChecked()
    assert not dialog.drill.isEnabled()
    assert dialog.drill.text() == FORCED_DRILL_TEXT
    dialog.name.setText("Trained Tolani")
    dialog.category.setCurrentIndex(dialog.category.findData("sos"))
    dialog.accept()
    qtbot.waitUntil(
        lambda: any(i.subject.name == "Trained Tolani" for i in console.session.incidents.values()),
        timeout=5_000,
    )
    made = next(i for i in console.session.incidents.values() if i.subject.name == "Trained Tolani")
    assert made.is_drill  # what the dialog said is what the server did
    qtbot.waitUntil(lambda: control.model.row_of(made.incident_id) is not None, timeout=2_000)
    control.queue.select(made.incident_id)
    assert control.detail.header.drill.isHidden()  # no chip on each incident: the badge says it

    window.set_environment("live", "LIVE")
    assert window.environment_badge.text() == "LIVE"
    assert not control.queue.table.isColumnHidden(Column.DRILL)
    row = control.model.row_of(made.incident_id)
    assert row is not None
    assert control.model.data(control.model.index(row, Column.DRILL)) == "DRILL"
    control.queue.select(made.incident_id)
    assert not control.detail.header.drill.isHidden()
