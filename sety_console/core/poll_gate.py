"""How often the poller may poll incidents: a floor between two incident polls, and "poll now".

A console leaves the floor at 0 (the rate budget alone paces it). A control-room hub that receives
Sety's webhooks stretches it (changes arrive pushed; polling is the safety net) and tightens it again
when the webhooks stop or a gap is seen, asking for a poll at once.
"""

from __future__ import annotations

import asyncio

from .clock import Clock, sleep_or_wake

NAP_MAX_S = 1.0
"""A waiting poller looks again at least this often (a side area may have come due meanwhile)."""


class IncidentGate:
    """The floor between incident polls (`floor_s`) and the wake-up for an immediate one."""

    def __init__(self) -> None:
        self.floor_s = 0.0
        self._now = False
        self._wake = asyncio.Event()

    def poll_now(self) -> None:
        """The next step polls incidents at once, whatever the floor (a gap was seen)."""
        self._now = True
        self._wake.set()

    def wait_s(self, last_poll: float | None, now: float) -> float:
        """Seconds until the next incident poll may go (0.0: now)."""
        if self._now or self.floor_s <= 0 or last_poll is None:
            return 0.0
        return max(0.0, last_poll + self.floor_s - now)

    def passed(self) -> None:
        """An incident poll is starting."""
        self._now = False

    async def nap(self, clock: Clock, seconds: float) -> None:
        """Sleep `seconds` (at most `NAP_MAX_S`), or less if `poll_now()` is called meanwhile."""
        self._wake.clear()
        await sleep_or_wake(clock, min(seconds, NAP_MAX_S), self._wake)
