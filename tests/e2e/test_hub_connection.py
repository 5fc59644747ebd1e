"""The whole console (`ConsoleApp`, as `sety-console` runs it) and a control-room hub: File → Connection…
switches a direct console onto the hub at once (address and token typed, Enter), and F8 there silences
the alarm on a second console; a hub that goes away is said, the console stands in on its own key and
goes back to the hub when it answers again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from sety_console.app import hub_wiring
from sety_console.app.console import ConsoleApp
from sety_console.config import Settings
from sety_console.ui.alarms import AlarmController
from sety_console.ui.connection_dialog import ConnectionDialog
from sety_console.ui.main_window import MainWindow
from tests.sandbox_process import SandboxProcess

from .hub_rig import Hub, MakeHubConsole
from .test_connection_change import _args, _main_windows, _queue_ids
from .test_control_room import _create


def _only_app_window(exclude: list[MainWindow]) -> MainWindow | None:
    windows = [w for w in _main_windows() if w not in exclude]
    return windows[0] if len(windows) == 1 else None


def _alarms(window: MainWindow) -> AlarmController:
    found = window.findChildren(AlarmController)
    assert found
    return found[0]


def _quit(qtbot: QtBot, window: MainWindow, run: Any) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=10_000)
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(run.done, timeout=20_000)
    assert run.result() == 0


def test_file_connection_moves_the_console_onto_the_hub_and_f8_is_shared(
    qtbot: QtBot,
    qloop: Any,
    server: SandboxProcess,
    keys: dict[str, str],
    hub: Hub,
    make_hub_console: MakeHubConsole,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bo = make_hub_console("Bo Eze")
    token = hub.add_operator("Ada Obi")
    monkeypatch.setenv("SETY_API_KEY", keys["operator"])
    monkeypatch.setattr("sety_console.config.settings_path", lambda: tmp_path / "settings.json")
    settings = Settings(api_url=server.base_url, operator_name="Ada Obi", workstation="desk-Ada")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    run = qloop.create_task(ConsoleApp(app, settings, print).run(_args()))
    qtbot.waitUntil(lambda: _only_app_window([bo.window]) is not None, timeout=20_000)
    direct = _only_app_window([bo.window])
    assert direct is not None
    qtbot.waitUntil(lambda: "Online" in direct.status.connection.text(), timeout=20_000)
    assert direct.status.hub_link.isHidden()

    # File → Connection…: "Control-room hub", its address and Ada's token, Enter
    file_menu = next(a for a in direct.menuBar().actions() if a.text() == "&File").menu()
    assert isinstance(file_menu, QMenu)
    next(a for a in file_menu.actions() if a.text() == "Connection…").trigger()
    qtbot.waitUntil(lambda: _dialog() is not None)
    dialog = _dialog()
    assert dialog is not None
    qtbot.mouseClick(dialog.via_hub, Qt.MouseButton.LeftButton)
    assert dialog.mode == "hub"
    dialog.url.clear()
    qtbot.keyClicks(dialog.url, f"127.0.0.1:{hub.port}".replace("127.0.0.1", "http://127.0.0.1"))
    qtbot.keyClicks(dialog.key, token)
    dialog.grab().save(str(tmp_path / "hub-connection-dialog.png"))
    qtbot.keyClick(dialog.key, Qt.Key.Key_Return)

    qtbot.waitUntil(
        lambda: (w := _only_app_window([bo.window, direct])) is not None and w.isVisible(), timeout=20_000
    )
    ada = _only_app_window([bo.window, direct])
    assert ada is not None
    qtbot.waitUntil(lambda: ada.status.hub_link.text() == f"Via hub 127.0.0.1:{hub.port}", timeout=10_000)
    assert settings.via_hub
    assert settings.hub_urls == [hub.contract_url]
    assert ada.environment_badge.property("environment") == "test"  # the hub's org key, from its hello
    assert token not in (tmp_path / "settings.json").read_text()

    incident = _create(server, keys["operator"], subject={"name": "Ngozi Shared"})["incident_id"]
    qtbot.waitUntil(lambda: incident in _queue_ids(ada), timeout=10_000)
    ada_alarms, bo_alarms = _alarms(ada), bo.shell.ctx.alarms
    qtbot.waitUntil(
        lambda: ada_alarms.is_ringing(incident) and bo_alarms.is_ringing(incident), timeout=10_000
    )
    qtbot.waitUntil(lambda: "Ngozi Shared" in ada.alarm_banner.text(), timeout=10_000)
    ada.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is ada, timeout=10_000)
    ada.grab().save(str(tmp_path / "hub-ada-window.png"))
    qtbot.keyClick(ada, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: not bo_alarms.is_ringing(incident), timeout=10_000)
    _quit(qtbot, ada, run)


def _dialog() -> ConnectionDialog | None:
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, ConnectionDialog) and w.isVisible()]
    return dialogs[0] if dialogs else None


def test_an_unreachable_hub_is_said_then_the_own_key_stands_in_until_the_hub_is_back(
    qtbot: QtBot,
    qloop: Any,
    server: SandboxProcess,
    keys: dict[str, str],
    hub: Hub,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SETY_API_KEY", hub.add_operator("Ada Obi"))  # the token from the environment
    monkeypatch.setattr(hub_wiring, "load_own_key", lambda url: keys["operator"])  # as if in the keyring
    monkeypatch.setattr(hub_wiring, "STAND_IN_AFTER_S", 6.0)
    monkeypatch.setattr(hub_wiring, "PROBE_HUB_EVERY_S", 1.0)
    monkeypatch.setattr("sety_console.config.settings_path", lambda: tmp_path / "settings.json")
    settings = Settings(
        api_url=server.base_url, hub_urls=[hub.contract_url], via_hub=True, operator_name="Ada Obi"
    )
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    run = qloop.create_task(ConsoleApp(app, settings, print).run(_args()))
    qtbot.waitUntil(lambda: _only_app_window([]) is not None, timeout=20_000)
    first = _only_app_window([])
    assert first is not None
    qtbot.waitUntil(lambda: first.status.hub_link.text().startswith("Via hub"), timeout=20_000)
    qtbot.waitUntil(lambda: "Online" in first.status.connection.text(), timeout=10_000)

    hub.stop()
    qtbot.waitUntil(lambda: first.status.hub_link.text() == "Hub unreachable — reconnecting", timeout=5_000)
    qtbot.waitUntil(lambda: first.status.connection.text().startswith("Hub unreachable — "), timeout=10_000)
    qtbot.wait(300)  # let the layout settle before the screenshot
    first.grab().save(str(tmp_path / "hub-unreachable.png"))

    # past STAND_IN_AFTER_S: a new window on Sety directly, with this workstation's own key
    qtbot.waitUntil(lambda: (w := _only_app_window([first])) is not None and w.isVisible(), timeout=20_000)
    stand_in = _only_app_window([first])
    assert stand_in is not None
    qtbot.waitUntil(lambda: "on Sety directly" in stand_in.status.hub_link.text(), timeout=10_000)
    later = _create(server, keys["operator"], subject={"name": "Direct Meanwhile"})["incident_id"]
    qtbot.waitUntil(lambda: later in _queue_ids(stand_in), timeout=15_000)
    qtbot.wait(300)
    stand_in.grab().save(str(tmp_path / "hub-stand-in.png"))

    hub.start()  # the same address answers again: back to the hub
    qtbot.waitUntil(
        lambda: (w := _only_app_window([first, stand_in])) is not None and w.isVisible(), timeout=20_000
    )
    back = _only_app_window([first, stand_in])
    assert back is not None
    qtbot.waitUntil(lambda: back.status.hub_link.text().startswith("Via hub"), timeout=15_000)
    qtbot.waitUntil(lambda: later in _queue_ids(back), timeout=10_000)
    _quit(qtbot, back, run)
