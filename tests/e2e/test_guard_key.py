"""A guard's key (access scopes only) opens straight into the gate; the rest say why not (issue 7.7)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

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
