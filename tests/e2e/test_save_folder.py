"""The console remembers the folder of the last export in settings.json and starts the next save dialog
there (issue 13.6), driven by keys on the main window: Ctrl+3 (gate), F5 (access log), Ctrl+E."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from sety_console import config
from sety_console.ui.common import save_dialog

from .conftest import Console


@pytest.fixture(autouse=True)
def forget_folder() -> Iterator[None]:
    yield
    save_dialog.remember_folder_in(lambda: None, lambda _folder: None)  # later tests write nothing


def test_the_last_export_folder_is_kept_in_settings_json(
    qtbot: QtBot, console: Console, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings_file = tmp_path / "config" / "settings.json"
    monkeypatch.setattr(config, "settings_path", lambda: settings_file)
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    exports = tmp_path / "exports"
    exports.mkdir()
    starts: list[Path] = []

    def answer(_parent: object, _title: str, start: str, _filter: str) -> tuple[str, str]:
        starts.append(Path(start))
        return str(exports / "gate-log.csv"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    window = console.window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3_000)
    handle = window.windowHandle()
    qtbot.keyClick(handle, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.current_workspace() == "gate", timeout=3_000)
    qtbot.keyClick(handle, Qt.Key.Key_F5)
    qtbot.keyClick(handle, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert len(starts) == 1
    assert starts[0].parent == home / "Documents"
    qtbot.waitUntil((exports / "gate-log.csv").exists, timeout=10_000)
    assert config.load_settings(settings_file).last_save_folder == str(exports)
    qtbot.keyClick(handle, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert starts[1].parent == exports
