"""Test-wide setup: headless Qt, QtWebEngine without the Chromium sandbox, isolated user dirs."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
# Every test run gets its own data, cache, config and log directories: nothing touches the user's.
_HOME = tempfile.mkdtemp(prefix="sety-test-home-")
for _var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
    os.environ[_var] = os.path.join(_HOME, _var.lower())
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
os.environ.pop("SETY_API_KEY", None)
os.environ.pop("SETY_API_URL", None)

# --- Hypothesis: a failing example is reported at once, without the "explain" phase (it traces every line
# of the failing test and once took a failure past the suite's per-test timeout, which ends the whole run)
from hypothesis import Phase, settings  # noqa: E402

settings.register_profile("suite", phases=[phase for phase in Phase if phase is not Phase.explain])
settings.load_profile("suite")

# --- Qt + asyncio (QT-NOTES §4) -------------------------------------------------------------------
import asyncio  # noqa: E402
import gc  # noqa: E402
from collections.abc import Coroutine, Iterator  # noqa: E402
from typing import Any, TypeVar  # noqa: E402

import pytest  # noqa: E402

T = TypeVar("T")


@pytest.fixture
def qloop(qapp: Any) -> Iterator[Any]:
    """A qasync loop marked running, so asyncSlot tasks and httpx run whenever qtbot spins Qt.

    Never `loop.stop()` or `run_until_complete` (they call `QApplication.exec/exit`, which leaves
    Qt's quit flag set and has crashed the suite when QtWebEngine pages were alive).
    """
    import qasync

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    asyncio._set_running_loop(loop)
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
    # A closed qasync loop's own QObjects (its timer, signaller and executor threads) sit in reference
    # cycles: free them now, on the GUI thread. Left to the collector, whichever thread runs it next (a
    # later test's in-process server) destroys them, and the GUI thread's dispatcher then fires a timer of
    # a deleted object (a segfault). The console itself runs one loop for its whole life.
    gc.collect()


class QtRunner:
    """`run_until_complete(coro)` for sync tests, driven by spinning Qt through qtbot."""

    def __init__(self, loop: Any, qtbot: Any) -> None:
        self.loop = loop
        self._qtbot = qtbot

    def run_until_complete(self, coro: Coroutine[Any, Any, T], timeout_s: float = 30.0) -> T:
        task = asyncio.ensure_future(coro, loop=self.loop)
        self._qtbot.waitUntil(task.done, timeout=int(timeout_s * 1000))
        return task.result()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.loop, name)


@pytest.fixture
def aloop(qloop: Any, qtbot: Any) -> QtRunner:
    """Run a coroutine to completion from a sync Qt test (pattern B without `app.exec`)."""
    return QtRunner(qloop, qtbot)
