"""Settings of one sandbox instance (database, prefix, plans, timings, demo knobs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import httpx

from .clock import SandboxClock

DEFAULT_PLAN_LIMITS: dict[str, int] = {"starter": 60, "growth": 300, "enterprise": 1000}
"""Requests per minute and per key, by plan (contract header `X-RateLimit-Limit`)."""

WEBHOOK_RETRY_DELAYS: tuple[int, ...] = (60, 300, 1800, 7200, 43200)
"""Seconds between attempts of one delivery (6 attempts in all), from `x-sety-webhooks`."""


@dataclass
class SandboxConfig:
    """Everything that makes one sandbox differ from another.

    `database_url` is any SQLAlchemy URL: `sqlite:///path/sandbox.db` (WAL mode is switched on) or
    `postgresql+psycopg://user:pass@host/db`. `clock` defaults to a real-time clock running at
    `speed`; tests pass `SandboxClock.manual(...)` and move time with `advance()`.
    """

    database_url: str
    prefix: str = "/v1/external"
    seed: Literal["demo", "none"] = "none"
    seed_value: int = 7
    speed: float = 1.0
    clock: SandboxClock | None = None
    traffic_per_minute: float = 0.0
    plan_limits: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PLAN_LIMITS))
    tick_seconds: float = 0.5
    """Real seconds between two runs of the responder simulation (ignored with a manual clock)."""
    position_update_seconds: float = 15.0
    """Simulated seconds between two position/ETA updates of a moving responder."""
    webhook_retry_delays: tuple[int, ...] = WEBHOOK_RETRY_DELAYS
    webhook_retry_factor: float = 1.0
    """Multiplies every retry delay and the breaker's cool-down; tests use a tiny factor."""
    webhook_timeout_seconds: float = 10.0
    """Whole-attempt bound from `x-sety-webhooks` (no 2xx within it counts as a failure)."""
    webhook_connect_timeout_seconds: float = 3.0
    """Bound on name resolution plus TCP/TLS connect, so a dead host fails fast."""
    webhook_max_in_flight: int = 32
    """Deliveries on the wire at once, over all endpoints (the worker's HTTP pool has as many)."""
    webhook_endpoint_in_flight: int = 2
    """Deliveries on the wire at once to one endpoint."""
    webhook_breaker_failures: int = 5
    """Consecutive failed attempts that open an endpoint's circuit breaker."""
    webhook_breaker_cooldown_seconds: float = 30.0
    """How long an open breaker refuses before one probe is let through (times the retry factor)."""
    webhook_transport: httpx.AsyncBaseTransport | None = None
    """Transport for webhook deliveries (tests may inject `httpx.MockTransport`)."""
    intel_refresh_seconds: float = 60.0
    """Danger zones are recomputed at most this often (wall seconds) once the history changed."""
    demo_history_count: int = 12_000
    demo_history_days: int = 365
    """A year of service-area history (about 55 incidents a day), so every analytics window has
    data and the 7-, 30-, 90- and 180-day windows a previous period to compare with."""
    responder_count: int = 40
    echo_sql: bool = False
    honour_idempotency_key: bool = True
    """False: ignore the `Idempotency-Key` header, like a server that does not know it (tests)."""

    def make_clock(self) -> SandboxClock:
        """The clock to use: the one given, else a real-time clock at `speed`."""
        return self.clock if self.clock is not None else SandboxClock(speed=self.speed)
