"""Forwarded reads shared between workstations: one request to Sety for identical reads in flight
or within a few seconds (ten supervisors opening the same analytics cost one request)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from sety_console.api.passthrough import ForwardedAnswer

READ_TTL_S = 5.0


class SharedReads:
    """A small time-limited cache of forwarded GET answers, keyed by path and query."""

    def __init__(self, ttl_s: float = READ_TTL_S, max_entries: int = 500) -> None:
        self._ttl = ttl_s
        self._max = max_entries
        self._answers: dict[str, tuple[float, ForwardedAnswer]] = {}
        self._in_flight: dict[str, asyncio.Future[ForwardedAnswer]] = {}
        self.forwarded: list[str] = []
        """Every read that went to Sety (path?query), oldest first."""

    async def get(
        self, path: str, params: dict[str, str], fetch: Callable[[], Awaitable[ForwardedAnswer]]
    ) -> ForwardedAnswer:
        key = path + "?" + "&".join(f"{k}={v}" for k, v in sorted(params.items()))
        cached = self._answers.get(key)
        if cached is not None and time.monotonic() - cached[0] < self._ttl:
            return cached[1]
        running = self._in_flight.get(key)
        if running is not None:
            return await asyncio.shield(running)
        future: asyncio.Future[ForwardedAnswer] = asyncio.get_running_loop().create_future()
        self._in_flight[key] = future
        try:
            self.forwarded.append(key)
            answer = await fetch()
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # marked as retrieved: the waiters re-raise it
            raise
        except BaseException:
            future.cancel()
            raise
        finally:
            self._in_flight.pop(key, None)
        future.set_result(answer)
        if len(self._answers) >= self._max:
            self._answers.clear()
        self._answers[key] = (time.monotonic(), answer)
        return answer
