"""Alarm keys on the real window (issue 13): F8 and Shift+F8 act on exactly the banner's alarm — not on
the selected incident — and select it; a critical alarm is never shelved; a cleared alarm cannot be
acknowledged; the alarm list shows every alarm with its state."""

from __future__ import annotations

import time

import httpx
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sety_console.core.alarm_model import AlarmState
from sety_console.ui.workspaces.control_room import ControlRoom
from tests.sandbox_process import SandboxProcess

from .conftest import Console
from .test_control_room import _create


def _control(console: Console) -> ControlRoom:
    room = console.workspaces.rooms["control-room"]
    assert isinstance(room, ControlRoom)
    return room


def test_f8_acknowledges_the_banners_alarm_not_the_selected_incident(
    qtbot: QtBot, console: Console, server: SandboxProcess, keys: dict[str, str]
) -> None:
    control, alarms, window = _control(console), console.workspaces.ctx.alarms, console.window
    older = _create(server, keys["operator"], subject={"name": "Adaeze Older"})["incident_id"]
    time.sleep(1.1)  # a later created_at: the newer alarm comes second
    newer = _create(server, keys["operator"], subject={"name": "Bola Newer"})["incident_id"]
    qtbot.waitUntil(lambda: alarms.is_ringing(older) and alarms.is_ringing(newer), timeout=5_000)
    qtbot.waitUntil(lambda: "Adaeze Older" in window.alarm_banner.text(), timeout=2_000)
    assert alarms.shown is not None
    assert alarms.shown.incident_id == older

    control.queue.select(newer)  # the operator is looking at another incident
    qtbot.keyClick(window, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: not alarms.is_ringing(older), timeout=3_000)
    assert alarms.is_ringing(newer)  # the selected incident was not the one acknowledged
    assert control.queue.current_id() == older  # the acknowledged incident is shown
    assert any("acknowledged" in line and "Funke Adeyemi" in line for line in alarms.log_lines(older))
    qtbot.waitUntil(lambda: "Bola Newer" in window.alarm_banner.text(), timeout=2_000)

    # Shift+F8 on a critical alarm: refused in words, still ringing
    qtbot.keyClick(window, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: "cannot be shelved" in window.status.notice.text(), timeout=3_000)
    assert alarms.is_ringing(newer)

    # the alarm list shows both, with their states
    states = {a.incident_id: a.state for a in control.alarm_list._alarms}
    assert states[older] is AlarmState.ACKNOWLEDGED
    assert states[newer] is AlarmState.UNACKNOWLEDGED

    # cancelled on the server: the alarm clears by itself and cannot be acknowledged
    answer = httpx.post(
        f"{server.base_url}/incidents/{newer}/cancel",
        json={"reason": "test"},
        headers={"Authorization": f"Bearer {keys['operator']}"},
    )
    assert answer.status_code == 200, answer.text
    qtbot.waitUntil(lambda: not alarms.is_ringing(newer), timeout=5_000)
    cleared = alarms.alarm_of(newer)
    assert cleared is not None
    assert cleared.state is AlarmState.CLEARED
    control.queue.select(newer)
    qtbot.waitUntil(lambda: control.detail.acknowledge_button.isHidden(), timeout=2_000)
