"""Connection state: online, degraded, offline with stale-since, 401/402/403 with operator sentences."""

from __future__ import annotations

from datetime import timedelta

from sety_console.api.errors import (
    AuthenticationError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    SetyTimeoutError,
)
from sety_console.core.connection import ConnectionMonitor, ConnectionState

from .factories import T0


def at(seconds: float):
    return T0 + timedelta(seconds=seconds)


def test_starts_connecting_then_online_then_degraded_then_offline() -> None:
    monitor = ConnectionMonitor(T0)
    states: list[ConnectionState] = []
    monitor.changed.connect(lambda s: states.append(s.state))
    assert monitor.status.state is ConnectionState.CONNECTING
    monitor.record_success(at(1))
    monitor.record_failure(SetyTimeoutError(), at(2))
    assert monitor.status.state is ConnectionState.DEGRADED
    monitor.record_failure(ServerError(status=503), at(3))
    monitor.record_failure(SetyTimeoutError(), at(4))
    status = monitor.status
    assert status.state is ConnectionState.OFFLINE
    assert status.stale_since == at(1)
    assert status.message.startswith("Offline since ")
    assert "your actions are kept and will be sent" in status.message
    assert states == [ConnectionState.ONLINE, ConnectionState.DEGRADED, ConnectionState.OFFLINE]


def test_reconnect_is_announced_once() -> None:
    monitor = ConnectionMonitor(T0)
    reconnects: list[None] = []
    monitor.reconnected.connect(reconnects.append)
    monitor.record_success(at(1))
    for second in (2, 3, 4):
        monitor.record_failure(SetyTimeoutError(), at(second))
    monitor.record_success(at(5))
    monitor.record_success(at(6))
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
