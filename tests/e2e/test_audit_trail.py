"""The audit trail on the real window (issue 13): a note typed while the network is down reaches the
server once when it is back, and the timeline says who wrote it, when it was entered and when the
server had it; the trail exports as CSV with both times."""

from __future__ import annotations

import csv
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sety_console.ui.workspaces.control_room import ControlRoom
from tests.sandbox_process import SandboxProcess

from .conftest import Console
from .hang_proxy import HangingProxy
from .test_control_room import _create, _server_incident

NOTE = "Caller says the attackers left on foot towards the market"


def test_an_offline_note_arrives_once_and_the_timeline_gives_both_times(
    qtbot: QtBot,
    qloop: Any,
    make_console: Callable[..., Console],
    server: SandboxProcess,
    keys: dict[str, str],
    tmp_path: Path,
) -> None:
    port = int(server.base_url.split(":")[2].split("/")[0])
    with HangingProxy(port) as proxy:
        console = make_console("admin", base_url=proxy.url(server.base_url))
        control = console.workspaces.rooms["control-room"]
        assert isinstance(control, ControlRoom)
        incident = _create(server, keys["operator"], severity="medium", category="medical")["incident_id"]
        qtbot.waitUntil(lambda: control.model.row_of(incident) is not None, timeout=10_000)
        control.queue.select(incident)

        proxy.refuse()  # the network drops
        entered = time.time()
        box = control.detail.note_box.edit
        box.setFocus()
        qtbot.keyClicks(box, NOTE)
        qtbot.keyClick(box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: bool(console.session.pending_for(incident)), timeout=5_000)
        qtbot.wait(7_000)  # the operator goes on working while the note waits
        proxy.accept()  # the network is back

        def notes_on_server() -> int:
            timeline = _server_incident(server, keys["operator"], incident)["timeline"]
            return sum(1 for e in timeline if e["event"] == "note_added" and e["message"] == NOTE)

        qtbot.waitUntil(lambda: notes_on_server() == 1, timeout=30_000)
        qtbot.waitUntil(lambda: "· on the server" in control.detail.timeline.toPlainText(), timeout=10_000)
        text = control.detail.timeline.toPlainText()
        assert "by Funke Adeyemi" in text
        assert f"entered {time.strftime('%H:%M', time.localtime(entered))}" in text
        qtbot.wait(2_000)
        assert notes_on_server() == 1  # exactly once

    exported = tmp_path / "audit.csv"
    task = qloop.create_task(console.session.audit.export_csv(exported))
    qtbot.waitUntil(task.done, timeout=5_000)
    rows = list(csv.DictReader(exported.open(encoding="utf-8")))
    note = next(r for r in rows if r["action"] == "add_note")
    assert note["operator"] == "Funke Adeyemi"
    assert note["outcome"] == "confirmed"
    assert note["acted_at"] < note["confirmed_at"]
    assert note["acted_at"][-6] in "+-"  # ISO 8601 with the offset
