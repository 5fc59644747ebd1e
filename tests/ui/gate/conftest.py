"""Fixtures of the gate workspace tests: a qasync loop for pytest-qt (QT-NOTES §4, pattern A) and
backends: the in-memory fake, and an adapter over the real sandbox once it is installed."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from .demo import seed
from .fakes import FakeGateBackend

SCREENSHOTS = Path("/tmp/sety-gate-screenshots")


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    """A qasync loop that asyncSlot tasks run on while qtbot spins Qt (never `loop.stop()`)."""
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    asyncio._set_running_loop(loop)  # httpx/anyio and call_soon need a "running" loop
    yield loop
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    end = loop.time() + 2
    while any(not task.done() for task in pending) and loop.time() < end:
        qapp.processEvents()
    asyncio._set_running_loop(None)
    loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture
def fake(qloop: qasync.QEventLoop) -> FakeGateBackend:
    """The fake backend with demo data: every verdict's code, 8 visitors inside, 80 past visits."""
    backend = FakeGateBackend()
    seed(backend)
    return backend


@pytest.fixture
def empty_fake(qloop: qasync.QEventLoop) -> FakeGateBackend:
    return FakeGateBackend()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
