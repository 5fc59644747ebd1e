"""At the default window size (1600×1000) and on a 1366×768 laptop, the incident timeline shows at least
eight entries and the pending-actions dock sits under the queue, not under the detail (issue 13.6).

Offscreen Qt has a small screen, so tests/test_under_x11.py runs the check on Xvfb screens."""

from __future__ import annotations

import uuid

import httpx
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sety_console.ui.workspaces.control_room import ControlRoom
from tests.sandbox_process import SandboxProcess

from .conftest import Console

SIZES = {"1600x1000": (1600, 1000), "1366x768": (1366, 768)}


def _incident_with_notes(server: SandboxProcess, key: str, notes: int) -> str:
    headers = {"Authorization": f"Bearer {key}"}
    body = {
        "category": "sos",
        "severity": "high",
        "idempotency_key": f"e2e-{uuid.uuid4()}",
        "subject": {"name": "Timeline Tobi"},
        "location": {"coordinates": [3.3792, 6.5244], "address": "14 Bourdillon Road, Ikoyi, Lagos"},
    }
    made = httpx.post(f"{server.base_url}/incidents", json=body, headers=headers)
    assert made.status_code == 201, made.text
    incident_id: str = made.json()["incident"]["incident_id"]
    for n in range(notes):
        message = f"Update {n + 1}: caller still on the line, gate guard informed."
        answer = httpx.post(
            f"{server.base_url}/incidents/{incident_id}/notes", json={"message": message}, headers=headers
        )
        assert answer.status_code in (200, 201), answer.text
    return incident_id


@pytest.mark.parametrize("size", list(SIZES))
def test_the_timeline_shows_eight_entries_beside_the_pending_dock(
    qtbot: QtBot, console: Console, server: SandboxProcess, keys: dict[str, str], size: str
) -> None:
    width, height = SIZES[size]
    screen = console.window.screen().availableGeometry()
    if screen.width() < width or screen.height() < height:
        pytest.skip(f"needs a {size} screen (tests/test_under_x11.py runs it on one)")
    control = console.workspaces.rooms["control-room"]
    assert isinstance(control, ControlRoom)
    incident_id = _incident_with_notes(server, keys["operator"], notes=10)
    qtbot.waitUntil(lambda: control.model.row_of(incident_id) is not None, timeout=10_000)
    qtbot.waitUntil(
        lambda: (i := console.session.incidents.get(incident_id)) is not None and len(i.timeline) >= 11,
        timeout=10_000,
    )
    window = console.window
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width, timeout=3_000)
    control.queue.select(incident_id)
    qtbot.wait(300)
    detail, host = control.detail_dock, control.host
    bottom = [d for d in host.docks() if host.dockWidgetArea(d) == Qt.DockWidgetArea.BottomDockWidgetArea]
    assert control.pending_dock in bottom
    # the pending actions (and what shares their tabs) sit beside the detail, under the queue only
    for dock in bottom:
        if dock.isVisible():
            assert dock.geometry().right() < detail.geometry().left()
    assert detail.geometry().height() > host.height() * 0.9
    shown = control.detail.timeline.entries_in_view()
    console.workspaces.refresh_status()  # the status bar as it is within a second
    window.grab().save(f"/tmp/sety-timeline-{size}.png")
    assert shown >= 8, f"the timeline shows {shown} entries at {size}"
    assert control.queue.table.isVisible()
    assert control.queue.table.viewport().height() > 200  # the queue keeps room for rows
    assert window.alarm_banner.isVisible() or not window.alarm_banner.text()
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_Escape)
