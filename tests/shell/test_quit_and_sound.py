"""Quitting with actions pending says how many and lets the operator wait (issue 13.5); a sound that
cannot play is said and stays said, and Alarms → Test sound reports (13.1); the first start asks who
works here (13.4)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from sety_console.api import SetyClient
from sety_console.app.quit_guard import QuitGuard
from sety_console.config import Settings
from sety_console.core.session import ConsoleSession
from sety_console.ui.main_window import MainWindow
from sety_console.ui.operator_dialog import OperatorDialog
from sety_console.ui.sound import NO_PLAYER, SoundPlayer


def _press_when_shown(text: str, seen: list[str]) -> None:
    def press() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                seen.append(widget.text())
                for button in widget.findChildren(QPushButton):
                    if button.text().replace("&", "") == text:
                        button.click()
                        return
        QTimer.singleShot(30, press)

    QTimer.singleShot(30, press)


def test_ctrl_q_with_a_note_not_yet_sent_says_so_and_quit_now_closes(
    qtbot: QtBot, aloop: Any, tmp_path: Path
) -> None:
    client = SetyClient("http://127.0.0.1:9/v1/external", "sety_test_" + "0" * 32)  # nothing listens
    session = ConsoleSession(client, data_dir=tmp_path / "data", operator_name="Ada")
    aloop.run_until_complete(session.outbox.open())
    aloop.run_until_complete(session.add_note("inc_1", "still on my way"))
    window = MainWindow(settings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat), log_dir=".")
    qtbot.addWidget(window)
    window.close_guard = QuitGuard(window, session).may_close
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2_000)
    handle = window.windowHandle()  # keys go through the window's normal routing, shortcuts included
    assert len(session.outbox.open_entries()) == 1
    closed: list[bool] = []
    window.closing.connect(lambda: closed.append(True))

    seen: list[str] = []
    _press_when_shown("Cancel", seen)
    qtbot.keyClick(handle, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(seen), timeout=3_000)
    assert seen[0] == "1 action is not on the server yet: 1 note."
    assert window.isVisible()
    assert not closed

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2_000)
    _press_when_shown("Quit now", seen)
    qtbot.keyClick(handle, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(closed), timeout=3_000)
    assert len(session.outbox.open_entries()) == 1  # kept for the next start
    aloop.run_until_complete(session.close())
    aloop.run_until_complete(client.aclose())


def test_no_way_to_play_sound_is_said_and_test_sound_reports(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(SoundPlayer, "_load_qt_audio", staticmethod(lambda: None))
    monkeypatch.setattr("shutil.which", lambda name: None)
    player = SoundPlayer()
    assert player.problem == NO_PLAYER
    window = MainWindow(settings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat), log_dir=".")
    qtbot.addWidget(window)
    window.status.set_sound_problem(player.problem)
    window.show()
    assert window.status.sound.isVisible()
    assert "only flash" in window.status.sound.toolTip()
    results: list[str] = []
    player.tested.connect(results.append)
    player.test()
    assert results == [f"No sound: {NO_PLAYER}"]


def test_the_first_start_asks_the_operators_name(qtbot: QtBot) -> None:
    dialog = OperatorDialog("root")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.selectAll()
    qtbot.keyClick(dialog.name, Qt.Key.Key_Delete)
    ok = dialog.buttons.buttons()[0]
    assert not ok.isEnabled()  # no name, no OK: never a silent default
    qtbot.keyClicks(dialog.name, "Funke Adeyemi")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert dialog.result() == OperatorDialog.DialogCode.Accepted
    assert dialog.chosen() == "Funke Adeyemi"
    assert Settings().operator_name == ""  # nothing is assumed before the operator says
