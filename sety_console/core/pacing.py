"""Pacing inside the key's rate budget, when several consoles (and this console's own actions) share it.

The server reports, on every answer, how many requests the key has left in the current one-minute window
and when the window ends (`RateBudget`). The pacer spreads what is left evenly over what remains of the
window, keeps a small reserve for user actions (shrinking as the window ends: unspent requests are lost
at the reset anyway), and takes only its fair share when others spend from the same key.

Others are measured, not configured: between two of our own answers `remaining` drops by our one request
plus whatever the others sent. Over a sliding horizon, `drop / own` estimates how many consumers share the
key; the pacer then spends `spendable / consumers`. Every console doing the same converges to equal
shares, and none plans a request the window does not have (so none causes a 429 by its own plan).
"""

from __future__ import annotations

import math
from collections import deque
from datetime import datetime

from sety_console.api.ratelimit import WINDOW_SECONDS, RateBudget

from .clock import Clock

HORIZON_S = 20.0
MIN_INTERVAL_S = 0.25


class SharePacer:
    """When may the next background request go? (`delay()` in seconds; 0 = now)."""

    def __init__(
        self,
        budget: RateBudget,
        clock: Clock,
        *,
        reserve_fraction: float = 0.03,
        min_reserve: int = 2,
        burst_factor: float = 2.0,
    ) -> None:
        self._budget = budget
        self._clock = clock
        self.reserve_fraction = reserve_fraction
        self.min_reserve = min_reserve
        self.burst_factor = burst_factor
        self._samples: deque[tuple[float, int, int]] = deque()  # (monotonic, own, drop)
        self._own_since_sample = 0
        self._last_remaining: int | None = None
        self._last_reset: datetime | None = None
        self._last_sent: float | None = None

    # ------------------------------------------------------------------ observations

    def sent(self) -> None:
        """We are about to send one request."""
        self._own_since_sample += 1
        self._last_sent = self._clock.monotonic()

    def observe(self) -> None:
        """An answer came back: learn how much the others spent since the previous one."""
        remaining, reset_at = self._budget.remaining, self._budget.reset_at
        now = self._clock.monotonic()
        same_window = (
            self._last_reset is not None
            and reset_at is not None
            and abs((reset_at - self._last_reset).total_seconds()) < 1.0
        )
        if same_window and remaining is not None and self._last_remaining is not None:
            drop = max(0, self._last_remaining - remaining)
            self._samples.append((now, self._own_since_sample, max(drop, self._own_since_sample)))
        self._own_since_sample = 0
        self._last_remaining, self._last_reset = remaining, reset_at
        while self._samples and now - self._samples[0][0] > HORIZON_S:
            self._samples.popleft()

    def consumers(self) -> float:
        """Estimated number of equal consumers of the key (1.0 = only us)."""
        own = sum(s[1] for s in self._samples)
        drop = sum(s[2] for s in self._samples)
        return max(1.0, drop / own) if own >= 2 else 1.0

    # ------------------------------------------------------------------ decisions

    def reserve(self, seconds_left: float) -> float:
        """Requests kept back now: a few for user actions, shrinking as the window runs out."""
        limit = self._budget.limit or 0
        base = max(self.min_reserve, math.ceil(limit * self.reserve_fraction))
        floor = max(self._budget.reserve, math.ceil(self.consumers()))
        return max(floor, base * min(1.0, seconds_left / WINDOW_SECONDS))

    def rate(self, share: float = 1.0) -> float:
        """Our allowed requests per second right now (0.0 when the window is spent)."""
        remaining = self._budget.remaining
        if remaining is None:
            return math.inf
        seconds_left = self._budget.seconds_until_reset() or WINDOW_SECONDS
        spendable = remaining - self.reserve(seconds_left)
        if spendable < 1:
            return 0.0
        consumers = self.consumers()
        rate = spendable / seconds_left / consumers * share
        if self._budget.limit:
            rate = min(rate, self.burst_factor * self._budget.limit / WINDOW_SECONDS / consumers)
        return rate

    def delay(self, share: float = 1.0) -> float:
        """Seconds to wait before our next request (0.0: go now)."""
        blocked = self._budget.delay(user=False)
        if blocked > 0:
            return blocked
        rate = self.rate(share)
        if rate == 0.0:
            return self._budget.seconds_until_reset() + 0.05 or 1.0
        if self._last_sent is None or math.isinf(rate):
            return 0.0
        interval = max(MIN_INTERVAL_S, 1.0 / rate)
        return max(0.0, self._last_sent + interval - self._clock.monotonic())

    def interval(self) -> float | None:
        """The planned seconds between our requests now (None before the first answer)."""
        rate = self.rate()
        if math.isinf(rate):
            return None
        return math.inf if rate == 0 else max(MIN_INTERVAL_S, 1.0 / rate)
