"""Retries with exponential backoff and full jitter, bounded in count and in total time.

The client retries only requests that are safe to repeat: every GET, Create incident when its body
carries an `idempotency_key`, and writes sent with an `Idempotency-Key` header (after an ambiguous
failure only when the server is known to honour it). Only transient errors are retried (transport
errors, 5xx, 429); a 429 waits at least its `Retry-After`. Every other write is sent once: the core's
outbox decides.
"""

from __future__ import annotations

import asyncio
import logging
import random as _random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from .errors import RateLimitedError, SetyError

__all__ = ["RetryPolicy", "call_with_retries"]

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to retry a request that is safe to repeat.

    Attempt n (1-based) that fails transiently is followed by a pause drawn uniformly from
    `[0, min(max_delay, base_delay * 2**(n-1))]` ("full jitter"; the upper bound itself when `jitter`
    is False), or by the 429's `Retry-After` if that is longer. No attempt starts after `max_attempts`
    attempts or when the pause would end more than `deadline` seconds after the first attempt began.
    `sleep`, `clock` (monotonic seconds) and `random` (uniform in [0, 1)) are injectable for tests.
    """

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    deadline: float = 30.0
    jitter: bool = True
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    clock: Callable[[], float] = time.monotonic
    random: Callable[[], float] = _random.random

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_delay < 0 or self.max_delay < 0 or self.deadline < 0:
            raise ValueError("base_delay, max_delay and deadline must not be negative")

    @classmethod
    def never(cls) -> RetryPolicy:
        """A policy that sends once and never retries."""
        return cls(max_attempts=1)

    def backoff(self, attempt: int) -> float:
        """The pause after failed attempt `attempt` (1-based), before any `Retry-After`."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** min(attempt - 1, 60))
        return ceiling * self.random() if self.jitter else ceiling

    def next_delay(self, error: SetyError, attempt: int, elapsed: float) -> float | None:
        """The pause before the next attempt, or None when `error` must be raised now."""
        if not error.transient or attempt >= self.max_attempts:
            return None
        delay = self.backoff(attempt)
        if isinstance(error, RateLimitedError):
            delay = max(delay, error.retry_after)
        if elapsed + delay > self.deadline:
            return None
        return delay


async def call_with_retries(
    policy: RetryPolicy,
    attempt: Callable[[], Awaitable[T]],
    *,
    what: str,
    may_repeat: Callable[[SetyError], bool] | None = None,
) -> T:
    """Run `attempt` until it succeeds or `policy` gives up, then raise the last error.

    `may_repeat(error)` False stops at that error even if the policy would retry (a keyed write after
    an ambiguous failure, when the server is not known to honour the key). The error raised is marked
    `ambiguous` when any attempt may have reached the server, so a caller never mistakes "the last try
    could not connect" for "nothing happened".
    """
    started = policy.clock()
    reached_server = False
    number = 0
    while True:
        number += 1
        try:
            return await attempt()
        except SetyError as error:
            reached_server = reached_server or error.ambiguous
            delay = policy.next_delay(error, number, policy.clock() - started)
            if may_repeat is not None and not may_repeat(error):
                delay = None
            if delay is None:
                error.ambiguous = reached_server
                raise
            log.info("%s failed (%s); retry %d in %.2f s", what, error, number, delay)
            await policy.sleep(delay)
