"""The sandbox's notion of time: real time (optionally sped up) or a manual clock tests drive."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

AdvanceListener = Callable[[datetime], None]


class SandboxClock:
    """Simulated time for the responder side, traffic and every timestamp the sandbox writes.

    * Real mode (default): time flows `speed` times as fast as the wall clock, starting from
      `start` (default: now). `speed=1` is plain UTC wall time.
    * Manual mode (`SandboxClock.manual(start)`): time stands still until `advance(seconds)`;
      each advance runs the registered listeners (the responder simulation and the traffic
      generator) synchronously, so a test sees every consequence as soon as `advance` returns.

    `wall()` is the time for things the outside world measures against its own clock (rate-limit
    windows): wall UTC in real mode, the manual time in manual mode.
    """

    def __init__(self, *, start: datetime | None = None, speed: float = 1.0, manual: bool = False) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._lock = threading.RLock()
        self._manual = manual
        self._speed = speed
        self._anchor_sim = _utc(start) if start is not None else datetime.now(UTC)
        self._anchor_mono = time.monotonic()
        self._listeners: list[AdvanceListener] = []

    @classmethod
    def manual(cls, start: datetime | None = None) -> SandboxClock:
        """A clock that moves only when `advance()` is called."""
        return cls(start=start, manual=True)

    @property
    def is_manual(self) -> bool:
        return self._manual

    @property
    def speed(self) -> float:
        return self._speed

    def now(self) -> datetime:
        """Current simulated time (aware UTC, millisecond precision)."""
        with self._lock:
            if self._manual:
                value = self._anchor_sim
            else:
                elapsed = (time.monotonic() - self._anchor_mono) * self._speed
                value = self._anchor_sim + timedelta(seconds=elapsed)
        return value.replace(microsecond=value.microsecond // 1000 * 1000)

    def wall(self) -> datetime:
        """Wall time in real mode, the manual time in manual mode."""
        return self.now() if self._manual else datetime.now(UTC)

    def advance(self, seconds: float) -> datetime:
        """Move a manual clock forward and run the listeners; returns the new time."""
        if not self._manual:
            raise RuntimeError("advance() needs a manual clock (SandboxClock.manual())")
        if seconds < 0:
            raise ValueError("time only moves forward")
        with self._lock:
            self._anchor_sim += timedelta(seconds=seconds)
            listeners = list(self._listeners)
        now = self.now()
        for listener in listeners:
            listener(now)
        return now

    def ensure_not_before(self, moment: datetime) -> None:
        """Jump forward to `moment` if the clock is behind it (keeps restarts monotonic)."""
        with self._lock:
            current = self.now()
            if current < moment:
                self._anchor_sim += _utc(moment) - current

    def add_listener(self, listener: AdvanceListener) -> None:
        """Run `listener(now)` after every manual `advance()`."""
        with self._lock:
            self._listeners.append(listener)

    def remove_listener(self, listener: AdvanceListener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def to_ms(value: datetime) -> int:
    """Milliseconds since the epoch (how the database stores instants)."""
    return round(_utc(value).timestamp() * 1000)


def from_ms(value: int) -> datetime:
    """Aware UTC datetime from epoch milliseconds."""
    return datetime.fromtimestamp(value / 1000, tz=UTC)
