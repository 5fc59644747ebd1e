"""Connection state: online, degraded, offline with stale-since, 401/402/403 with operator sentences."""

from __future__ import annotations

from datetime import datetime, timedelta

from sety_console.api.errors import (
    AuthenticationError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitedError,
    SetyTimeoutError,
)
from sety_console.core.connection import ConnectionMonitor, ConnectionState

from .factories import T0


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_liveness_follows_the_age_of_the_data_not_the_last_error() -> None:
    """A hung server raises no error: the picture goes amber, then red, from the age of its data alone."""
    monitor = ConnectionMonitor(T0)
    states: list[ConnectionState] = []
    monitor.changed.connect(lambda s: states.append(s.state))
    assert monitor.status.state is ConnectionState.CONNECTING
    monitor.record_success(at(1))
    polled_every = {"incidents": 1.0}
    monitor.observe_data(at(1), {"incidents": at(1)}, polled_every)
    assert monitor.status.state is ConnectionState.ONLINE
    monitor.observe_data(at(2.5), {"incidents": at(1)}, polled_every)  # 1.5 s old: live
    assert monitor.status.state is ConnectionState.ONLINE
    monitor.observe_data(at(4), {"incidents": at(1)}, polled_every)  # older than twice the interval
    status = monitor.status
    assert status.state is ConnectionState.DEGRADED
    assert status.message.startswith("Data is 3 s old — retrying")
    assert status.stale == {"incidents": at(1)}
    monitor.observe_data(at(17), {"incidents": at(1)}, polled_every)  # past 15 s: offline
    status = monitor.status
    assert status.state is ConnectionState.OFFLINE
    assert status.stale_since == at(1)
    assert status.message.startswith(f"Offline since {at(1).astimezone():%H:%M:%S}")
    assert "your actions are kept and will be sent" in status.message
    assert states == [ConnectionState.ONLINE, ConnectionState.DEGRADED, ConnectionState.OFFLINE]


def test_a_slow_plan_waits_longer_before_calling_the_data_stale() -> None:
    monitor = ConnectionMonitor(T0)
    monitor.record_success(at(0))
    monitor.set_focus("gate", at(0))
    monitor.observe_data(at(9), {"visitors": at(0)}, {"visitors": 6.0})  # the gate polls every 6 s
    assert monitor.status.state is ConnectionState.ONLINE
    monitor.observe_data(at(13), {"visitors": at(0)}, {"visitors": 6.0})
    assert monitor.status.state is ConnectionState.DEGRADED


def test_reconnect_is_announced_once() -> None:
    monitor = ConnectionMonitor(T0)
    reconnects: list[None] = []
    monitor.reconnected.connect(reconnects.append)
    monitor.record_success(at(1))
    monitor.observe_data(at(1), {"incidents": at(1)}, {"incidents": 1.0})
    for second in (2, 3, 4):
        monitor.record_failure(SetyTimeoutError(), at(second))
    monitor.observe_data(at(20), {"incidents": at(1)}, {"incidents": 1.0})
    assert monitor.status.state is ConnectionState.OFFLINE
    monitor.record_success(at(21))
    monitor.observe_data(at(21), {"incidents": at(21)}, {"incidents": 1.0})
    monitor.record_success(at(22))
    assert len(reconnects) == 2  # the first success, and the one after the outage
    assert monitor.status.state is ConnectionState.ONLINE
    assert monitor.status.stale_since is None


def test_refused_key_and_suspended_plan_stick_until_a_success() -> None:
    monitor = ConnectionMonitor(T0)
    monitor.record_success(at(1))
    monitor.record_failure(AuthenticationError(status=401), at(2))
    assert monitor.status.state is ConnectionState.UNAUTHORIZED
    assert "refused the API key" in monitor.status.message
    monitor.record_failure(PaymentRequiredError(status=402), at(3))
    assert monitor.status.state is ConnectionState.SUSPENDED
    assert "no API access" in monitor.status.message
    monitor.record_success(at(4))
    assert monitor.status.state is ConnectionState.ONLINE


def test_missing_scope_makes_workspaces_unavailable_and_focus_forbidden() -> None:
    monitor = ConnectionMonitor(T0)
    monitor.record_success(at(1))
    monitor.record_failure(PermissionDeniedError(status=403), at(2), scope="access:read")
    workspaces = monitor.available_workspaces()
    assert workspaces["control-room"] is None
    assert workspaces["map"] is None
    assert "access:read" in (workspaces["gate"] or "")
    assert monitor.status.state is ConnectionState.ONLINE  # the focused control room still works
    monitor.set_focus("gate", at(3))
    assert monitor.status.state is ConnectionState.FORBIDDEN
    assert monitor.status.message.startswith("The gate workspace is not available")
    assert monitor.status.unavailable == {"gate": workspaces["gate"]}


def test_map_needs_either_read_scope_and_supervisor_both() -> None:
    monitor = ConnectionMonitor(T0)
    monitor.record_scope("intel:read", False, at(1))
    workspaces = monitor.available_workspaces()
    assert workspaces["map"] is None
    assert workspaces["supervisor"] is not None
    monitor.record_scope("incidents:read", False, at(1))
    assert monitor.available_workspaces()["map"] is not None
    monitor.record_scope("incidents:write", False, at(1))
    assert not monitor.can_act("control-room")
    assert monitor.can_act("gate")


def test_rate_limited_is_degraded_with_when() -> None:
    monitor = ConnectionMonitor(T0)
    monitor.record_success(at(1))
    monitor.record_failure(RateLimitedError(retry_after=30), at(2))
    assert monitor.status.state is ConnectionState.DEGRADED
    assert "request limit" in monitor.status.message
    monitor.record_success(at(40))
    assert monitor.status.state is ConnectionState.ONLINE
