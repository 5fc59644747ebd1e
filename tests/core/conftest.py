"""Fixtures of the core's tests: a manual clock, the fake API, clients and sessions wired to both."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import pytest_asyncio

from sety_console.api import RateBudget, RetryPolicy, SetyClient
from sety_console.core.clock import ManualClock
from sety_console.core.session import ConsoleSession

from .fake_api import BASE_URL, KEY, FakeApi, FaultyTransport


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def api(clock: ManualClock) -> FakeApi:
    return FakeApi(clock)


@pytest.fixture
def transport(api: FakeApi, clock: ManualClock) -> FaultyTransport:
    return FaultyTransport(api.handle, clock)


def make_client(transport: FaultyTransport, clock: ManualClock) -> SetyClient:
    """A client on the fake API whose budget and retries run on the manual clock (no client retries)."""
    budget = RateBudget(clock=clock.now, sleep=clock.sleep)
    return SetyClient(BASE_URL, KEY, transport=transport, budget=budget, retry=RetryPolicy.never())


@pytest_asyncio.fixture
async def client(transport: FaultyTransport, clock: ManualClock) -> AsyncIterator[SetyClient]:
    async with make_client(transport, clock) as sety:
        yield sety


SessionFactory = Callable[..., ConsoleSession]


@pytest_asyncio.fixture
async def make_session(
    client: SetyClient, clock: ManualClock, tmp_path: Path
) -> AsyncIterator[SessionFactory]:
    """Build sessions on the fake API; every one is closed at the end of the test."""
    made: list[ConsoleSession] = []

    def build(**kwargs: object) -> ConsoleSession:
        options: dict[str, object] = {
            "data_dir": tmp_path / "data",
            "operator_name": "Op Ada",
            "clock": clock,
        }
        options.update(kwargs)
        session = ConsoleSession(client, **options)  # type: ignore[arg-type]
        made.append(session)
        return session

    yield build
    for session in made:
        await session.close()  # idempotent: tests may have closed it already
