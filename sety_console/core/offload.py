"""Disk work off the event loop's thread (the GUI thread under qasync): it never waits on a disk or a lock.

`DiskWorker` is one thread that does a component's file work in order (the outbox's SQLite file lives
on it); `off_loop(fn)` runs a one-off call (a snapshot dump, a keyring call) on the default pool.
Both count the work in flight, so `ManualClock.settle()` (tests) can wait for it instead of guessing.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_in_flight = 0


def busy() -> bool:
    """True while some disk work started from a loop has not come back yet."""
    return _in_flight > 0


async def _run(executor: ThreadPoolExecutor | None, call: Callable[[], T]) -> T:
    global _in_flight
    _in_flight += 1
    try:
        return await asyncio.get_running_loop().run_in_executor(executor, call)
    finally:
        _in_flight -= 1


async def off_loop(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`fn(*args, **kwargs)` on a worker thread; the loop keeps running meanwhile."""
    return await _run(None, functools.partial(fn, *args, **kwargs))


class DiskWorker:
    """One thread for one component's disk work: calls run one at a time, in the order they came."""

    def __init__(self, name: str) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`fn(*args, **kwargs)` on this worker's thread, after everything submitted before it."""
        return await _run(self._executor, functools.partial(fn, *args, **kwargs))

    def shutdown(self) -> None:
        """Finish what was submitted, then end the thread."""
        self._executor.shutdown(wait=True)
