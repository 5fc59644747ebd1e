"""A control-room hub for the GUI tests, and whole console windows connected through it.

The sandbox runs in a child process (`server` fixture); the hub runs in-process on a thread with its
database in the test's folder, as `tests/hub/` runs it. A hub console is built the way
`ConsoleApp._serve` builds one: `connect_to_hub` → `build_shell` → `wire_hub`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from sety_console.app.hub_wiring import HubWiring, StandInWatch, wire_hub
from sety_console.app.shell import Shell
from sety_console.app.wiring import build_shell
from sety_console.cli import main as cli_main
from sety_console.config import Settings
from sety_console.connect.servers import HUB_LABEL, HubChoice, Server, hint
from sety_console.core.hub_session import HubSession, connect_to_hub
from sety_console.hub.hub import HubConfig
from sety_console.hub.server import HubServer
from sety_console.ui.main_window import MainWindow
from tests.sandbox_process import SandboxProcess


class Hub:
    """A hub in front of the sandbox; `stop()` and `start()` again on the same port (a hub restart)."""

    def __init__(self, database: Path, server: SandboxProcess, org_key: str) -> None:
        self.database_url = f"sqlite:///{database}"
        self.config = HubConfig(database_url=self.database_url, api_url=server.base_url, api_key=org_key)
        self.port = 0
        self.server: HubServer | None = None

    def start(self) -> Hub:
        self.server = HubServer(self.config, port=self.port)
        self.server.start()
        assert self.server.port is not None
        self.port = self.server.port
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    @property
    def contract_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1/external"

    def add_operator(self, name: str) -> str:
        return self.cli("add-operator", name).strip().splitlines()[-1]

    def cli(self, *args: str) -> str:
        """`sety-console hub …` on this hub's database (what its administrator types)."""
        out = io.StringIO()
        with redirect_stdout(out):
            code = cli_main(["hub", *args, "--db", self.database_url])
        assert code == 0, out.getvalue()
        return out.getvalue()


@pytest.fixture
def hub(server: SandboxProcess, keys: dict[str, str], tmp_path: Path) -> Iterator[Hub]:
    running = Hub(tmp_path / "hub.db", server, keys["admin"]).start()
    yield running
    running.stop()


@dataclass
class HubConsole:
    name: str
    hub: HubSession
    window: MainWindow
    shell: Shell
    wiring: HubWiring | StandInWatch | None
    server: Server
    switched: list[Server] = field(default_factory=list)
    """Servers the wiring asked to switch to (the composition root would build a new window)."""
    connection_dialogs: list[bool] = field(default_factory=list)


MakeHubConsole = Callable[..., HubConsole]


@pytest.fixture
def make_hub_console(qtbot: QtBot, qloop: Any, hub: Hub, tmp_path: Path) -> Iterator[MakeHubConsole]:
    """A whole console window on `hub` for an operator (a token is issued unless given)."""
    built: list[HubConsole] = []

    def build(name: str, token: str | None = None) -> HubConsole:
        token = token or hub.add_operator(name)
        station = f"desk-{name.split()[0]}"
        settings = Settings(operator_name=name, workstation=station, alarm_repeat_seconds=2)
        choice = HubChoice((hub.contract_url,), token)
        session = connect_to_hub(
            hub.contract_url, token, data_dir=tmp_path / station, operator_name=name, workstation=station
        )
        server = Server(
            session.client,
            "hub",
            HUB_LABEL,
            tmp_path / station,
            f"hub:{station}",
            hub=session,
            hub_choice=choice,
        )
        server.key_hint = hint(token)
        ini = QSettings(str(tmp_path / f"{station}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings=ini, log_dir=str(tmp_path))
        window.set_environment(server.environment, server.label)
        building = qloop.create_task(build_shell(window, session.session, settings, source="test"))
        qtbot.waitUntil(building.done, timeout=30_000)
        shell = building.result()
        console = HubConsole(name, session, window, shell, None, server)
        console.wiring = wire_hub(
            shell, server, settings, console.switched.append, lambda: console.connection_dialogs.append(True)
        )
        starting = qloop.create_task(session.session.start())
        qtbot.waitUntil(starting.done, timeout=10_000)
        window.show()
        built.append(console)
        return console

    yield build
    for console in built:
        if console.wiring is not None:
            console.wiring.close()
        console.shell.close()
        closing = qloop.create_task(console.server.aclose())
        qtbot.waitUntil(closing.done, timeout=10_000)
        console.window.close_guard = None
        console.window.close()
        console.window.deleteLater()
