"""Unit tests of the sandbox's building blocks: clock, rate limiter, ids, validation helpers."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from sety_console.sandbox import SandboxClock
from sety_console.sandbox.clock import from_ms, to_ms
from sety_console.sandbox.ids import hash_key, key_prefix, new_api_key, new_id, new_webhook_secret
from sety_console.sandbox.plans import Plan, draw_spec, initial_plan
from sety_console.sandbox.ratelimit import RateLimiter

from .helpers import START


def test_rate_limiter_is_thread_safe() -> None:
    limiter = RateLimiter()
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: limiter.hit("key_a", 500, START).allowed, range(800)))
    assert results.count(True) == 500
    assert limiter.hit("key_a", 500, START + timedelta(minutes=1)).remaining == 499


def test_rate_decision_retry_after_rounds_up() -> None:
    decision = RateLimiter().hit("k", 1, START + timedelta(seconds=59, milliseconds=100))
    assert decision.reset_at == START + timedelta(minutes=1)
    assert decision.retry_after_seconds == 1


def test_manual_clock_runs_listeners_and_only_moves_forward() -> None:
    clock = SandboxClock.manual(START)
    seen: list[datetime] = []
    clock.add_listener(seen.append)
    assert clock.advance(90) == START + timedelta(seconds=90)
    assert seen == [START + timedelta(seconds=90)]
    assert clock.wall() == clock.now()
    with pytest.raises(ValueError):
        clock.advance(-1)
    clock.ensure_not_before(START)  # already later: no change
    assert clock.now() == START + timedelta(seconds=90)


def test_fast_clock_runs_ahead_of_the_wall() -> None:
    clock = SandboxClock(start=START, speed=1000.0)
    later = clock.now()
    assert later >= START
    with pytest.raises(RuntimeError):
        clock.advance(1)
    assert clock.wall().year >= 2024
    with pytest.raises(ValueError):
        SandboxClock(speed=0)


def test_millisecond_round_trip() -> None:
    moment = datetime(2026, 3, 10, 18, 6, 45, 120000, tzinfo=UTC)
    assert from_ms(to_ms(moment)) == moment


def test_identifier_and_secret_formats() -> None:
    assert re.match(r"^inc_[a-z0-9]{16}$", new_id("inc"))
    key = new_api_key("test")
    assert re.match(r"^sety_test_[0-9a-f]{32}$", key)
    assert key_prefix(key) == key[:14]
    assert len(hash_key(key)) == 64
    assert hash_key(key) != key
    assert re.match(r"^whsec_[0-9a-f]{32}$", new_webhook_secret())


def test_plan_round_trips_and_orders_timers() -> None:
    import random

    spec = draw_spec(random.Random(1), "critical", "sos")
    plan = initial_plan(spec, "critical", 1_000_000)
    assert Plan.from_json(plan.to_json()) == plan
    assert plan.earliest() == ("dispatch", 1_001_000)
    assert plan.timers["response_sla"] == 1_060_000
    assert plan.timers["arrival_sla"] == 1_600_000


def test_drawn_plans_are_deterministic_and_mostly_meet_targets() -> None:
    import random

    specs = [draw_spec(random.Random(i), "high", "vehicle") for i in range(400)]
    assert specs[:5] == [draw_spec(random.Random(i), "high", "vehicle") for i in range(5)]
    late = sum(s.assign_after_s > 120 for s in specs)
    assert 0.05 * len(specs) < late < 0.25 * len(specs)
    assert all(s.outcome in {"handled", "referred", "unable_to_locate"} for s in specs)
