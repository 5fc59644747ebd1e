"""The whole console (every workspace built, real sandbox data) is usable on a 1366 × 768 laptop screen.

The offscreen test screen is 800 px square, so these tests lay the window out at the screen sizes
they name without the fit-to-screen step (tests/shell/test_window_fit.py covers that step); the
pictures taken under Xvfb at real screen sizes are in docs/screenshots/.
"""

from __future__ import annotations

import uuid

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from sety_console.sandbox import SandboxServer
from sety_console.ui.incidents.queue_columns import Column
from sety_console.ui.main_window import MainWindow
from sety_console.ui.workspaces.control_room import ControlRoom

from .conftest import Console

LAPTOP = (1366, 768)
LAPTOP_AVAILABLE_HEIGHT = 728  # a 40 px taskbar


@pytest.fixture(autouse=True)
def no_fit_to_the_800_px_test_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MainWindow, "keep_on_screen", lambda self: None)


def _create(server: SandboxServer, key: str, name: str, address: str) -> str:
    body = {
        "category": "location_threat",
        "severity": "medium",
        "idempotency_key": f"e2e-{uuid.uuid4()}",
        "subject": {"name": name},
        "location": {"coordinates": [3.3792, 6.5244], "address": address},
    }
    answer = httpx.post(f"{server.base_url}/incidents", json=body, headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 201, answer.text
    incident_id: str = answer.json()["incident"]["incident_id"]
    return incident_id


def _control(console: Console) -> ControlRoom:
    room = console.workspaces.rooms["control-room"]
    assert isinstance(room, ControlRoom)
    return room


@pytest.mark.parametrize("environment", ["live", "sandbox"])
def test_every_workspace_fits_a_laptop_screen(qtbot: QtBot, console: Console, environment: str) -> None:
    window = console.window
    window.set_environment(environment, "LIVE" if environment == "live" else "SANDBOX — demo data")
    window.set_alarm_banner(
        "⚠  " + "CRITICAL SOS (SLA breached 2:38 ago: arrival target of 10 min exceeded) " * 3
    )
    window.status.tell("Sandbox with demo data: nothing is real, nobody is dispatched. " * 2, 30)
    for key in ("control-room", "map", "gate", "supervisor"):
        window.show_workspace(key)
        needed = window.minimumSizeHint()
        assert needed.width() <= LAPTOP[0], key
        assert needed.height() <= LAPTOP_AVAILABLE_HEIGHT, key


def test_at_1366_the_queue_shows_every_column_and_long_names_whole(
    qtbot: QtBot, console: Console, server: SandboxServer, keys: dict[str, str]
) -> None:
    control, window = _control(console), console.window
    window.set_environment("live", "LIVE")  # the widest queue: the Drill column is shown
    name, address = "Oghenekaro Mohammed", "112 Bourdillon Road, Ikoyi, Lagos"  # long ones from the demo data
    incident_id = _create(server, keys["operator"], name, address)
    longest = "46 Oworonshoki-Oshodi Expressway, by the Third Mainland Bridge ramp, Oworonshoki, Lagos"
    overlong = _create(server, keys["operator"], "Bisi Lawal", longest)
    qtbot.waitUntil(lambda: control.model.row_of(overlong) is not None, timeout=3_000)
    window.show_workspace("control-room")
    window.resize(*LAPTOP)
    qtbot.waitUntil(lambda: window.width() == LAPTOP[0], timeout=2_000)
    table = control.queue.table
    qtbot.waitUntil(
        lambda: table.horizontalScrollBar().maximum() == 0, timeout=2_000
    )  # nothing off to the side
    assert not table.isColumnHidden(Column.DRILL)
    row = control.model.row_of(incident_id)
    assert row is not None
    for column, text in ((Column.SUBJECT, name), (Column.ADDRESS, address)):
        rect = table.visualRect(control.model.index(row, column))
        lines = table.fontMetrics().boundingRect(rect.adjusted(4, 0, -4, 0), _WRAP, text)
        assert lines.height() <= rect.height(), f"{text!r} does not fit its two lines"
    far = control.model.row_of(overlong)
    assert far is not None  # too long for two lines even here: elided, and the tooltip says all of it
    assert longest in control.model.data(
        control.model.index(far, Column.ADDRESS), Qt.ItemDataRole.ToolTipRole
    )
    # the status bar's sentences wrap instead of being cut
    window.status.tell("Your action could not be saved on this computer: the disk is full. " * 2)
    labels: list[QLabel] = [window.status.connection, window.status.notice]
    assert all(label.wordWrap() for label in labels)


_WRAP = 0x1000  # Qt.TextFlag.TextWordWrap, as an int for QFontMetrics.boundingRect
