"""Background tasks that cannot silently die: one that ends on its own is logged and started again.

The session's poller, outbox delivery and alert clock are meant to run until the session closes. If
one returns or raises anyway (a bug, an exception nobody foresaw), the supervisor logs it with its
traceback, tells `crashed` listeners (the session shows the picture as degraded), waits a backoff that
grows while the task keeps failing fast, and starts it again; `restarts` counts every restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from .clock import Clock
from .events import Event

log = logging.getLogger(__name__)

RESTART_BASE_S = 1.0
RESTART_MAX_S = 60.0
HEALTHY_AFTER_S = 60.0
"""A task that ran this long before failing counts as healthy: its backoff starts again small."""


@dataclass(frozen=True, slots=True)
class Crash:
    """A supervised task ended on its own: which, why (None when it just returned), how often so far."""

    name: str
    error: BaseException | None
    restarts: int


class TaskSupervisor:
    """Runs named coroutine factories forever (until `stop`), restarting any that ends."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self.restarts: dict[str, int] = {}
        self.crashed: Event[Crash] = Event()

    def spawn(self, name: str, factory: Callable[[], Awaitable[None]]) -> None:
        """Start `factory()` as the task `name`, and again whenever it ends."""
        if name in self._tasks:
            raise ValueError(f"a task named {name!r} is already supervised")
        self.restarts.setdefault(name, 0)
        self._tasks[name] = asyncio.get_running_loop().create_task(self._keep(name, factory), name=name)

    async def stop(self) -> None:
        """Cancel every task and wait until they have ended."""
        tasks, self._tasks = list(self._tasks.values()), {}
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @property
    def names(self) -> list[str]:
        return list(self._tasks)

    async def _keep(self, name: str, factory: Callable[[], Awaitable[None]]) -> None:
        quick_failures = 0
        while True:
            started = self._clock.monotonic()
            error: BaseException | None = None
            try:
                await factory()
                log.error("background task %s ended on its own; starting it again", name)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                error = exc
                log.exception("background task %s failed; starting it again", name)
            self.restarts[name] += 1
            self.crashed.emit(Crash(name, error, self.restarts[name]))
            ran = self._clock.monotonic() - started
            quick_failures = 1 if ran >= HEALTHY_AFTER_S else quick_failures + 1
            await self._clock.sleep(min(RESTART_MAX_S, RESTART_BASE_S * 2.0 ** min(quick_failures - 1, 10)))
