"""The main window opens inside its screen, never larger, and remembers its size per screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QMargins, QRect, QSettings, QSize
from pytestqt.qtbot import QtBot

from sety_console.ui.main_window import MainWindow
from sety_console.ui.window_fit import client_rect, first_frame, fit_rect, screen_key

# (screen, available area in logical pixels: a 4K screen at 200 % is 1920 × 1080 logical)
SCREENS = [
    ("laptop 1366x768, taskbar at the bottom", QRect(0, 0, 1366, 728)),
    ("1600x1000", QRect(0, 0, 1600, 1000)),
    ("1920x1080, panel at the top", QRect(0, 32, 1920, 1048)),
    ("4K at 200 %", QRect(0, 0, 1920, 1080)),
    ("second monitor to the right", QRect(1920, 0, 1280, 1024)),
]


@pytest.mark.parametrize(("available"), [s[1] for s in SCREENS], ids=[s[0] for s in SCREENS])
def test_the_first_frame_is_never_larger_than_the_screen(available: QRect) -> None:
    frame = first_frame(available)
    assert available.contains(frame)
    assert frame.width() >= min(1600, available.width())  # the full default where there is room
    assert frame.height() >= min(1000, available.height())


@pytest.mark.parametrize(("available"), [s[1] for s in SCREENS], ids=[s[0] for s in SCREENS])
def test_a_remembered_or_oversized_frame_is_pulled_back_inside(available: QRect) -> None:
    for frame in (QRect(-50, -20, 1600, 1000), QRect(3000, 900, 2500, 1500), QRect(10, 40, 300, 200)):
        fitted = fit_rect(frame, available)
        assert available.contains(fitted)
        if available.contains(frame):
            assert fitted == frame  # a window that fits stays exactly where it was


def test_the_client_area_leaves_room_for_the_window_managers_frame() -> None:
    frame = QRect(0, 0, 1366, 728)
    assert client_rect(frame, QMargins(1, 29, 1, 1)) == QRect(1, 29, 1364, 698)


def _window(qtbot: QtBot, settings: QSettings, tmp_path: Path) -> MainWindow:
    window = MainWindow(settings=settings, log_dir=str(tmp_path))
    qtbot.addWidget(window)
    return window


def test_a_real_window_opens_inside_its_screen_and_remembers_its_size_there(
    qtbot: QtBot, tmp_path: Path
) -> None:
    settings = QSettings(str(tmp_path / "workstation.ini"), QSettings.Format.IniFormat)
    window = _window(qtbot, settings, tmp_path)
    screen = window.screen()
    assert screen is not None
    available = screen.availableGeometry()
    window.restore_window()
    window.show()
    qtbot.waitExposed(window)
    assert available.contains(window.frameGeometry())
    window.resize(available.width() - 100, available.height() - 150)
    window.close()
    assert settings.value(f"window/geometry/{screen_key(screen)}") is not None

    again = _window(qtbot, settings, tmp_path)
    again.restore_window()
    again.show()
    qtbot.waitExposed(again)
    assert again.size() == QSize(available.width() - 100, available.height() - 150)


def test_a_size_saved_on_a_bigger_screen_is_fitted_to_this_one(qtbot: QtBot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "workstation.ini"), QSettings.Format.IniFormat)
    big = _window(qtbot, settings, tmp_path)
    big.setGeometry(0, 0, 3000, 2000)  # as if it had been on a large monitor
    state: QByteArray = big.saveGeometry()
    big.close()
    screen = big.screen()
    assert screen is not None
    settings.setValue(f"window/geometry/{screen_key(screen)}", state)
    window = _window(qtbot, settings, tmp_path)
    window.restore_window()
    window.show()
    qtbot.waitExposed(window)
    assert screen.availableGeometry().contains(window.frameGeometry())


def test_each_screen_keeps_its_own_size(qtbot: QtBot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "workstation.ini"), QSettings.Format.IniFormat)
    other = _window(qtbot, settings, tmp_path)
    other.setGeometry(5, 5, 420, 300)
    settings.setValue("window/geometry/HDMI_2_2560x1440", other.saveGeometry())  # another monitor's size
    other.close()
    settings.remove(f"window/geometry/{screen_key(other.screen())}")
    window = _window(qtbot, settings, tmp_path)
    window.restore_window()
    assert window.size() != QSize(420, 300)  # this screen never had that size: the first size instead


def test_window_size_option() -> None:
    import argparse

    from sety_console.cli import build_parser, window_size

    assert window_size("1366x768") == (1366, 768)
    for bad in ("1366", "x768", "100x100", "wide"):
        with pytest.raises(argparse.ArgumentTypeError, match="WIDTHxHEIGHT"):
            window_size(bad)
    args = build_parser().parse_args(["--screenshot", "out.png", "--window-size", "1920x1080"])
    assert args.window_size == (1920, 1080)
