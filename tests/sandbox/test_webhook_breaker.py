"""The circuit breaker on its own: closed → open after N failures in a row → half-open → closed or open."""

from __future__ import annotations

import pytest

from sety_console.sandbox.webhook_breaker import BreakerState, CircuitBreaker


def test_opens_after_the_threshold_of_failures_in_a_row() -> None:
    breaker = CircuitBreaker(threshold=3, cooldown=10.0)
    assert not breaker.failed(0.0, probe=False)
    assert not breaker.failed(0.0, probe=False)
    assert not breaker.succeeded(probe=False)  # a success in between starts the count again
    assert [breaker.failed(1.0, probe=False) for _ in range(3)] == [False, False, True]
    assert breaker.state(1.0) is BreakerState.OPEN
    assert not breaker.failed(2.0, probe=False)  # an attempt sent before it opened: no new cool-down
    assert breaker.state(10.9) is BreakerState.OPEN
    assert breaker.state(11.0) is BreakerState.HALF_OPEN


def test_half_open_after_the_cooldown_then_a_probe_decides() -> None:
    breaker = CircuitBreaker(threshold=1, cooldown=10.0)
    breaker.failed(0.0, probe=False)
    assert breaker.state(9.9) is BreakerState.OPEN
    assert breaker.state(10.0) is BreakerState.HALF_OPEN
    breaker.begin_probe()
    assert breaker.probing
    assert breaker.failed(10.5, probe=True)  # the probe failed: open for another cool-down
    assert not breaker.probing
    assert breaker.state(20.0) is BreakerState.OPEN
    assert breaker.state(20.5) is BreakerState.HALF_OPEN
    breaker.begin_probe()
    assert breaker.succeeded(probe=True)
    assert (breaker.state(20.6), breaker.failures, breaker.probing) == (BreakerState.CLOSED, 0, False)


def test_a_probe_without_a_verdict_lets_the_next_one_probe() -> None:
    breaker = CircuitBreaker(threshold=1, cooldown=1.0)
    breaker.failed(0.0, probe=False)
    breaker.begin_probe()
    breaker.abandon_probe()
    assert (breaker.state(1.0), breaker.probing) == (BreakerState.HALF_OPEN, False)


def test_needs_a_threshold() -> None:
    with pytest.raises(ValueError, match="at least one"):
        CircuitBreaker(threshold=0, cooldown=1.0)
