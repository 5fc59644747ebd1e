"""The rate budget: reading the headers, and pacing the client so it never sends a doomed request."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from sety_console.api import RateBudget, RateLimitedError
from sety_console.api.ratelimit import parse_reset, parse_retry_after
from tests.api.conftest import START, FakeClock, FakeServer, Harness, budget_headers, reply
from tests.contract import example

INC = "inc_h3t8w1ne6vb0ys5c"
EMPTY_PAGE = {
    "data": [],
    "pagination": {"page": 1, "limit": 20, "total": 0, "total_pages": 0, "has_more": False},
}


def _at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-10T14:31:00.000Z", _at(60)),
        ("2026-03-10T14:31:00Z", _at(60)),
        ("2026-03-10T15:31:00+01:00", _at(60)),
        ("2026-03-10T14:31:00", _at(60)),
        (str(int(_at(60).timestamp())), _at(60)),  # epoch seconds, tolerated
        ("42", _at(42)),  # a delay in seconds, tolerated
        ("soon", None),
        ("-5", None),
        ("nan", None),
        ("1e300", None),
    ],
)
def test_parse_reset(text: str, expected: datetime | None) -> None:
    assert parse_reset(text, START) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17", 17.0),
        (" 0 ", 0.0),
        ("-3", 0.0),
        ("1.5", 1.5),
        ("Tue, 10 Mar 2026 14:30:30 GMT", 30.0),
        ("Tue, 10 Mar 2026 14:29:00 GMT", 0.0),
        ("tomorrow", None),
        ("inf", None),
    ],
)
def test_parse_retry_after(text: str, expected: float | None) -> None:
    assert parse_retry_after(text, START) == expected


def test_budget_reads_the_documented_headers(harness: Harness) -> None:
    budget = harness.budget()
    assert (budget.limit, budget.remaining, budget.reset_at) == (None, None, None)
    assert budget.delay() == 0.0
    assert budget.seconds_until_reset() == 0.0
    headers = {name.lower(): str(value) for name, value in example("rate-limit-headers").items()}
    budget.update(httpx.Headers(headers), status=200)  # header names in any case
    assert (budget.limit, budget.remaining) == (300, 287)
    assert budget.reset_at == datetime(2026, 3, 10, 14, 31, tzinfo=UTC)
    assert budget.seconds_until_reset() == 60.0
    assert budget.seconds_until_reset(_at(45)) == 15.0


def test_unreadable_headers_are_ignored(harness: Harness) -> None:
    budget = harness.budget()
    budget.update(
        {"X-RateLimit-Limit": "lots", "X-RateLimit-Remaining": "-1", "X-RateLimit-Reset": "?"}, status=200
    )
    assert (budget.limit, budget.remaining, budget.reset_at) == (None, None, None)


def test_within_a_window_the_count_only_goes_down(harness: Harness) -> None:
    budget = harness.budget()
    budget.update(budget_headers(300, 5, _at(60)), status=200)
    budget.update(budget_headers(300, 9, _at(60)), status=200)  # an older answer arriving late
    assert budget.remaining == 5
    budget.update(budget_headers(300, 299, _at(120)), status=200)  # a new window
    assert budget.remaining == 299


def test_a_passed_reset_starts_a_new_window(harness: Harness, clock: FakeClock) -> None:
    budget = harness.budget()
    budget.update(budget_headers(60, 0, _at(20)), status=200)
    assert budget.delay() == 20.0
    clock.advance(20)
    assert budget.remaining == 60
    assert budget.delay() == 0.0
    assert budget.reset_at == _at(80)  # the next window assumed one minute later
    clock.advance(200)  # windows ending at 80, 140, 200, 260: now is 220
    assert budget.reset_at == _at(260)


def test_reserve_is_kept_for_user_actions(harness: Harness) -> None:
    budget = harness.budget(reserve=3)
    budget.update(budget_headers(60, 3, _at(30)), status=200)
    assert budget.available() == 0
    assert budget.available(user=True) == 3
    assert budget.delay() == 30.0
    assert budget.delay(user=True) == 0.0
    with pytest.raises(ValueError):
        budget.reserve = -1


def test_server_clock_skew_is_corrected_with_the_date_header(harness: Harness) -> None:
    budget = harness.budget()
    server_now = START - timedelta(minutes=5)  # the server's clock is 5 minutes behind ours
    headers = budget_headers(60, 10, server_now + timedelta(seconds=30))
    headers["Date"] = server_now.strftime("%a, %d %b %Y %H:%M:%S GMT")
    budget.update(headers, status=200)
    assert budget.reset_at == _at(30)
    assert budget.seconds_until_reset() == 30.0


def test_a_429_blocks_until_retry_after(harness: Harness, clock: FakeClock) -> None:
    budget = harness.budget()
    budget.update({"Retry-After": "12"}, status=429)
    assert budget.blocked_until == _at(12)
    assert budget.remaining == 0
    assert budget.delay(user=True) == 12.0
    clock.advance(12)
    assert budget.blocked_until is None
    assert budget.delay() == 0.0


@pytest.mark.asyncio
async def test_client_waits_for_the_reset_when_the_window_is_spent(
    harness: Harness, server: FakeServer, clock: FakeClock
) -> None:
    sent_at: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent_at.append(clock.elapsed)
        remaining = 0 if len(sent_at) == 1 else 59
        reset = _at(20) if len(sent_at) == 1 else _at(80)
        return httpx.Response(200, json=EMPTY_PAGE, headers=budget_headers(60, remaining, reset))

    server.default = answer
    async with harness.client() as client:
        await client.list_incidents()
        await client.list_incidents()
        assert client.budget.remaining == 59
    assert sent_at == [0.0, 20.0]  # nothing was sent while the budget said it would be refused


@pytest.mark.asyncio
async def test_concurrent_requests_are_counted_before_their_answers(
    harness: Harness, server: FakeServer, clock: FakeClock
) -> None:
    sent_at: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent_at.append(clock.elapsed)
        return httpx.Response(200, json=example("getIncident.response"))

    server.default = answer
    async with harness.client() as client:
        client.budget.update(budget_headers(60, 2, _at(30)), status=200)
        await asyncio.gather(*(client.get_incident(INC) for _ in range(3)))
    assert sent_at == [0.0, 0.0, 30.0]


@pytest.mark.asyncio
async def test_a_shared_budget_paces_every_client_of_the_key(
    harness: Harness, server: FakeServer, clock: FakeClock
) -> None:
    sent_at: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent_at.append(clock.elapsed)
        return httpx.Response(
            200, json=example("getSafetyScore.response"), headers=budget_headers(60, 0, _at(45))
        )

    server.default = answer
    shared = harness.budget()
    async with harness.client(budget=shared) as poller, harness.client(budget=shared) as other:
        assert poller.budget is other.budget is shared
        await poller.get_safety_score(6.5, 3.4)
        await other.get_safety_score(6.5, 3.4)
    assert sent_at == [0.0, 45.0]


@pytest.mark.asyncio
async def test_a_429_on_a_write_makes_the_next_request_wait(
    harness: Harness, server: FakeServer, clock: FakeClock
) -> None:
    sent_at: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent_at.append(clock.elapsed)
        if len(sent_at) == 1:
            return httpx.Response(429, json=example("error-429"), headers={"Retry-After": "9"})
        return httpx.Response(200, json=example("getIncident.response"))

    server.default = answer
    async with harness.client() as client:
        with pytest.raises(RateLimitedError):
            await client.cancel_incident(INC)  # a write: not retried by the client
        await client.get_incident(INC)
    assert sent_at == [0.0, 9.0]


@pytest.mark.asyncio
async def test_health_check_is_not_metered(harness: Harness, server: FakeServer, clock: FakeClock) -> None:
    server.default = reply(200, example("health"))
    async with harness.client() as client:
        client.budget.update(budget_headers(60, 0, _at(50)), status=200)
        await client.health_check()
        assert client.budget.remaining == 0
    assert clock.sleeps == []


def test_default_budget_is_real_and_per_client() -> None:
    from sety_console.api import SetyClient

    first, second = SetyClient("http://127.0.0.1:9", None), SetyClient("http://127.0.0.1:9", None)
    assert isinstance(first.budget, RateBudget)
    assert first.budget is not second.budget
    asyncio.run(first.aclose())
    asyncio.run(second.aclose())


@pytest.mark.parametrize(
    "headers",
    [
        {"Date": "Fri, 31 Dec 9999 23:59:59 GMT", "X-RateLimit-Reset": "42", "X-RateLimit-Remaining": "1"},
        {"Date": "Mon, 01 Jan 0001 00:00:00 GMT", "Retry-After": "Fri, 31 Dec 9999 23:59:59 GMT"},
        {"X-RateLimit-Reset": "0001-01-01T00:00:00Z", "X-RateLimit-Remaining": "0"},
        {"X-RateLimit-Reset": "9999-12-31T23:59:59Z", "Retry-After": "99999999999"},
    ],
)
def test_absurd_times_are_not_believed(headers: dict[str, str], harness: Harness) -> None:
    budget = harness.budget()
    budget.update(headers, status=429)
    assert budget.delay() <= 24 * 3600
    assert budget.reset_at is None or abs(budget.reset_at - START) <= timedelta(days=1)


@pytest.mark.parametrize(
    ("limit", "remaining"),
    [
        ("9" * 400, "9" * 400),
        ("1" + "0" * 5000, "5"),  # longer than int() parses
        ("60", "-" + "9" * 400),
        ("1e400", "inf"),
        ("٣٠٠", "60"),  # Arabic-Indic digits: not ASCII, not believed
    ],
)
def test_absurd_header_numbers_are_clamped_never_overflow(
    harness: Harness, clock: FakeClock, limit: str, remaining: str
) -> None:
    budget = harness.budget()
    budget.update(
        {"X-RateLimit-Limit": limit, "X-RateLimit-Remaining": remaining, "X-RateLimit-Reset": "9" * 400},
        status=200,
    )
    assert budget.limit is None or budget.limit <= 1_000_000
    assert budget.remaining is None or budget.remaining <= 1_000_000
    assert budget.delay() >= 0.0
    budget.update({"Retry-After": "9" * 400}, status=429)
    assert 0 < budget.delay() <= 86_400.0
