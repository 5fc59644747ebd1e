"""Save dialogs (CSV export, handover PDF) start in one sensible folder: the last one used, else the
user's Documents folder — never the directory the console was started from (issue 13.6)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from sety_console.ui.common import save_dialog
from sety_console.ui.gate.access_log import AccessLogPanel
from sety_console.ui.supervisor.report_panel import HandoverPanel
from tests.ui.gate.demo import seed
from tests.ui.gate.fakes import FakeGateSession
from tests.ui.supervisor.fakes import NOW, FakeBackend


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A home folder with a Documents folder, the console started from somewhere else."""
    folder = tmp_path / "home"
    (folder / "Documents").mkdir(parents=True)
    elsewhere = tmp_path / "started-here"
    elsewhere.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.chdir(elsewhere)
    save_dialog.remember_folder_in(lambda: None, lambda _folder: None)
    yield folder
    save_dialog.remember_folder_in(lambda: None, lambda _folder: None)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The save dialog, answered "cancel"; records the path it was opened with."""
    paths: list[Path] = []

    def answer(_parent: object, _title: str, start: str, _filter: str) -> tuple[str, str]:
        paths.append(Path(start))
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    return paths


def test_the_access_log_export_starts_in_documents(
    qtbot: QtBot, qloop: qasync.QEventLoop, home: Path, opened: list[Path]
) -> None:
    session = FakeGateSession()
    seed(session)
    panel = AccessLogPanel(session)
    qtbot.addWidget(panel)
    panel.show()
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow, timeout=3000)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert len(opened) == 1
    assert opened[0].parent == home / "Documents"
    assert opened[0].name.startswith("access-log-")


def test_the_handover_pdf_starts_in_documents_not_the_working_directory(
    qtbot: QtBot, aloop: qasync.QEventLoop, home: Path, opened: list[Path]
) -> None:
    panel = HandoverPanel(FakeBackend(), source="the test backend")
    qtbot.addWidget(panel)
    panel.show()
    panel.set_window(NOW - timedelta(hours=12), NOW)
    assert aloop.run_until_complete(panel.generate()) is not None
    panel.export_button.click()
    assert len(opened) == 1
    assert opened[0].parent == home / "Documents"
    assert opened[0].parent != Path(os.getcwd())
    assert opened[0].suffix == ".pdf"


def test_the_next_dialog_starts_where_the_last_file_was_saved(
    qtbot: QtBot, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept: dict[str, str] = {}
    save_dialog.remember_folder_in(lambda: kept.get("folder"), lambda folder: kept.update(folder=folder))
    exports = tmp_path / "exports"
    exports.mkdir()
    starts: list[Path] = []

    def answer(_parent: object, _title: str, start: str, _filter: str) -> tuple[str, str]:
        starts.append(Path(start))
        return str(exports / "chosen.csv"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    assert save_dialog.ask_save_path(None, "Export", "a.csv", "CSV files (*.csv)") == exports / "chosen.csv"
    assert save_dialog.ask_save_path(None, "Export", "b.pdf", "PDF files (*.pdf)") is not None
    assert starts == [home / "Documents" / "a.csv", exports / "b.pdf"]
    exports.rmdir()  # a folder that is gone: back to Documents
    save_dialog.ask_save_path(None, "Export", "c.csv", "CSV files (*.csv)")
    assert starts[-1] == home / "Documents" / "c.csv"
