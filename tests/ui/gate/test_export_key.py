"""Ctrl+E exports the access log even while the search box has the keyboard (issue 13.6), here and
on a real X11 display, where a text field takes Ctrl+E as "end of line" (tests/test_under_x11.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from sety_console.ui.common import save_dialog
from sety_console.ui.gate.workspace import GateWorkspace
from tests.x11 import under_x11

from .fakes import FakeGateSession


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The save dialog, answered "cancel"; records the path it was opened with."""
    paths: list[str] = []

    def answer(_parent: object, _title: str, start: str, _filter: str) -> tuple[str, str]:
        paths.append(start)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    save_dialog.remember_folder_in(lambda: None, lambda _folder: None)
    return paths


def test_ctrl_e_exports_while_the_log_search_box_has_the_keyboard(
    qtbot: QtBot, fake: FakeGateSession, asked: list[str]
) -> None:
    if under_x11():  # the child run: the platform really binds Ctrl+E to "end of line" here
        ends = QKeySequence.keyBindings(QKeySequence.StandardKey.MoveToEndOfLine)
        assert QKeySequence("Ctrl+E") in ends
    workspace = GateWorkspace(fake, "Main Gate")
    qtbot.addWidget(workspace)
    workspace.resize(1200, 800)
    workspace.show()
    workspace.activateWindow()
    qtbot.waitUntil(workspace.isActiveWindow, timeout=3000)
    qtbot.keyClick(workspace.focusWidget() or workspace, Qt.Key.Key_F5)
    search = workspace.log.search
    qtbot.waitUntil(search.hasFocus, timeout=3000)
    qtbot.keyClicks(search, "ngozi")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert len(asked) == 1, "Ctrl+E in the search box did not open the export dialog"
    assert Path(asked[0]).name.startswith("access-log-")
    # the other text fields of the log too (the gate filter, the day fields)
    for field in (workspace.log.gate_filter, workspace.log.from_date):
        workspace.log.from_enabled.setChecked(True)
        field.setFocus()
        qtbot.waitUntil(field.hasFocus, timeout=3000)
        qtbot.keyClick(field, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert len(asked) == 3
