"""`Idempotency-Key` on the writes that declare it: each acts once, however often it is sent.

The contract's rules for servers: the key, a fingerprint of the request and the answer are kept per
organisation and environment (here 48 hours); a repeat with the same request answers the stored
answer with `Idempotent-Replayed: true` and does nothing else; the same key on another request answers
409; a repeat that arrives while the first is still being processed waits for it and is then answered
from the record. The record lives in the write's own transaction:

* `claim(keyed, session)` is the first statement of the write: a known key raises `KeyedRepeat`
  (answered from the record by the app's error handler); otherwise it inserts the key's row and
  flushes, so that a concurrent repeat blocks on the primary key until this transaction ends (then
  fails its own insert and is answered from the record);
* `remember(keyed, session, answer)` is the last one: the answer is committed with the write, so a
  crash can never keep one without the other. A write that fails (404, 409, …) rolls its claim back.

A sandbox started with `honour_idempotency_key=False` ignores the header, like a server that does
not know it (the console must still deliver each action exactly once).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass

from fastapi import Request, Response
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .auth import Caller
from .clock import SandboxClock, to_ms
from .db import Database
from .errors import ApiError, bad_request, error_response
from .tables import IdempotencyRow

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEEP_MS = 48 * 3600 * 1000
"""How long a key is remembered (the contract asks for at least 24 hours)."""
PURGE_EVERY_MS = 3600 * 1000
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


@dataclass(frozen=True, slots=True)
class KeyedWrite:
    """One write sent with an `Idempotency-Key`: who, which key, which request, which success status."""

    org_id: str
    environment: str
    key: str
    fingerprint: str
    status: int
    at_ms: int


class KeyedRepeat(Exception):
    """The key was used before, or is in use right now: answer from the record, act no further."""

    def __init__(self, keyed: KeyedWrite) -> None:
        super().__init__(keyed.key)
        self.keyed = keyed


def claim(keyed: KeyedWrite | None, session: Session) -> None:
    """Reserve the key inside the write's transaction (first statement); see the module docstring."""
    if keyed is None:
        return
    if session.get(IdempotencyRow, (keyed.org_id, keyed.environment, keyed.key)) is not None:
        raise KeyedRepeat(keyed)
    session.add(
        IdempotencyRow(
            org_id=keyed.org_id,
            environment=keyed.environment,
            key=keyed.key,
            fingerprint=keyed.fingerprint,
            status=None,
            answer=None,
            created_at_ms=keyed.at_ms,
        )
    )
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent repeat committed first
        raise KeyedRepeat(keyed) from exc


def remember(keyed: KeyedWrite | None, session: Session, answer: str) -> None:
    """Store the answer with the write (last statement of its transaction)."""
    if keyed is None:
        return
    row = session.get(IdempotencyRow, (keyed.org_id, keyed.environment, keyed.key))
    assert row is not None, "remember() without claim()"
    row.status, row.answer = keyed.status, answer


class IdempotencyLedger:
    """Reads the header of a write and answers repeats from the record."""

    def __init__(self, db: Database, clock: SandboxClock, *, honour: bool = True) -> None:
        self._db = db
        self._clock = clock
        self.honour = honour
        self._last_purge_ms: int | None = None
        self._purge_lock = threading.Lock()

    def keyed(self, request: Request, caller: Caller, body: bytes, status: int) -> KeyedWrite | None:
        """The write's key (None without the header, or when this sandbox ignores it); 400 if malformed."""
        raw = request.headers.get(HEADER)
        if raw is None or not self.honour:
            return None
        if not _KEY.match(raw):
            raise bad_request(HEADER, "must be 1 to 255 printable ASCII characters")
        now_ms = to_ms(self._clock.now())
        self._purge_if_due(now_ms)
        return KeyedWrite(
            org_id=caller.org_id,
            environment=caller.environment,
            key=raw,
            fingerprint=fingerprint(request.method, request.url.path, body),
            status=status,
            at_ms=now_ms,
        )

    def answer(self, repeat: KeyedRepeat) -> Response:
        """The stored answer with `Idempotent-Replayed: true`, or 409 for another request."""
        keyed = repeat.keyed
        with self._db.session() as session:
            row = session.get(IdempotencyRow, (keyed.org_id, keyed.environment, keyed.key))
            stored = None if row is None else (row.fingerprint, row.status, row.answer)
        if stored is None or stored[1] is None or stored[2] is None:
            raise ApiError(409, "A request with this Idempotency-Key is still being processed; send it again")
        if stored[0] != keyed.fingerprint:
            raise ApiError(409, "This Idempotency-Key was already used for a different request")
        return Response(
            stored[2],
            status_code=stored[1],
            media_type="application/json",
            headers={REPLAYED_HEADER: "true"},
        )

    def _purge_if_due(self, now_ms: int) -> None:
        with self._purge_lock:
            if self._last_purge_ms is not None and now_ms - self._last_purge_ms < PURGE_EVERY_MS:
                return
            self._last_purge_ms = now_ms
        with self._db.session() as session:
            cutoff = now_ms - KEEP_MS
            session.execute(delete(IdempotencyRow).where(IdempotencyRow.created_at_ms < cutoff))


async def answer_repeat(request: Request, exc: Exception) -> Response:
    """The app's handler of `KeyedRepeat`: the record's answer, or the `Error` body of a 409."""
    assert isinstance(exc, KeyedRepeat)
    ledger: IdempotencyLedger = request.app.state.sandbox.idempotency
    try:
        return ledger.answer(exc)
    except ApiError as error:
        return error_response(request, error)


def fingerprint(method: str, path: str, body: bytes) -> str:
    """What makes two requests "the same": method, path and the JSON body in canonical form."""
    try:
        canonical = (
            json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")) if body.strip() else "{}"
        )
    except ValueError:
        canonical = body.decode("utf-8", "replace")
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()
