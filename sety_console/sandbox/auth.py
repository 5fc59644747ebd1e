"""API keys: parsing the bearer header, hashed lookup, organisations, scopes, rate limiting.

`require(scope)` is the dependency every authenticated route starts with. It applies the
contract's error precedence for the checks that come before the request body is looked at:
401 (missing/unknown/revoked key) → 402 (suspended organisation) → 429 (rate limit) → 403 (scope).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import Request
from sqlalchemy import select, update

from .clock import to_ms
from .db import Database
from .errors import ApiError
from .ids import hash_key
from .tables import ApiKeyRow, OrganisationRow

if TYPE_CHECKING:
    from .runtime import Sandbox

ALL_SCOPES = ("incidents:read", "incidents:write", "access:read", "access:write", "intel:read", "admin")
KEY_PATTERN = re.compile(r"^sety_(live|test)_[0-9a-f]{32}$")
LAST_USED_FLUSH_MS = 30_000


@dataclass(frozen=True)
class Caller:
    """Who is calling: the key, its organisation and environment, what it may do."""

    key_id: str
    org_id: str
    environment: str
    scopes: frozenset[str]
    rate_limit: int


@dataclass
class _CachedKey:
    key_id: str
    org_id: str
    environment: str
    scopes: frozenset[str]


class KeyRegistry:
    """Looks keys up by their SHA-256 hash, with an in-memory cache invalidated on every change."""

    def __init__(self, db: Database, plan_limits: dict[str, int]) -> None:
        self._db = db
        self._plan_limits = plan_limits
        self._lock = threading.Lock()
        self._keys: dict[str, _CachedKey] = {}
        self._orgs: dict[str, tuple[str, bool]] = {}
        self._last_used: dict[str, int] = {}
        self._flushed: dict[str, int] = {}

    def authenticate(self, authorization: str | None, now_ms: int) -> Caller:
        """The caller behind an `Authorization: Bearer …` header, or 401/402."""
        token = _bearer(authorization)
        if token is None or not KEY_PATTERN.match(token):
            raise ApiError(401)
        key = self._lookup(hash_key(token))
        if key is None:
            raise ApiError(401)
        plan, suspended = self._organisation(key.org_id)
        if suspended or plan not in self._plan_limits:
            raise ApiError(402)
        self._touch(key.key_id, now_ms)
        return Caller(key.key_id, key.org_id, key.environment, key.scopes, self._plan_limits[plan])

    def last_used(self, key_id: str) -> int | None:
        """Most recent use of a key seen by this process (fresher than the stored value)."""
        return self._last_used.get(key_id)

    def forget_key(self, key_hash: str | None = None) -> None:
        """Drop cached keys (all of them, or one by hash) after a revocation."""
        with self._lock:
            if key_hash is None:
                self._keys.clear()
            else:
                self._keys.pop(key_hash, None)

    def forget_org(self, org_id: str) -> None:
        with self._lock:
            self._orgs.pop(org_id, None)

    def _lookup(self, key_hash: str) -> _CachedKey | None:
        with self._lock:
            cached = self._keys.get(key_hash)
        if cached is not None:
            return cached
        with self._db.session() as session:
            row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.key_hash == key_hash))
            if row is None or row.revoked:
                return None
            cached = _CachedKey(row.key_id, row.org_id, row.environment, frozenset(row.scopes.split()))
        with self._lock:
            self._keys[key_hash] = cached
        return cached

    def _organisation(self, org_id: str) -> tuple[str, bool]:
        with self._lock:
            cached = self._orgs.get(org_id)
        if cached is not None:
            return cached
        with self._db.session() as session:
            row = session.get(OrganisationRow, org_id)
            value = (row.plan, row.suspended) if row is not None else ("", True)
        with self._lock:
            self._orgs[org_id] = value
        return value

    def _touch(self, key_id: str, now_ms: int) -> None:
        with self._lock:
            self._last_used[key_id] = now_ms
            due = now_ms - self._flushed.get(key_id, 0) >= LAST_USED_FLUSH_MS
            if due:
                self._flushed[key_id] = now_ms
        if due:
            with self._db.session() as session:
                session.execute(
                    update(ApiKeyRow).where(ApiKeyRow.key_id == key_id).values(last_used_at_ms=now_ms)
                )


def _bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def sandbox_of(request: Request) -> Sandbox:
    """The sandbox runtime serving this request."""
    return request.app.state.sandbox  # type: ignore[no-any-return]


def require(scope: str) -> Callable[[Request], Caller]:
    """Dependency: authenticate, count against the rate limit, then check `scope`."""

    def dependency(request: Request) -> Caller:
        sandbox = sandbox_of(request)
        caller = sandbox.keys.authenticate(request.headers.get("authorization"), to_ms(sandbox.clock.now()))
        decision = sandbox.rate_limiter.hit(caller.key_id, caller.rate_limit, sandbox.clock.wall())
        headers = decision.headers()
        request.state.rate_headers = headers
        if not decision.allowed:
            retry = {"Retry-After": str(decision.retry_after_seconds)}
            raise ApiError(429, f"Rate limit exceeded: {decision.limit} requests per minute", headers=retry)
        if scope not in caller.scopes:
            raise ApiError(403, f"API key lacks required scope: {scope}")
        return caller

    return dependency
