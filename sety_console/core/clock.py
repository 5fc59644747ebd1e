"""Time for the core: the real clock, and a manual one that tests (and demos) drive by hand.

Everything in the core that waits or timestamps goes through a `Clock`, so a test can run an hour of
polling, backoff and SLA timers in milliseconds and get the same result every time.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

from . import offload


class Clock(Protocol):
    """Wall time (aware UTC), a monotonic counter in seconds, and a sleep on that counter."""

    def now(self) -> datetime: ...

    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The machine's clocks and `asyncio.sleep`."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class ManualClock:
    """A clock that moves only when `advance` is awaited; sleepers wake in deadline order.

    `advance(seconds)` moves time forward step by step, waking each sleeper at its own deadline and
    letting the event loop run the woken tasks (and whatever they schedule) before moving on.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._start = start or datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
        self._elapsed = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self._elapsed)

    def monotonic(self) -> float:
        return self._elapsed

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._elapsed + seconds, next(self._order), future))
        await future

    @property
    def sleepers(self) -> int:
        """How many tasks are waiting on this clock."""
        return sum(1 for _, _, future in self._sleepers if not future.done())

    async def settle(self, rounds: int = 20) -> None:
        """Let the loop run ready tasks (and the disk work they started off the loop) without moving time."""
        for _ in range(rounds):
            await asyncio.sleep(0)
            while offload.busy():  # noqa: ASYNC110 - a worker thread is writing: wait real time for it
                await asyncio.sleep(0.0005)

    async def advance(self, seconds: float) -> None:
        """Move time forward by `seconds`, waking every sleeper whose deadline passes, in order."""
        target = self._elapsed + seconds
        await self.settle()
        while self._sleepers and self._sleepers[0][0] <= target:
            deadline, _, future = heapq.heappop(self._sleepers)
            self._elapsed = max(self._elapsed, deadline)
            if not future.done():
                future.set_result(None)
            await self.settle()
        self._elapsed = target
        await self.settle()

    def set_now(self, when: datetime) -> None:
        """Jump the wall clock (not the monotonic one): simulates a wrong or corrected system time."""
        self._start = when - timedelta(seconds=self._elapsed)


async def sleep_or_wake(clock: Clock, seconds: float, wake: asyncio.Event) -> None:
    """Sleep `seconds` on `clock`, or less if `wake` is set meanwhile (the caller clears it first)."""
    sleeper = asyncio.ensure_future(clock.sleep(seconds))
    waker = asyncio.ensure_future(wake.wait())
    try:
        await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (sleeper, waker):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
