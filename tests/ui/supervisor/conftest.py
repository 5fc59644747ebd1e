"""Fixtures of the supervisor suite (the qasync `aloop` runner is in tests/conftest.py): isolated
settings.json, the fake backend, the dark theme for screenshots, and where screenshots go."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from sety_console.config import Settings
from sety_console.ui.common.theme import apply_theme

from .fakes import FakeBackend

SHOTS = Path("/tmp/sety-supervisor-shots")


async def wait_until(condition: Callable[[], object], within: float = 5.0) -> None:
    """Await `condition()` becoming true (QT-NOTES §4: never qtbot.wait* inside a coroutine)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + within
    while not condition():
        if loop.time() > end:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.01)


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Workstation settings kept in a settings.json of this test's own."""
    monkeypatch.setattr("sety_console.config.settings_path", lambda: tmp_path / "settings.json")
    return Settings()


@pytest.fixture
def backend() -> FakeBackend:
    return FakeBackend()


@pytest.fixture
def dark_theme(qapp: QApplication) -> Iterator[None]:
    """The console's dark theme for a screenshot; the application's look is restored afterwards."""
    sheet, palette, style, theme = (
        qapp.styleSheet(),
        qapp.palette(),
        qapp.style().name(),
        qapp.property("sety_theme"),
    )
    apply_theme(qapp, "dark")
    yield
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    qapp.setStyle(style)
    qapp.setProperty("sety_theme", theme)


@pytest.fixture
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
