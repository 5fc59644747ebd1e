"""Liveness from the age of the data (issue 13): a hung server — TCP open, no answers — turns the status
amber within two refresh intervals and red within 15 s, ages and SLA clocks are marked as projections,
and the picture is live again once the server answers."""

from __future__ import annotations

import time
from collections.abc import Callable

from pytestqt.qtbot import QtBot

from sety_console.ui.incidents.queue_cells import PROJECTED
from sety_console.ui.incidents.queue_columns import Column
from sety_console.ui.workspaces.control_room import ControlRoom
from tests.sandbox_process import SandboxProcess

from .conftest import Console
from .hang_proxy import HangingProxy
from .test_control_room import _create


def _state(console: Console) -> str:
    return str(console.window.status.dot.property("state"))


def test_a_hung_server_goes_amber_then_red_then_live_again(
    qtbot: QtBot, make_console: Callable[..., Console], server: SandboxProcess, keys: dict[str, str]
) -> None:
    port = int(server.base_url.split(":")[2].split("/")[0])
    with HangingProxy(port) as proxy:
        console = make_console("admin", base_url=proxy.url(server.base_url))
        control = console.workspaces.rooms["control-room"]
        assert isinstance(control, ControlRoom)
        incident = _create(server, keys["operator"], severity="low", category="medical")["incident_id"]
        qtbot.waitUntil(lambda: control.model.row_of(incident) is not None, timeout=10_000)
        qtbot.waitUntil(lambda: _state(console) == "online", timeout=10_000)
        assert console.window.status.connection.text() == "Online — the picture is live."

        proxy.hang.set()
        hung = time.monotonic()
        qtbot.waitUntil(lambda: _state(console) == "degraded", timeout=8_000)
        amber_after = time.monotonic() - hung
        assert console.window.status.connection.text().startswith("Data is ")
        row = control.model.row_of(incident)
        assert row is not None
        sla = control.model.data(control.model.index(row, Column.SLA))
        assert str(sla).startswith(PROJECTED)  # the clock counts on from old data, and says so
        qtbot.waitUntil(lambda: _state(console) == "offline", timeout=20_000)
        red_after = time.monotonic() - hung
        assert console.window.status.connection.text().startswith("Offline since ")
        assert amber_after < 5.0, amber_after
        assert red_after < 17.0, red_after  # 15 s of age, plus the second-long status tick

        proxy.hang.clear()
        qtbot.waitUntil(lambda: _state(console) == "online", timeout=15_000)
        sla = control.model.data(control.model.index(control.model.row_of(incident) or 0, Column.SLA))
        assert not str(sla).startswith(PROJECTED)
