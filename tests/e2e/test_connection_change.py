"""The whole console (`ConsoleApp`, as `sety-console` runs it) against two real sandboxes: File →
Connection… applies at once — updates continue from the new server, no restart; a keyring that cannot
keep the key is said plainly; Ctrl+Q with actions pending says how many; the exit status is 0."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from sety_console.app.console import ConsoleApp
from sety_console.config import Settings
from sety_console.ui.connection_dialog import ConnectionDialog
from sety_console.ui.incidents.queue_view import IncidentQueue
from sety_console.ui.main_window import MainWindow
from tests.sandbox_process import SandboxProcess

from .test_control_room import _create


@pytest.fixture(scope="module")
def second_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    with SandboxProcess(tmp_path_factory.mktemp("second") / "sandbox.db") as server:
        yield server


def _args() -> argparse.Namespace:
    return argparse.Namespace(
        workspace=None, screenshot=None, self_test=False, sandbox_role=None, api_url=None
    )


def _main_windows() -> list[MainWindow]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]


def _queue_ids(window: MainWindow) -> set[str]:
    queues = window.findChildren(IncidentQueue)
    if not queues:
        return set()
    model = queues[0].model()
    return {i.incident_id for i in (model.incident_at(row) for row in range(model.rowCount())) if i}


ClickWhenShown = Callable[[str], None]


@pytest.fixture
def click_when_shown() -> Iterator[ClickWhenShown]:
    """Press the message box button labelled `text` as soon as the box appears; the watch ends with the
    test (a box that never came must not leave a timer looking at the next test's windows)."""
    timers: list[QTimer] = []

    def watch(text: str) -> None:
        timer = QTimer(interval=50)

        def press() -> None:
            for widget in QApplication.topLevelWidgets():
                if isinstance(widget, QMessageBox) and widget.isVisible():
                    for button in widget.findChildren(QPushButton):
                        if button.text().replace("&", "") == text:
                            timer.stop()
                            button.click()
                            return

        timer.timeout.connect(press)
        timer.start()
        timers.append(timer)

    yield watch
    for timer in timers:
        timer.stop()


def test_connection_change_applies_live_and_quit_says_what_is_pending(
    qtbot: QtBot,
    qloop: Any,
    server: SandboxProcess,
    second_server: SandboxProcess,
    keys: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    click_when_shown: ClickWhenShown,
) -> None:
    monkeypatch.setenv("SETY_API_KEY", keys["operator"])
    monkeypatch.setattr("sety_console.config.settings_path", lambda: tmp_path / "settings.json")
    settings = Settings(api_url=server.base_url, operator_name="Funke Adeyemi")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    run = qloop.create_task(ConsoleApp(app, settings, print).run(_args()))
    first_incident = _create(server, keys["operator"])["incident_id"]
    qtbot.waitUntil(
        lambda: bool(_main_windows()) and first_incident in _queue_ids(_main_windows()[0]), timeout=20_000
    )
    first = _main_windows()[0]

    # File → Connection…: the second sandbox; the test keyring keeps no key: offer this session only
    menu_action = next(a for a in first.menuBar().actions() if a.text() == "&File")
    file_menu = menu_action.menu()  # QAction.menu() is typed QObject: Qt's is a template
    assert isinstance(file_menu, QMenu)
    connection = next(a for a in file_menu.actions() if a.text() == "Connection…")
    connection.trigger()
    qtbot.waitUntil(
        lambda: any(isinstance(w, ConnectionDialog) and w.isVisible() for w in QApplication.topLevelWidgets())
    )
    dialog = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, ConnectionDialog) and w.isVisible()
    )
    dialog.url.clear()
    qtbot.keyClicks(dialog.url, second_server.base_url)
    qtbot.keyClicks(dialog.key, second_server.keys["operator"])
    click_when_shown("Yes")  # "The key was not saved … Use this key for this session only?"
    qtbot.keyClick(dialog.key, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: bool(_main_windows()) and _main_windows()[0] is not first, timeout=20_000)
    window = _main_windows()[0]
    assert settings.api_url == second_server.base_url
    later = _create(second_server, second_server.keys["operator"])["incident_id"]
    qtbot.waitUntil(
        lambda: later in _queue_ids(window), timeout=10_000
    )  # updates continue, from the new server
    assert first_incident not in _queue_ids(window)
    assert (
        "live" in window.status.connection.text().lower()
        or "online" in window.status.connection.text().lower()
    )

    # Ctrl+Q with nothing pending quits at once with status 0 and no traceback
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(run.done, timeout=20_000)
    assert run.result() == 0
    asyncio.get_event_loop()  # the loop is still usable (it was not stopped under the run)
