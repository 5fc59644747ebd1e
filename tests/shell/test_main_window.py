"""The main window: workspaces, unavailable ones explained, docks that float and come back."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from sety_console.ui.main_window import MainWindow
from sety_console.ui.sound import SoundPlayer
from sety_console.ui.workspace_host import UnavailableWorkspace, WorkspaceHost


def make_window(qtbot: QtBot, tmp_path: Path) -> tuple[MainWindow, QSettings]:
    settings = QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, log_dir=str(tmp_path))
    qtbot.addWidget(window)
    return window, settings


def test_workspaces_switch_and_unavailable_one_says_why(qtbot: QtBot, tmp_path: Path) -> None:
    window, _ = make_window(qtbot, tmp_path)
    host = WorkspaceHost("control-room", QLabel("queue"))
    window.add_workspace("control-room", "Control room", host)
    window.add_workspace(
        "gate", "Gate", QLabel("gate"), unavailable_reason="This key has no access:read scope."
    )
    window.show_workspace("gate")
    assert window.current_workspace() == "gate"
    page = window.workspace("gate")
    assert page is not None
    assert isinstance(page.explanation, UnavailableWorkspace)
    texts = " ".join(label.text() for label in page.explanation.findChildren(QLabel))
    assert "access:read" in texts
    assert window.available_workspaces() == ["control-room"]
    window.set_availability("gate", None)
    assert window.available_workspaces() == ["control-room", "gate"]
    assert window.current_workspace() == "gate"


def test_dock_floats_and_reset_layout_brings_it_back(qtbot: QtBot, tmp_path: Path) -> None:
    window, _ = make_window(qtbot, tmp_path)
    host = WorkspaceHost("control-room", QLabel("queue"))
    dock = host.add_dock("detail", "Incident", QLabel("detail"), Qt.DockWidgetArea.RightDockWidgetArea)
    host.freeze_default()
    window.add_workspace("control-room", "Control room", host)
    window.show()
    dock.setFloating(True)
    dock.hide()
    window.reset_layout()
    assert not dock.isFloating()
    assert dock.isVisible()


def test_layout_is_saved_and_restored(qtbot: QtBot, tmp_path: Path) -> None:
    window, _ = make_window(qtbot, tmp_path)
    host = WorkspaceHost("map", QLabel("map"))
    dock = host.add_dock("layers", "Layers", QLabel("layers"))
    window.add_workspace("map", "Map", host)
    window.show()
    dock.hide()
    window.close()
    window2, _ = make_window(qtbot, tmp_path)
    host2 = WorkspaceHost("map", QLabel("map"))
    dock2 = host2.add_dock("layers", "Layers", QLabel("layers"))
    window2.add_workspace("map", "Map", host2)
    window2.show()
    assert dock2.isHidden()


def test_environment_badge_and_banner(qtbot: QtBot, tmp_path: Path) -> None:
    window, _ = make_window(qtbot, tmp_path)
    window.set_environment("live", "LIVE")
    assert window.environment_badge.property("environment") == "live"
    assert "LIVE" in window.windowTitle()
    window.show()
    window.set_alarm_banner("CRITICAL SOS — press F8 to acknowledge", flash=True)
    assert window.alarm_banner.isVisible()
    window.set_alarm_banner(None)
    assert not window.alarm_banner.isVisible()


def test_sound_never_raises_without_audio(qtbot: QtBot) -> None:
    player = SoundPlayer()
    player.play("sos")
    player.play("no-such-sound")
    assert player.plays == 2
    player.muted = True
    player.play("sos")
    assert player.plays == 2
