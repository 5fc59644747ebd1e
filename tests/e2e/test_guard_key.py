"""A guard's key (access scopes only) opens straight into the gate; the rest say why not (issue 7.7)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from sety_console.api import SetyClient
from sety_console.app import checks
from sety_console.app.shell import Shell
from sety_console.app.wiring import build_shell
from sety_console.config import Settings
from sety_console.core.session import ConsoleSession
from sety_console.ui.main_window import MainWindow
from tests.sandbox_process import SandboxProcess

from .conftest import Console


def test_guard_key_opens_the_gate_and_explains_the_rest(
    qtbot: QtBot, make_console: Callable[..., Console]
) -> None:
    console = make_console("guard")
    window = console.window
    qtbot.waitUntil(lambda: window.current_workspace() == "gate", timeout=10_000)
    assert window.available_workspaces() == ["gate"]
    for key in ("control-room", "map", "supervisor"):
        workspace = window.workspace(key)
        assert workspace is not None
        assert workspace.unavailable_reason is not None
        assert "permission" in workspace.unavailable_reason
        assert workspace.explanation is not None
        shown = " ".join(label.text() for label in workspace.explanation.findChildren(QLabel))
        assert "not available" in shown
    control = window.workspace("control-room")
    assert control is not None
    assert "incidents:read" in (control.unavailable_reason or "")
    # the inside list is live for the guard
    qtbot.waitUntil(
        lambda: len(console.session.visitors) > 0 or console.session.visitors.fresh_as_of is not None
    )


def test_a_guard_screenshot_shows_the_gate_without_waiting_for_the_control_room(
    qtbot: QtBot, qloop: Any, server: SandboxProcess, keys: dict[str, str], tmp_path: Path
) -> None:
    """`--sandbox-role guard --screenshot`: the order of `sety-console` (shell, start, screenshot), and
    a PNG of the gate within seconds — not after waiting 90 s for the control room (issue 13.6)."""
    client = SetyClient(server.base_url, keys["guard"])
    session = ConsoleSession(client, data_dir=tmp_path / "guard", operator_name="Guard Okafor")
    settings = Settings(operator_name="Guard Okafor")
    ini = QSettings(str(tmp_path / "guard.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=ini, log_dir=str(tmp_path))
    qtbot.addWidget(window)
    path = tmp_path / "guard.png"

    async def run() -> tuple[int, float, Shell]:
        shell = await build_shell(window, session, settings, source="test")
        await session.start()
        started = time.monotonic()
        code = await checks.screenshot(shell, path, 30.0, (1366, 768))
        return code, time.monotonic() - started, shell

    task = qloop.create_task(run())
    qtbot.waitUntil(task.done, timeout=40_000)
    code, took, shell = task.result()
    try:
        assert code == 0
        assert took < 15, f"the screenshot waited {took:.0f} s"
        assert window.current_workspace() == "gate"
        assert not QPixmap(str(path)).isNull()
    finally:
        shell.close()
        closing = qloop.create_task(session.close())
        qtbot.waitUntil(closing.done, timeout=10_000)
        closing = qloop.create_task(client.aclose())
        qtbot.waitUntil(closing.done, timeout=5_000)


def test_the_guards_status_bar_tells_the_age_of_the_visitors_not_of_incidents(
    qtbot: QtBot, make_console: Callable[[str], Console]
) -> None:
    console = make_console("guard")
    window, session = console.window, console.session
    qtbot.waitUntil(lambda: window.current_workspace() == "gate", timeout=10_000)
    qtbot.waitUntil(lambda: session.visitors.fresh_as_of is not None, timeout=10_000)
    assert session.incidents.fresh_as_of is None  # the guard's key reads no incidents
    console.workspaces.refresh_status()
    fresh = session.visitors.fresh_as_of
    assert fresh is not None
    assert window.status.freshness.text() == f"Data as of {fresh.astimezone():%H:%M:%S}"
