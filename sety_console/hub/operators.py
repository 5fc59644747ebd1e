"""Per-operator hub tokens: issued once, stored as SHA-256 hashes, revocable at once.

A token looks like `sety_hub_<40 hex>`; only its hash is kept. Every request and every open stream
checks the database, so `sety-console hub revoke-operator NAME` (another process) takes effect at once.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from .db import HubDatabase, OperatorRow, now_ms

TOKEN_PATTERN = re.compile(r"^sety_hub_[0-9a-f]{40}$")
NAME_PATTERN = re.compile(r"^[^\x00-\x1f]{1,100}$")


class OperatorError(ValueError):
    """A name or token problem, told in words."""


@dataclass(frozen=True, slots=True)
class Operator:
    name: str
    created_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _from_ms(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value / 1000, UTC)


def _operator(row: OperatorRow) -> Operator:
    created = _from_ms(row.created_at_ms)
    assert created is not None
    return Operator(row.name, created, _from_ms(row.revoked_at_ms))


class OperatorBook:
    """Operators of one hub database."""

    def __init__(self, db: HubDatabase) -> None:
        self._db = db

    def add(self, name: str) -> str:
        """A new token for `name` (a revoked or existing operator gets a fresh one; the old stops)."""
        name = name.strip()
        if not NAME_PATTERN.match(name):
            raise OperatorError("An operator name is 1 to 100 printable characters")
        token = "sety_hub_" + secrets.token_hex(20)
        with self._db.session() as session:
            row = session.get(OperatorRow, name)
            if row is None:
                session.add(OperatorRow(name=name, token_hash=hash_token(token), created_at_ms=now_ms()))
            else:
                row.token_hash, row.revoked_at_ms, row.created_at_ms = hash_token(token), None, now_ms()
        return token

    def revoke(self, name: str) -> None:
        """Refuse `name`'s token from now on (raises OperatorError for an unknown name)."""
        with self._db.session() as session:
            row = session.get(OperatorRow, name)
            if row is None:
                raise OperatorError(f"No operator named {name!r}")
            if row.revoked_at_ms is None:
                row.revoked_at_ms = now_ms()

    def list(self) -> list[Operator]:
        with self._db.session() as session:
            return [_operator(r) for r in session.scalars(select(OperatorRow).order_by(OperatorRow.name))]

    def authenticate(self, token: str | None) -> str | None:
        """The operator's name for a valid, unrevoked token; None otherwise."""
        if not token or not TOKEN_PATTERN.match(token):
            return None
        with self._db.session() as session:
            row = session.scalar(select(OperatorRow).where(OperatorRow.token_hash == hash_token(token)))
            if row is None or row.revoked_at_ms is not None:
                return None
            return row.name

    def invalid_among(self, token_hashes: set[str]) -> set[str]:
        """Which of these token hashes no longer open the hub (revoked, replaced or removed)."""
        if not token_hashes:
            return set()
        with self._db.session() as session:
            rows = session.scalars(select(OperatorRow).where(OperatorRow.token_hash.in_(token_hashes)))
            valid = {r.token_hash for r in rows if r.revoked_at_ms is None}
        return token_hashes - valid
