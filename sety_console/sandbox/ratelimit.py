"""Per-key request limits in fixed one-minute windows, with the contract's `X-RateLimit-*` headers."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sety_console.api.models import format_timestamp

WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class RateDecision:
    """The outcome of counting one request."""

    allowed: bool
    limit: int
    remaining: int
    reset_at: datetime
    now: datetime

    def headers(self) -> dict[str, str]:
        """`X-RateLimit-Limit`, `-Remaining` and `-Reset` (ISO time the window ends)."""
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": format_timestamp(self.reset_at),
        }

    @property
    def retry_after_seconds(self) -> int:
        """Whole seconds until the window resets (at least 1), for `Retry-After`."""
        return max(1, math.ceil((self.reset_at - self.now).total_seconds()))


class RateLimiter:
    """Counts requests per key in fixed windows aligned on the minute; safe across threads.

    A refused request does not count, so `remaining` stays at 0 until the window resets.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[datetime, int]] = {}

    def hit(self, key_id: str, limit: int, now: datetime) -> RateDecision:
        start = now.astimezone(UTC).replace(second=0, microsecond=0)
        reset_at = start + WINDOW
        with self._lock:
            window_start, count = self._windows.get(key_id, (start, 0))
            if window_start != start:
                count = 0
                if len(self._windows) > 10_000:
                    self._forget_old(start)
            allowed = count < limit
            if allowed:
                count += 1
            self._windows[key_id] = (start, count)
        return RateDecision(allowed, limit, max(0, limit - count), reset_at, now)

    def reset(self) -> None:
        """Forget every window (tests)."""
        with self._lock:
            self._windows.clear()

    def _forget_old(self, current: datetime) -> None:
        for key in [k for k, (start, _) in self._windows.items() if start != current]:
            del self._windows[key]
