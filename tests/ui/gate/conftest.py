"""Fixtures of the gate workspace tests: a qasync loop for pytest-qt (QT-NOTES §4, pattern A) and
backends: the in-memory fake, and an adapter over the real sandbox once it is installed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import qasync
from pytestqt.qtbot import QtBot

from sety_console.api import SetyClient
from sety_console.api.models import CreateAccessLogRequest
from sety_console.core.session import ConsoleSession
from tests.sandbox_process import SandboxProcess

from .demo import seed
from .fakes import FakeGateSession

SCREENSHOTS = Path("/tmp/sety-gate-screenshots")
T = TypeVar("T")


def finished(qtbot: QtBot, work: Awaitable[T], timeout_ms: int = 10_000) -> T:
    """The result of a slot's task (or any awaitable), spinning Qt until it is done."""
    task = asyncio.ensure_future(work)
    qtbot.waitUntil(task.done, timeout=timeout_ms)
    return task.result()


@pytest.fixture
def fake(qloop: qasync.QEventLoop) -> FakeGateSession:
    """The fake session with demo data: every verdict's code, 8 visitors inside, 80 past visits."""
    session = FakeGateSession()
    seed(session)
    return session


@pytest.fixture
def empty_fake(qloop: qasync.QEventLoop) -> FakeGateSession:
    return FakeGateSession()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """The real sandbox (its own process, on 127.0.0.1) with three visitors inside, for end-to-end tests."""
    folder = tmp_path_factory.mktemp("gate-sandbox")
    with SandboxProcess(folder / "sandbox.db") as server:
        asyncio.run(_visitors_inside(SetyClient(server.base_url, server.keys["guard"])))
        yield server


async def _visitors_inside(client: SetyClient) -> None:
    async with client:
        for name, gate in (
            ("Chidi Early", "Main Gate"),
            ("Halima Early", "North Gate"),
            ("Yinka Early", "Main Gate"),
        ):
            request = CreateAccessLogRequest(
                visitor_name=name, host_name="Ms Lawal", host_unit="D1", gate=gate
            )
            await client.create_access_log(request)


def run(qtbot: QtBot, coroutine: Coroutine[Any, Any, T], timeout: int = 10_000) -> T:
    """Await `coroutine` on the qasync loop while Qt spins (pattern A: no nested asyncio loop)."""
    task = asyncio.ensure_future(coroutine)
    qtbot.waitUntil(task.done, timeout=timeout)
    return task.result()


@pytest.fixture
def session(
    qtbot: QtBot, qloop: qasync.QEventLoop, sandbox: SandboxProcess, tmp_path: Path
) -> Iterator[ConsoleSession]:
    """The real `ConsoleSession` over `SetyClient`, with the guard's key, polling and delivering."""
    client = SetyClient(sandbox.base_url, sandbox.keys["guard"])
    console = ConsoleSession(
        client, data_dir=tmp_path / "data", operator_name="Guard Okafor", workstation="Main Gate"
    )
    console.set_focus("gate")
    run(qtbot, console.start())
    qtbot.waitUntil(lambda: len(list(console.visitors.values())) > 0, timeout=10_000)
    try:
        yield console
    finally:
        run(qtbot, console.close())
        run(qtbot, client.aclose())
