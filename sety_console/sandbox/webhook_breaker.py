"""A circuit breaker for one webhook endpoint: stop calling an endpoint that keeps failing.

Closed: attempts go out. After `threshold` failed attempts in a row it opens: for `cooldown`
seconds every due attempt is refused without touching the network. Then it is half-open: one
attempt goes out as a probe while the others wait for its answer; a 2xx closes the breaker, a
failure opens it for another cool-down. Times are the caller's monotonic seconds.
"""

from __future__ import annotations

from enum import Enum


class BreakerState(Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Counts consecutive failures of one endpoint and says whether it may be called now."""

    def __init__(self, threshold: int, cooldown: float) -> None:
        if threshold < 1:
            raise ValueError("the breaker needs a threshold of at least one failure")
        self.threshold = threshold
        self.cooldown = cooldown
        self.failures = 0
        self.probing = False
        self._opened_at: float | None = None

    def state(self, now: float) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if now < self._opened_at + self.cooldown:
            return BreakerState.OPEN
        return BreakerState.HALF_OPEN

    def begin_probe(self) -> None:
        """A half-open breaker sends its one probe."""
        self.probing = True

    def abandon_probe(self) -> None:
        """The probe got no verdict (its delivery was gone): the next due delivery probes."""
        self.probing = False

    def succeeded(self, probe: bool) -> bool:
        """An attempt was answered with a 2xx; True when this closed an open breaker."""
        was_open = self._opened_at is not None
        self.failures = 0
        self._opened_at = None
        if probe:
            self.probing = False
        return was_open

    def failed(self, now: float, probe: bool) -> bool:
        """An attempt failed; True when this (re)opened the breaker."""
        self.failures += 1
        if probe:
            self.probing = False
        if self.failures < self.threshold:
            return False
        reopened = self._opened_at is None or probe
        if reopened:
            self._opened_at = now
        return reopened
