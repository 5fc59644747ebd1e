"""The composed workspace: tabs by key, shortcuts documented, renders at 1280×800 and 1024×600."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sety_console.api.models import AccessLogStats, CreateAccessLogRequest
from sety_console.ui.gate.workspace import GateWorkspace

from .conftest import finished
from .demo import REVOKED, VALID
from .fakes import FakeGateSession


def _workspace(qtbot: QtBot, session: FakeGateSession, size: tuple[int, int]) -> GateWorkspace:
    workspace = GateWorkspace(session, "Main Gate")
    qtbot.addWidget(workspace)
    workspace.resize(*size)
    workspace.show()
    return workspace


@pytest.mark.parametrize("size", [(1280, 800), (1024, 600)])
def test_screenshots_of_every_tab(
    qtbot: QtBot, fake: FakeGateSession, screenshots: Path, size: tuple[int, int]
) -> None:
    workspace = _workspace(qtbot, fake, size)
    workspace.refresh()
    qtbot.waitUntil(
        lambda: workspace.log.model.rowCount() > 0 and workspace.stats.stats is not None, timeout=3000
    )
    qtbot.waitUntil(lambda: workspace.codes.model.rowCount() > 0, timeout=3000)
    qtbot.keyClicks(workspace.code_entry.code_input, VALID)
    with qtbot.waitSignal(workspace.code_entry.answer_shown, timeout=3000):
        qtbot.keyClick(workspace.code_entry.code_input, Qt.Key.Key_Return)
    tag = f"{size[0]}x{size[1]}"
    for name in ("gate", "walk_in", "codes", "log", "stats"):
        workspace.show_tab(name)
        qtbot.wait(50)
        assert workspace.grab().save(str(screenshots / f"workspace-{tag}-{name}.png"))


def test_shortcuts_are_documented_and_tabs_switch_by_key(qtbot: QtBot, fake: FakeGateSession) -> None:
    workspace = _workspace(qtbot, fake, (1024, 600))
    workspace.activateWindow()
    qtbot.waitUntil(workspace.isActiveWindow, timeout=3000)
    pairs = workspace.shortcuts()
    keys = {key for key, _ in pairs}
    assert {"F2", "F3", "F4", "F5", "F6", "Enter", "Esc", "Ctrl+O", "Ctrl+F", "Ctrl+E"} <= keys
    assert all(isinstance(text, str) and text for _, text in pairs)
    for key, name in (
        (Qt.Key.Key_F5, "log"),
        (Qt.Key.Key_F4, "codes"),
        (Qt.Key.Key_F6, "stats"),
        (Qt.Key.Key_F2, "gate"),
    ):
        qtbot.keyClick(workspace.focusWidget() or workspace, key)
        assert workspace.current_tab() == name
    assert workspace.code_entry.code_input.hasFocus()
    qtbot.waitUntil(
        lambda: workspace.stats.stats is not None and workspace.log.model.rowCount() > 0, timeout=3000
    )


def test_gate_name_setting_reaches_every_part(qtbot: QtBot, fake: FakeGateSession) -> None:
    workspace = _workspace(qtbot, fake, (1024, 600))
    workspace.set_gate_name(" Service Gate ")
    assert workspace.gate_name == "Service Gate"
    assert workspace.walk_in.gate_name == "Service Gate"
    assert workspace.code_entry.gate_label.text() == "Gate: Service Gate"
    workspace.inside.select_key(workspace.inside.model.visible_keys()[0])
    entry = finished(qtbot, workspace.inside.check_out_selected())
    assert entry is not None
    assert entry.payload["checkout_gate"] == "Service Gate"


def test_detach_stops_listening(qtbot: QtBot, fake: FakeGateSession) -> None:
    workspace = _workspace(qtbot, fake, (1024, 600))
    before = workspace.inside.model.rowCount()
    workspace.detach()
    fake.add_log(visitor_name="After Detach", host_name="Ms Lawal")
    assert workspace.inside.model.rowCount() == before


@pytest.fixture
def dark_theme(qapp: QApplication) -> Iterator[None]:
    """The control room's dark theme for one test; the app's look is put back afterwards."""
    theme = pytest.importorskip("sety_console.ui.common.theme")
    style, palette, sheet = qapp.style().name(), qapp.palette(), qapp.styleSheet()
    theme.apply_theme(qapp, "dark")
    yield
    qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setStyleSheet(sheet)


@pytest.mark.usefixtures("dark_theme")
@pytest.mark.parametrize("size", [(1280, 800), (1024, 600)])
def test_screenshots_at_night_in_the_dark_theme(
    qtbot: QtBot, fake: FakeGateSession, screenshots: Path, size: tuple[int, int]
) -> None:
    fake.auto_deliver = False
    workspace = _workspace(qtbot, fake, size)
    fake.online = False
    entry = fake.queue_check_in(
        CreateAccessLogRequest(visitor_name="Night Visitor", host_name="Ms Lawal", gate="Main Gate")
    )
    fake.deliver(entry.action_id)
    fake.online = True
    refused = fake.queue_check_in(CreateAccessLogRequest(access_code="555555", gate="Main Gate"))
    fake.deliver(refused.action_id)
    qtbot.keyClicks(workspace.code_entry.code_input, REVOKED)
    with qtbot.waitSignal(workspace.code_entry.answer_shown, timeout=3000):
        qtbot.keyClick(workspace.code_entry.code_input, Qt.Key.Key_Return)
    tag = f"{size[0]}x{size[1]}"
    assert workspace.grab().save(str(screenshots / f"night-{tag}-invalid.png"))
    workspace.stats.show_stats(_stats(fake))
    workspace.show_tab("stats")
    assert workspace.grab().save(str(screenshots / f"night-{tag}-stats.png"))
    assert workspace.inside.model.index(0, 1).data() == "Check-in FAILED"


def _stats(fake: FakeGateSession) -> AccessLogStats:
    from .fakes import _stats as compute

    logs = list(fake.logs.values())
    return compute(logs, (fake.now - timedelta(days=6)).date(), fake.now.date(), len(fake.visitors.by_id))


def test_a_destroyed_workspace_is_never_called_again(qtbot: QtBot, fake: FakeGateSession) -> None:
    before = len(fake.visitors_changed._listeners), len(fake.outbox_changed._listeners)
    workspace = GateWorkspace(fake, "Main Gate")
    assert len(fake.visitors_changed._listeners) == before[0] + 1  # one signals for every part
    workspace.deleteLater()
    qtbot.waitUntil(lambda: len(fake.visitors_changed._listeners) == before[0], timeout=3000)
    assert len(fake.outbox_changed._listeners) == before[1]
    fake.add_log(visitor_name="After Close", host_name="Ms Lawal")  # must not touch deleted widgets


def test_a_scan_while_the_inside_list_has_the_keyboard_still_reaches_the_code_entry(
    qtbot: QtBot, fake: FakeGateSession
) -> None:
    workspace = _workspace(qtbot, fake, (1024, 600))
    workspace.activateWindow()
    qtbot.waitUntil(workspace.isActiveWindow, timeout=3000)
    workspace.inside.focus_list()
    assert workspace.inside.table.hasFocus()
    qtbot.keyClicks(workspace.inside.table, VALID[0])  # the first digit lands on the list…
    qtbot.keyClicks(QApplication.focusWidget(), VALID[1:])  # …and moves the keyboard to the code input
    assert workspace.code_entry.code_input.text() == VALID
    with qtbot.waitSignal(workspace.code_entry.answer_shown, timeout=3000) as answer:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert answer.args[0].valid
