"""The access log and the statistics follow the visitors inside without Ctrl+R, one reload per burst
and none while they are not on screen (issue 13.6: "15 vs 17 inside")."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sety_console.api.models import AccessLogStats, CreateAccessLogRequest
from sety_console.core.changes import ChangeSet
from sety_console.ui.gate import follow_visitors
from sety_console.ui.gate.workspace import GateWorkspace

from .conftest import run
from .fakes import FakeGateSession


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same rules on a shorter clock: reload 0.1 s after a change, at most every 0.6 s."""
    monkeypatch.setattr(follow_visitors, "DELAY_MS", 100)
    monkeypatch.setattr(follow_visitors, "MIN_GAP_S", 0.6)


class Counted:
    """Counts the stats and log requests a session receives."""

    def __init__(self, session: Any) -> None:
        self.stats = 0
        self.logs = 0
        stats, logs = session.access_log_stats, session.list_access_logs

        async def count_stats(**query: Any) -> AccessLogStats:
            self.stats += 1
            return await stats(**query)  # type: ignore[no-any-return]

        async def count_logs(**query: Any) -> Any:
            self.logs += 1
            return await logs(**query)

        session.access_log_stats = count_stats
        session.list_access_logs = count_logs


def _workspace(qtbot: QtBot, session: Any) -> GateWorkspace:
    workspace = GateWorkspace(session, "Main Gate")
    qtbot.addWidget(workspace)
    workspace.resize(1280, 800)
    workspace.show()
    workspace.activateWindow()
    qtbot.waitUntil(workspace.isActiveWindow, timeout=3000)
    return workspace


def _press(qtbot: QtBot, workspace: GateWorkspace, key: Qt.Key) -> None:
    qtbot.keyClick(workspace.focusWidget() or workspace, key)


def _inside_now(workspace: GateWorkspace) -> str:
    return workspace.stats.figures["Inside now"].text().split("\n")[1]


def _header(workspace: GateWorkspace) -> str:
    return workspace.inside.summary.text().split(" inside")[0]


def test_stats_and_log_catch_up_with_a_check_in_without_ctrl_r(qtbot: QtBot, fake: FakeGateSession) -> None:
    counted = Counted(fake)
    workspace = _workspace(qtbot, fake)
    _press(qtbot, workspace, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: _inside_now(workspace) == "8", timeout=3000)
    assert _header(workspace) == "8"
    fake.add_log(visitor_name="Kunle Late", host_name="Dr Okonkwo", gate="North Gate")
    assert _header(workspace) == "9"  # the live list at once
    qtbot.waitUntil(lambda: _inside_now(workspace) == "9", timeout=3000)  # the stats follow
    _press(qtbot, workspace, Qt.Key.Key_F5)
    qtbot.waitUntil(
        lambda: any(r.visitor_name == "Kunle Late" for r in workspace.log.model.rows()), timeout=3000
    )
    assert counted.stats == 2  # the first load and one reload


def test_a_burst_is_one_reload_and_nothing_is_fetched_off_screen(qtbot: QtBot, fake: FakeGateSession) -> None:
    counted = Counted(fake)
    workspace = _workspace(qtbot, fake)
    _press(qtbot, workspace, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: counted.stats == 1, timeout=3000)
    for name in ("Ada One", "Bisi Two", "Chika Three", "Dapo Four"):
        fake.add_log(visitor_name=name, host_name="Ms Lawal")
    qtbot.waitUntil(lambda: _inside_now(workspace) == "12", timeout=3000)
    qtbot.wait(800)
    assert counted.stats == 2  # four arrivals, one reload
    fake.visitors_changed.emit(ChangeSet(updated=tuple(fake.visitors.by_id)))  # minutes ticking on
    qtbot.wait(800)
    assert counted.stats == 2
    _press(qtbot, workspace, Qt.Key.Key_F2)  # back to the gate: log and stats are off screen
    logs_before = counted.logs
    fake.add_log(visitor_name="Efe Five", host_name="Ms Lawal")
    qtbot.wait(800)
    assert (counted.stats, counted.logs) == (2, logs_before)
    assert workspace.follow.stale() == {"log", "stats"}
    _press(qtbot, workspace, Qt.Key.Key_F6)  # shown again: catches up once
    qtbot.waitUntil(lambda: _inside_now(workspace) == "13", timeout=3000)
    assert counted.stats == 3
    assert workspace.follow.stale() == {"log"}


def test_the_stats_follow_a_check_in_made_at_another_gate(qtbot: QtBot, session: Any, sandbox: Any) -> None:
    """The real session against the sandbox: a check-in by another console reaches the stats."""
    from sety_console.api import SetyClient

    workspace = _workspace(qtbot, session)
    _press(qtbot, workspace, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: workspace.stats.stats is not None, timeout=5000)
    qtbot.waitUntil(lambda: _inside_now(workspace) == _header(workspace), timeout=5000)
    before = int(_header(workspace))

    async def check_in_elsewhere() -> None:
        async with SetyClient(sandbox.base_url, sandbox.keys["guard"]) as other:
            request = CreateAccessLogRequest(
                visitor_name="Remote Rita", host_name="Ms Lawal", gate="North Gate"
            )
            await other.create_access_log(request)

    run(qtbot, check_in_elsewhere())
    qtbot.waitUntil(lambda: _header(workspace) == str(before + 1), timeout=10_000)  # the visitors poll
    qtbot.waitUntil(lambda: _inside_now(workspace) == str(before + 1), timeout=5000)
    assert workspace.stats.stats is not None
    assert workspace.stats.stats.currently_inside == before + 1
    assert workspace.grab().save("/tmp/sety-gate-stats-follow.png")
