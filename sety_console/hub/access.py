"""Who is calling the hub, and may they: hub token → operator, the hub's own rate limit, scopes.

Precedence as the contract's: 401 (token) → 429 (the hub's per-operator limit) → 403 (the org key
lacks the scope, as Sety would answer for that key). Every authenticated answer carries the hub's
`X-RateLimit-*` headers, so a console's pacer works the same against the hub as against Sety.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import Request

from .changelog import iso_ms
from .errors import HubError

WORKSTATION_HEADER = "X-Sety-Workstation"
ACTED_AT_HEADER = "X-Sety-Acted-At"


@dataclass(frozen=True, slots=True)
class Caller:
    operator: str
    workstation: str
    acted_at_ms: int | None


class OperatorLimiter:
    """Fixed one-minute windows per operator (the hub's own limit, far above Sety's)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[int, int]] = {}

    def hit(self, operator: str) -> tuple[bool, dict[str, str]]:
        now = time.time()
        window = int(now // 60)
        with self._lock:
            start, used = self._windows.get(operator, (window, 0))
            if start != window:
                start, used = window, 0
            allowed = used < self.per_minute
            if allowed:
                used += 1
            self._windows[operator] = (start, used)
        reset_ms = (window + 1) * 60_000
        headers = {
            "X-RateLimit-Limit": str(self.per_minute),
            "X-RateLimit-Remaining": str(max(0, self.per_minute - used)),
            "X-RateLimit-Reset": iso_ms(reset_ms),
        }
        if not allowed:
            headers["Retry-After"] = str(max(1, math.ceil(reset_ms / 1000 - now)))
        return allowed, headers


def bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def acted_at(value: str | None) -> int | None:
    """The operator's own time of the action (`X-Sety-Acted-At`, RFC 3339), if sent and sane."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def require(scope: str | None) -> Callable[[Request], Caller]:
    """Dependency: a valid hub token, within the hub's limit, and (if given) a scope the org key has."""

    def dependency(request: Request) -> Caller:
        hub = request.app.state.hub
        name = hub.operators.authenticate(bearer(request.headers.get("authorization")))
        if name is None:
            raise HubError(401)
        allowed, headers = hub.limiter.hit(name)
        request.state.rate_headers = headers
        if not allowed:
            raise HubError(
                429,
                f"Rate limit exceeded: {hub.limiter.per_minute} requests per minute",
                headers={"Retry-After": headers["Retry-After"]},
            )
        if scope is not None:
            scopes = hub.feed.scopes
            if scopes is None:
                raise HubError(
                    503,
                    "The control-room hub is still learning what its Sety key may do",
                    headers={"Retry-After": "2"},
                )
            if not scopes.get(scope, False):
                raise HubError(403, f"API key lacks required scope: {scope}")
        workstation = request.headers.get(WORKSTATION_HEADER, "")[:100]
        when = request.headers.get(ACTED_AT_HEADER) or request.query_params.get("acted_at")
        return Caller(name, workstation, acted_at(when))

    return dependency
