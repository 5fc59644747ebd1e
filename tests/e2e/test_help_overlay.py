"""The `?` / F1 overlay lists every real shortcut of the window (Shift+F8 and Ctrl+F8 included) and
fits the screen — offscreen, and on a 1920×1080 X11 screen without scrolling (issue 13.6;
tests/test_under_x11.py runs it there)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from pytestqt.qtbot import QtBot

from sety_console.ui.main_window import MainWindow
from tests.x11 import under_x11

from .conftest import Console


def _key(text: str) -> str:
    """One key as Qt writes it portably; Return and Enter are the same key to an operator."""
    return QKeySequence(text).toString().replace("Return", "Enter")


def _listed_keys(pairs: list[tuple[str, str]]) -> set[str]:
    keys = set()
    for text, _what in pairs:
        for part in text.replace(" or ", " / ").split(" / "):
            parsed = _key(part.strip())
            if parsed:
                keys.add(parsed)
    return keys


def _real_keys(window: MainWindow) -> set[str]:
    """Every key bound by an action or a shortcut object in the window."""
    keys = {_key(k.toString()) for a in window.findChildren(QAction) for k in a.shortcuts() if a.isEnabled()}
    keys |= {_key(s.key().toString()) for s in window.findChildren(QShortcut) if s.isEnabled()}
    return {k for k in keys if k}


def test_f1_lists_every_real_shortcut_and_fits_the_screen(qtbot: QtBot, console: Console) -> None:
    window = console.window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3_000)
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.shortcuts_overlay is not None, timeout=3_000)
    overlay = window.shortcuts_overlay
    assert overlay is not None
    qtbot.waitExposed(overlay)
    listed = _listed_keys(overlay.listed())
    assert {"F8", "Shift+F8", "Ctrl+F8", "Ctrl+Q", "F1", "?", "Ctrl+N", "Ctrl+E"} <= listed
    missing = _real_keys(window) - listed
    assert not missing, f"keys that work but the overlay does not list: {sorted(missing)}"
    screen = overlay.screen().availableGeometry()
    assert overlay.frameGeometry().height() <= screen.height()
    assert overlay.frameGeometry().width() <= screen.width()
    if under_x11():  # a 1080p screen: everything at once, nothing to scroll
        assert screen.height() <= 1080
        assert not overlay.scroll_area.verticalScrollBar().isVisible()
        assert not overlay.scroll_area.horizontalScrollBar().isVisible()
        assert overlay.grab().save("/tmp/sety-help-overlay-1080p.png")
    qtbot.keyClick(overlay, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.shortcuts_overlay is None, timeout=3_000)
