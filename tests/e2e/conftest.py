"""A real uvicorn sandbox on 127.0.0.1 and the whole console (session + main window) against it."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QSettings
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sety_console.api import SetyClient
from sety_console.app.shell import Shell
from sety_console.app.wiring import build_shell
from sety_console.config import Settings
from sety_console.core.session import ConsoleSession
from sety_console.ui.main_window import MainWindow
from tests.sandbox_process import SandboxProcess

from .hub_rig import hub, make_hub_console  # noqa: F401 (fixtures of the control-room hub tests)


@pytest.fixture(autouse=True)
def _windows_go_with_their_test() -> Iterator[None]:
    """Windows the console made for itself (`ConsoleApp`: one per connection) end with their test: a
    closed window lives on until deleted, and its map page must go before the web profile (at exit)."""
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow):
            widget.close_guard = None
            widget.close()
            widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()
    gc.collect()  # what they left in cycles goes now, on the GUI thread (see the qloop fixture)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """The sandbox in its own process, as the console runs it."""
    with SandboxProcess(tmp_path_factory.mktemp("sandbox") / "sandbox.db") as server:
        yield server


@pytest.fixture(scope="module")
def keys(server: SandboxProcess) -> dict[str, str]:
    return server.keys


@dataclass
class Console:
    session: ConsoleSession
    window: MainWindow
    workspaces: Shell
    client: SetyClient


@pytest.fixture
def make_console(
    qtbot: QtBot, qloop: Any, server: SandboxProcess, keys: dict[str, str], tmp_path: Path
) -> Iterator[Callable[..., Console]]:
    """Builds the console as `sety-console` does, signed in with a role's key; tears it down cleanly."""
    built: list[Console] = []

    def build(role: str, base_url: str | None = None) -> Console:
        client = SetyClient(base_url or server.base_url, keys[role])
        session = ConsoleSession(client, data_dir=tmp_path / role, operator_name="Funke Adeyemi")
        settings = Settings(operator_name="Funke Adeyemi", alarm_repeat_seconds=2)
        ini = QSettings(str(tmp_path / f"{role}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings=ini, log_dir=str(tmp_path))
        qtbot.addWidget(window)
        building = qloop.create_task(build_shell(window, session, settings, source="test"))
        qtbot.waitUntil(building.done, timeout=20_000)
        workspaces = building.result()
        task = qloop.create_task(session.start())
        qtbot.waitUntil(task.done, timeout=10_000)
        window.show()
        built.append(Console(session, window, workspaces, client))
        return built[-1]

    yield build
    for console in built:
        console.workspaces.close()
        closing = qloop.create_task(console.session.close())
        qtbot.waitUntil(closing.done, timeout=10_000)
        closing_client = qloop.create_task(console.client.aclose())
        qtbot.waitUntil(closing_client.done, timeout=5_000)


@pytest.fixture
def console(make_console: Callable[..., Console]) -> Console:
    """The console with the admin key: every workspace available."""
    return make_console("admin")
