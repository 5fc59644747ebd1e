"""Two whole console windows on one control-room hub (issue 14, the console side): F8 on one silences the
alarm on the other; a claim taken with Ctrl+T shows in the other's queue and a second claim says who
has it; the supervisor sees who is on shift and the shared audit; a revoked token is said in the hub's
words with the connection dialog offered; an unreachable hub, with no key of this workstation's own to
stand in, is said and waited for."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from sety_console.app import hub_wiring
from sety_console.ui.incidents.queue_columns import Column
from sety_console.ui.supervisor.on_shift import OnShiftPanel
from sety_console.ui.workspaces.control_room import ControlRoom
from tests.sandbox_process import SandboxProcess

from .hub_rig import Hub, HubConsole, MakeHubConsole
from .test_control_room import _create


def _control(console: HubConsole) -> ControlRoom:
    room = console.shell.rooms["control-room"]
    assert isinstance(room, ControlRoom)
    return room


def _taken_cell(console: HubConsole, incident_id: str) -> str:
    control = _control(console)
    row = control.model.row_of(incident_id)
    if row is None:
        return ""
    return str(control.model.data(control.model.index(row, Column.TAKEN)) or "")


def _audit_texts(panel: OnShiftPanel) -> list[str]:
    table = panel.audit
    rows = [[table.item(r, c) for c in range(table.columnCount())] for r in range(table.rowCount())]
    return [" ".join(item.text() for item in row if item is not None) for row in rows]


def _focus(qtbot: QtBot, console: HubConsole) -> None:
    """Two windows in one test process: keys go to the active one (each console is its own process in a
    control room)."""
    console.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is console.window, timeout=10_000)


def _save(qtbot: QtBot, console: HubConsole, folder: Path, name: str) -> None:
    qtbot.wait(300)  # the status bar lays out texts set just now before the grab shows it
    console.window.grab().save(str(folder / f"{name}.png"))


def test_f8_on_one_console_silences_the_other_and_claims_show_who_has_it(
    qtbot: QtBot,
    make_hub_console: MakeHubConsole,
    server: SandboxProcess,
    keys: dict[str, str],
    tmp_path: Path,
) -> None:
    ada, bo = make_hub_console("Ada Obi"), make_hub_console("Bo Eze")
    qtbot.waitUntil(
        lambda: all("Via hub 127.0.0.1" in c.window.status.hub_link.text() for c in (ada, bo)), timeout=10_000
    )
    assert not any(_control(c).queue.table.isColumnHidden(Column.TAKEN) for c in (ada, bo))
    # the badge comes from the hub's hello: the org key is a test key
    qtbot.waitUntil(lambda: ada.window.environment_badge.property("environment") == "test", timeout=5_000)
    assert ada.window.drills_forced  # a test key: the badge says every incident is a drill
    qtbot.waitUntil(lambda: ada.window.status.budget.text().startswith("Hub "), timeout=10_000)

    incident = _create(server, keys["operator"], subject={"name": "Chioma Hub"})["incident_id"]
    ada_alarms, bo_alarms = ada.shell.ctx.alarms, bo.shell.ctx.alarms
    qtbot.waitUntil(
        lambda: ada_alarms.is_ringing(incident) and bo_alarms.is_ringing(incident), timeout=10_000
    )
    qtbot.waitUntil(lambda: "Chioma Hub" in ada.window.alarm_banner.text(), timeout=10_000)
    _save(qtbot, bo, tmp_path, "hub-bo-ringing")

    _focus(qtbot, ada)
    qtbot.keyClick(ada.window, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: not bo_alarms.is_ringing(incident), timeout=10_000)  # silenced on the other
    qtbot.waitUntil(lambda: not ada_alarms.is_ringing(incident), timeout=10_000)
    lines = bo_alarms.log_lines(incident)
    assert any("Ada Obi" in line and "desk-Ada" in line for line in lines), lines

    # Ctrl+T takes the selected incident: the other console's queue says who has it
    ada_control, bo_control = _control(ada), _control(bo)
    ada_control.queue.select(incident)
    qtbot.keyClick(ada_control.queue.table, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: _taken_cell(bo, incident).startswith("Ada Obi · "), timeout=10_000)
    assert _taken_cell(ada, incident).startswith("You · ")
    _focus(qtbot, bo)
    bo_control.queue.select(incident)
    qtbot.keyClick(bo_control.queue.table, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: "Taken by Ada Obi (desk-Ada) since " in bo.window.status.notice.text(), timeout=10_000
    )
    _save(qtbot, bo, tmp_path, "hub-bo-queue-claimed")

    # the supervisor sees who is on shift and what they did
    bo.window.show_workspace("supervisor")
    panel = bo.window.findChild(OnShiftPanel)
    assert panel is not None
    qtbot.waitUntil(
        lambda: "Ada Obi" in panel.people.text() and "Bo Eze" in panel.people.text(), timeout=10_000
    )
    qtbot.waitUntil(
        lambda: any(
            "Ada Obi" in t and "took the incident" in t and "SOS — Chioma Hub" in t
            for t in _audit_texts(panel)
        ),
        timeout=10_000,
    )
    assert any("acknowledged the alarm" in t for t in _audit_texts(panel))
    _save(qtbot, bo, tmp_path, "hub-bo-supervisor")

    # Ctrl+T again releases it; the other console's cell empties
    _focus(qtbot, ada)
    ada_control.queue.select(incident)
    qtbot.keyClick(ada_control.queue.table, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: _taken_cell(bo, incident) == "", timeout=10_000)


def test_a_revoked_token_is_said_in_the_hubs_words(
    qtbot: QtBot, make_hub_console: MakeHubConsole, hub: Hub, tmp_path: Path
) -> None:
    ada = make_hub_console("Ada Obi")
    qtbot.waitUntil(lambda: "Via hub" in ada.window.status.hub_link.text(), timeout=10_000)
    hub.cli("revoke-operator", "Ada Obi")
    # the hub's own words: "This hub token was revoked" on the open stream, or "Missing, invalid or revoked
    # hub token" when it was revoked while the stream reconnected
    qtbot.waitUntil(lambda: "revoked" in ada.window.status.connection.text(), timeout=5_000)
    text = ada.window.status.connection.text()
    assert text.startswith("The control-room hub refused this operator token")
    assert ada.window.status.hub_link.text() == "Hub refused the token"
    box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
    assert "revoked" in box.text()
    assert (ada.hub.session.connection.status.last_error or "?").rstrip(".") in text
    assert "sety_hub_…" in box.text()  # which token, never the whole of it
    _save(qtbot, ada, tmp_path, "hub-ada-revoked")
    box.grab().save(str(tmp_path / "hub-ada-revoked-box.png"))
    settings = next(b for b in box.findChildren(QPushButton) if b.text() == "Connection settings…")
    qtbot.mouseClick(settings, Qt.MouseButton.LeftButton)
    assert ada.connection_dialogs == [True]
    assert ada.switched == []  # a refused token never falls back to anything


def test_an_unreachable_hub_without_an_own_key_is_waited_for(
    qtbot: QtBot, make_hub_console: MakeHubConsole, hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hub_wiring, "STAND_IN_AFTER_S", 1.0)
    monkeypatch.setattr(hub_wiring, "load_own_key", lambda url: None)  # a workstation with a token only
    ada = make_hub_console("Ada Obi")
    qtbot.waitUntil(lambda: "Via hub" in ada.window.status.hub_link.text(), timeout=10_000)
    hub.stop()
    qtbot.waitUntil(lambda: "no Sety key of its own" in ada.window.status.notice.text(), timeout=20_000)
    assert "waiting for the hub" in ada.window.status.notice.text()
    assert ada.window.status.hub_link.text() == "Hub unreachable — reconnecting"
    # the picture stays "live" while its data is younger than twice the hub's interval, then says where
    qtbot.waitUntil(
        lambda: ada.window.status.connection.text().startswith("Hub unreachable — "), timeout=20_000
    )
    assert ada.switched == []  # nothing to stand in with: the console stays on the hub
    hub.start()  # the same address answers again
    qtbot.waitUntil(lambda: "Via hub" in ada.window.status.hub_link.text(), timeout=20_000)
    assert ada.switched == []
