"""The rate budget: how many requests the API key may still send in this one-minute window.

The server reports its budget on every authenticated answer (`X-RateLimit-Limit`, `-Remaining`,
`-Reset` as an ISO-8601 UTC time) and, on a 429, how long to wait (`Retry-After`, integer seconds or
an HTTP date). `SetyClient` feeds every answer to its `RateBudget` and awaits `acquire()` before every
request, so it never sends a request the budget says will be refused.

API (all times are aware UTC datetimes on this machine's clock; durations are seconds)::

    budget = RateBudget(reserve=5)          # keep 5 requests per window for user actions
    client_a = SetyClient(url, key, budget=budget)
    client_b = SetyClient(url, key, budget=budget)   # same key: share one budget

    budget.limit, budget.remaining          # int | None (None until the first answer)
    budget.reset_at                         # datetime | None: when the window starts again
    budget.blocked_until                    # datetime | None: set by a 429's Retry-After
    budget.seconds_until_reset(now=None)    # float, 0.0 when unknown or past
    budget.available(user=False)            # int | None: requests that may be sent now
    budget.delay(user=False)                # float: seconds to wait before the next request
    await budget.acquire(user=False)        # wait if needed, then count one request
    budget.update(headers, status=200)      # what the client calls with each answer

`reserve` requests of every window are kept for user actions: background callers (`user=False`, the
poller's GETs) see `remaining - reserve`; user actions (`user=True`, every write the client sends)
may use the whole `remaining`. When the window is spent, `acquire` waits until `reset_at`; after a
429 it waits until `blocked_until` (from `Retry-After`), then lets requests through again until an
answer reports the new count. Within one window the count only goes down (answers that arrive
out of order cannot raise it); when `reset_at` passes, `remaining` starts again from `limit`.

The server's clock may differ from ours: when an answer carries a `Date` header at least 2 s away
from the local clock, `reset_at` and HTTP-date `Retry-After` values are shifted by that difference.

Use one budget from one event loop (it is not thread-safe). `clock` and `sleep` are injectable for tests.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

__all__ = ["WINDOW_SECONDS", "Clock", "RateBudget", "Sleep", "parse_reset", "parse_retry_after", "utc_now"]

log = logging.getLogger(__name__)

WINDOW_SECONDS = 60.0
"""Length of a rate-limit window (the plans allow N requests a minute)."""

_MIN_SKEW = timedelta(seconds=2)  # below this, the Date header's 1 s resolution is noise
_MAX_WAIT = timedelta(days=1)  # a reset or Retry-After further away than this is not believed

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]


def utc_now() -> datetime:
    """The default clock: now, aware UTC."""
    return datetime.now(UTC)


def parse_reset(value: str, now: datetime) -> datetime | None:
    """`X-RateLimit-Reset` as an aware UTC time; None if unreadable.

    The contract sends ISO-8601 (`2026-03-10T14:31:00.000Z`). Tolerated too: epoch seconds
    (a number of 10^9 or more) and a delay in seconds from `now` (a smaller number).
    """
    text = value.strip()
    if len(text) > 64:  # no date or count is this long: never feed it to float() or fromisoformat()
        return None
    try:
        number = float(text)
    except ValueError:
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if not math.isfinite(number) or number < 0:
        return None
    if number >= 1e9:
        return datetime.fromtimestamp(number, UTC) if number < 1e11 else None
    return now + timedelta(seconds=min(number, _MAX_WAIT.total_seconds()))


def parse_retry_after(value: str, now: datetime) -> float | None:
    """`Retry-After` in seconds (never negative): integer seconds or an HTTP date; None if unreadable."""
    text = value.strip()
    if len(text) > 64:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - now).total_seconds())
    return max(0.0, seconds) if math.isfinite(seconds) else None


MAX_HEADER_COUNT = 1_000_000
"""Largest request count believed from a header (plans allow 60–1000 a minute): absurd numbers are
clamped here, so no header can overflow the pacing maths."""


def _header_int(headers: Mapping[str, str], name: str) -> int | None:
    """A count header as an int in [0, MAX_HEADER_COUNT]; None when absent, negative or unreadable."""
    raw = headers.get(name)
    if raw is None:
        return None
    text = raw.strip()
    if not text.isascii() or not text.isdigit():
        log.debug("ignoring unreadable %s header %r", name, raw[:40])
        return None
    if len(text) > len(str(MAX_HEADER_COUNT)):  # never parse 400 digits into a number
        return MAX_HEADER_COUNT
    return min(int(text), MAX_HEADER_COUNT)


class RateBudget:
    """The request budget of one API key, fed by the server's `X-RateLimit-*` and `Retry-After`."""

    def __init__(self, *, reserve: int = 0, clock: Clock = utc_now, sleep: Sleep = asyncio.sleep) -> None:
        self._clock = clock
        self._sleep = sleep
        self._reserve = 0
        self.reserve = reserve
        self._limit: int | None = None
        self._remaining: int | None = None
        self._reset_at: datetime | None = None
        self._blocked_until: datetime | None = None
        self._skew = timedelta(0)  # local clock minus server clock

    def reset(self) -> None:
        """Forget what the server reported (a new key or a new server: its first answer tells again)."""
        self._limit = self._remaining = None
        self._reset_at = self._blocked_until = None
        self._skew = timedelta(0)

    @property
    def reserve(self) -> int:
        """Requests of each window kept for user actions (background callers cannot use them)."""
        return self._reserve

    @reserve.setter
    def reserve(self, value: int) -> None:
        if value < 0:
            raise ValueError("reserve must be zero or more")
        self._reserve = value

    @property
    def limit(self) -> int | None:
        """Requests allowed per window on the plan (60, 300 or 1000); None until the first answer."""
        return self._limit

    @property
    def remaining(self) -> int | None:
        """Requests left in the current window (as of the latest answer and our own sends)."""
        self._roll(self._clock())
        return self._remaining

    @property
    def reset_at(self) -> datetime | None:
        """When the current window ends, on this machine's clock; None until the first answer."""
        self._roll(self._clock())
        return self._reset_at

    @property
    def blocked_until(self) -> datetime | None:
        """Until when a 429's `Retry-After` forbids any request; None when not blocked."""
        self._roll(self._clock())
        return self._blocked_until

    def now(self) -> datetime:
        """The budget's clock (injectable for tests)."""
        return self._clock()

    def seconds_until_reset(self, now: datetime | None = None) -> float:
        """Seconds until the window starts again; 0.0 when unknown."""
        now = now or self._clock()
        self._roll(now)
        if self._reset_at is None:
            return 0.0
        return max(0.0, (self._reset_at - now).total_seconds())

    def available(self, *, user: bool = False, now: datetime | None = None) -> int | None:
        """Requests that may be sent now (`remaining`, minus `reserve` unless `user`); None if unknown."""
        self._roll(now or self._clock())
        if self._remaining is None:
            return None
        return max(0, self._remaining - (0 if user else self._reserve))

    def delay(self, *, user: bool = False, now: datetime | None = None) -> float:
        """Seconds to wait before the next request may be sent (0.0: send now)."""
        now = now or self._clock()
        self._roll(now)
        if self._blocked_until is not None and self._blocked_until > now:
            return (self._blocked_until - now).total_seconds()
        left = self.available(user=user, now=now)
        if left is None or left > 0:
            return 0.0
        if self._reset_at is None:  # a count without a window: assume one minute from now
            self._reset_at = now + timedelta(seconds=WINDOW_SECONDS)
        return max(0.0, (self._reset_at - now).total_seconds())

    async def acquire(self, *, user: bool = False) -> None:
        """Wait until the budget allows one more request, then count it."""
        while (wait := self.delay(user=user)) > 0:
            log.info("rate budget spent; waiting %.1f s before the next request", wait)
            await self._sleep(wait)
        if self._remaining is not None:
            self._remaining = max(0, self._remaining - 1)

    def update(self, headers: Mapping[str, str], *, status: int, now: datetime | None = None) -> None:
        """Take in the budget an answer reports (`headers` are case-insensitive, like httpx's)."""
        now = now or self._clock()
        server_now = self._learn_skew(headers, now)
        limit = _header_int(headers, "X-RateLimit-Limit")
        remaining = _header_int(headers, "X-RateLimit-Remaining")
        raw_reset = headers.get("X-RateLimit-Reset")
        reset = parse_reset(raw_reset, server_now) if raw_reset is not None else None
        reset = reset + self._skew if reset is not None and abs(reset - server_now) < _MAX_WAIT else None
        if limit is not None and limit > 0:
            self._limit = limit
        self._roll(now)
        if remaining is not None:
            same_window = reset is None or (
                self._reset_at is not None and abs(reset - self._reset_at) < timedelta(seconds=1)
            )
            if same_window and self._remaining is not None:
                remaining = min(remaining, self._remaining)
            self._remaining = remaining
        if reset is not None:
            self._reset_at = reset
        elif remaining is not None and self._reset_at is None:
            self._reset_at = now + timedelta(seconds=WINDOW_SECONDS)
        if status == 429:
            self._block(headers, now)

    def retry_after(self, headers: Mapping[str, str], now: datetime | None = None) -> float:
        """Seconds a 429 asks to wait: `Retry-After`, else until the window resets, else one window."""
        now = now or self._clock()
        raw = headers.get("Retry-After")
        if raw is not None:
            seconds = parse_retry_after(raw, self._server_now(headers, now))
            if seconds is not None:
                return min(seconds, _MAX_WAIT.total_seconds())
        if self._reset_at is not None and self._reset_at > now:
            return (self._reset_at - now).total_seconds()
        return WINDOW_SECONDS

    def _block(self, headers: Mapping[str, str], now: datetime) -> None:
        self._remaining = 0
        until = now + timedelta(seconds=self.retry_after(headers, now))
        if self._blocked_until is None or until > self._blocked_until:
            self._blocked_until = until

    def _roll(self, now: datetime) -> None:
        """End a 429 block whose time has come; start a new window when `reset_at` has passed."""
        if self._blocked_until is not None and now >= self._blocked_until:
            self._blocked_until = None
            if self._remaining == 0:
                self._remaining = None  # Retry-After has passed: the next answer tells the count
        if self._reset_at is None or now < self._reset_at:
            return
        windows = math.floor((now - self._reset_at).total_seconds() / WINDOW_SECONDS) + 1
        self._reset_at += timedelta(seconds=windows * WINDOW_SECONDS)
        self._remaining = self._limit

    def _learn_skew(self, headers: Mapping[str, str], now: datetime) -> datetime:
        """The server's "now" (its `Date` header, else ours); remembers a skew of 2 s or more."""
        server_now = self._server_now(headers, now)
        if "Date" in headers:
            skew = now - server_now
            self._skew = skew if _MIN_SKEW <= abs(skew) < _MAX_WAIT else timedelta(0)
        return server_now

    @staticmethod
    def _server_now(headers: Mapping[str, str], now: datetime) -> datetime:
        raw = headers.get("Date")
        if raw is None:
            return now
        try:
            parsed = parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            return now
        parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
        return parsed if abs(parsed - now) < _MAX_WAIT else now  # a day off: a broken header, not skew

    def __repr__(self) -> str:
        return f"RateBudget(limit={self._limit}, remaining={self._remaining}, reset_at={self._reset_at})"
