"""Fakes for the api tests: a scripted HTTP server behind httpx.MockTransport, and a fake clock."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from sety_console.api import RateBudget, RetryPolicy, SetyClient

BASE_URL = "https://intel-api.sety.io/v1/external"
API_KEY = "sety_test_0123456789abcdef0123456789abcdef"
START = datetime(2026, 3, 10, 14, 30, tzinfo=UTC)

Reply = Callable[[httpx.Request], httpx.Response]


class FakeClock:
    """Time that moves only when something sleeps (or a test advances it)."""

    def __init__(self, start: datetime = START) -> None:
        self.start = start
        self.elapsed = 0.0
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.elapsed)

    def monotonic(self) -> float:
        return self.elapsed

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.elapsed += seconds

    def advance(self, seconds: float) -> None:
        self.elapsed += seconds


def reply(
    status: int = 200,
    body: Any = None,
    *,
    headers: dict[str, str] | None = None,
    content: bytes | None = None,
) -> Reply:
    """A canned answer: JSON `body`, or raw `content`, with `headers`."""

    def answer(request: httpx.Request) -> httpx.Response:
        if content is not None:
            return httpx.Response(status, content=content, headers=headers)
        if body is None:
            return httpx.Response(status, headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    return answer


def fail(exc_type: type[httpx.RequestError], message: str = "boom") -> Reply:
    """An answer that never comes: the transport raises `exc_type`."""

    def answer(request: httpx.Request) -> httpx.Response:
        raise exc_type(message, request=request)

    return answer


def budget_headers(limit: int, remaining: int, reset: datetime) -> dict[str, str]:
    stamp = reset.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{reset.microsecond // 1000:03d}Z"
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": stamp,
    }


@dataclass
class FakeServer:
    """Answers requests from a queue of replies (then `default`), recording every request."""

    default: Reply = field(default_factory=lambda: reply(200, {}))
    requests: list[httpx.Request] = field(default_factory=list)
    replies: deque[Reply] = field(default_factory=deque)

    def queue(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.replies.popleft() if self.replies else self.default
        return answer(request)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    @staticmethod
    def body(request: httpx.Request) -> Any:
        return json.loads(request.content) if request.content else None


@dataclass
class Harness:
    server: FakeServer
    clock: FakeClock

    def client(
        self,
        *,
        budget: RateBudget | None = None,
        retry: RetryPolicy | None = None,
        api_key: str | None = API_KEY,
    ) -> SetyClient:
        return SetyClient(
            BASE_URL,
            api_key,
            transport=httpx.MockTransport(self.server.handler),
            budget=budget or self.budget(),
            retry=retry or self.retry(),
        )

    def budget(self, reserve: int = 0) -> RateBudget:
        return RateBudget(reserve=reserve, clock=self.clock.now, sleep=self.clock.sleep)

    def retry(self, **overrides: Any) -> RetryPolicy:
        settings: dict[str, Any] = {
            "sleep": self.clock.sleep,
            "clock": self.clock.monotonic,
            "random": lambda: 0.5,
        }
        settings.update(overrides)
        return RetryPolicy(**settings)

    @contextmanager
    def no_sleep(self) -> Iterator[None]:
        before = len(self.clock.sleeps)
        yield
        assert self.clock.sleeps[before:] == []


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server() -> FakeServer:
    return FakeServer()


@pytest.fixture
def harness(server: FakeServer, clock: FakeClock) -> Harness:
    return Harness(server, clock)
