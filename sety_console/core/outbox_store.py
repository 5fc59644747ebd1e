"""The outbox's SQLite file: every user action is committed here before anything is sent.

One row per action; every state change is one committed UPDATE (WAL, `synchronous=FULL`), so a crash
at any instant leaves each action either pending, sending (the outcome unknown: checked on replay),
done or failed. A lock file keeps a second console on the same data folder from replaying the same
actions twice.

Blocking by design: the `Outbox` calls it on its own disk thread (`offload.DiskWorker`), never on the
event loop's. A database locked by another program is waited for (up to `LOCK_PATIENCE_S`), so an
action typed meanwhile is saved once the lock goes, not refused.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any, TypeVar

from .actions import ActionKind, ActionState, OutboxEntry, Settlement
from .storage import StorageError, describe_sqlite_error, open_database

log = logging.getLogger(__name__)
T = TypeVar("T")

OUTBOX_FILE = "outbox.sqlite3"
LOCK_PATIENCE_S = 30.0
"""How long a write waits for a database another program has locked before it is reported failed."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    action_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    target_id TEXT,
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    result TEXT,
    updated_at TEXT,
    next_attempt_at TEXT,
    needs_check INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS outbox_open ON outbox (state) WHERE state IN ('pending', 'sending');
CREATE INDEX IF NOT EXISTS outbox_target ON outbox (target_id);
"""
_ADDED_COLUMNS = {  # columns newer versions added; older files get them on open
    "idempotency_key": "TEXT NOT NULL DEFAULT ''",
    "last_sent_at": "TEXT",
    "settled_by": "TEXT",
}

_COLUMNS = (
    "action_id, kind, payload, target_id, state, created_at, created_by, attempts, error, result, "
    "updated_at, next_attempt_at, needs_check, idempotency_key, last_sent_at, settled_by"
)
_COUNT = len(_COLUMNS.split(","))


class OutboxStorageError(StorageError):
    """The outbox could not save an action (disk full, database locked, no permission)."""


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _row(entry: OutboxEntry) -> tuple[Any, ...]:
    return (
        entry.action_id,
        entry.kind.value,
        json.dumps(entry.payload),
        entry.target_id,
        entry.state.value,
        entry.created_at.isoformat(),
        entry.created_by,
        entry.attempts,
        entry.error,
        json.dumps(entry.result) if entry.result is not None else None,
        _iso(entry.updated_at),
        _iso(entry.next_attempt_at),
        int(entry.needs_check),
        entry.idempotency_key,
        _iso(entry.last_sent_at),
        entry.settled_by.value if entry.settled_by else None,
    )


def _entry(row: tuple[Any, ...]) -> OutboxEntry:
    return OutboxEntry(
        action_id=row[0],
        kind=ActionKind(row[1]),
        payload=json.loads(row[2]),
        target_id=row[3],
        state=ActionState(row[4]),
        created_at=datetime.fromisoformat(row[5]),
        created_by=row[6],
        attempts=row[7],
        error=row[8],
        result=json.loads(row[9]) if row[9] is not None else None,
        updated_at=_time(row[10]),
        next_attempt_at=_time(row[11]),
        needs_check=bool(row[12]),
        idempotency_key=row[13] or "",
        last_sent_at=_time(row[14]),
        settled_by=Settlement(row[15]) if row[15] else None,
    )


class OutboxStore:
    """Durable storage of outbox entries in `<data_dir>/outbox.sqlite3` (call it from one thread)."""

    def __init__(
        self, data_dir: Path, *, filename: str = OUTBOX_FILE, patience_s: float = LOCK_PATIENCE_S
    ) -> None:
        self.path = Path(data_dir) / filename
        self.patience_s = patience_s
        self._lock_handle = _take_lock(self.path.with_suffix(".lock"))
        try:
            self._db = open_database(self.path, _SCHEMA)
            self._add_missing_columns()
        except (StorageError, sqlite3.Error) as exc:
            self._release_lock()
            raise OutboxStorageError(str(exc)) from exc

    def close(self) -> None:
        self._db.close()
        self._release_lock()

    def _add_missing_columns(self) -> None:
        present = {row[1] for row in self._db.execute("PRAGMA table_info(outbox)")}
        for name, definition in _ADDED_COLUMNS.items():
            if name not in present:
                self._db.execute(f"ALTER TABLE outbox ADD COLUMN {name} {definition}")

    @contextmanager
    def _errors(self) -> Iterator[sqlite3.Connection]:
        try:
            yield self._db
        except sqlite3.Error as exc:
            raise OutboxStorageError(describe_sqlite_error(exc, self.path)) from exc

    def _patiently(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work`; while another program holds the database locked, wait and try again.

        Blocking on purpose: the outbox calls its store only on its disk worker's thread
        (`core/offload.DiskWorker`), never on the event loop (`benchmarks/bench_outbox_lock.py`)."""
        deadline = time.monotonic() + self.patience_s
        waited = False
        while True:
            try:
                with self._errors() as db:
                    return work(db)
            except OutboxStorageError as exc:
                locked = isinstance(exc.__cause__, sqlite3.OperationalError) and _is_lock(exc.__cause__)
                if not locked or time.monotonic() >= deadline:
                    raise
                if not waited:
                    log.warning(
                        "%s is locked by another program; waiting up to %.0f s", self.path, self.patience_s
                    )
                    waited = True
                time.sleep(0.2)

    def _execute(self, sql: str, values: tuple[Any, ...] = ()) -> None:
        self._patiently(lambda db: db.execute(sql, values))

    def _select(self, where: str, values: tuple[Any, ...] = ()) -> list[OutboxEntry]:
        sql = f"SELECT {_COLUMNS} FROM outbox {where}"
        return [_entry(row) for row in self._patiently(lambda db: db.execute(sql, values).fetchall())]

    def insert(self, entry: OutboxEntry) -> None:
        """Commit a new entry (returns only once it is on disk)."""
        self._execute(f"INSERT INTO outbox ({_COLUMNS}) VALUES ({', '.join('?' * _COUNT)})", _row(entry))

    def update(self, entry: OutboxEntry) -> None:
        """Commit the new state of an existing entry."""
        assignments = ", ".join(f"{c.strip()} = ?" for c in _COLUMNS.split(",")[1:])
        self._execute(
            f"UPDATE outbox SET {assignments} WHERE action_id = ?", (*_row(entry)[1:], entry.action_id)
        )

    def get(self, action_id: str) -> OutboxEntry | None:
        found = self._select("WHERE action_id = ?", (action_id,))
        return found[0] if found else None

    def open_entries(self) -> list[OutboxEntry]:
        """Pending and sending entries, oldest first."""
        return self._select("WHERE state IN ('pending', 'sending') ORDER BY seq")

    def recent(self, limit: int = 200) -> list[OutboxEntry]:
        """The latest entries of any state, newest first."""
        return self._select("ORDER BY seq DESC LIMIT ?", (limit,))

    def done_results(self, kind: ActionKind, since: datetime) -> list[dict[str, Any]]:
        """Results of the actions of `kind` delivered since `since` (what a look-up must not claim)."""
        sql = (
            "SELECT result FROM outbox "
            "WHERE kind = ? AND state = 'done' AND result IS NOT NULL AND updated_at >= ?"
        )
        rows = self._patiently(lambda db: db.execute(sql, (kind.value, since.isoformat())).fetchall())
        return [json.loads(row[0]) for row in rows]

    def settlements(self) -> dict[str, int]:
        """How many actions ended each way: done ones by `Settlement`, plus `failed` and `open`."""
        sql = (
            "SELECT CASE WHEN state = 'done' THEN COALESCE(settled_by, 'sent') "
            "WHEN state = 'failed' THEN 'failed' ELSE 'open' END, COUNT(*) FROM outbox GROUP BY 1"
        )
        return {str(k): int(v) for k, v in self._patiently(lambda db: db.execute(sql).fetchall())}

    def _release_lock(self) -> None:
        if self._lock_handle is not None:
            _drop_lock(self._lock_handle)
            self._lock_handle = None


def _is_lock(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _take_lock(path: Path) -> IO[bytes] | None:
    """Hold an exclusive lock on `path` for the outbox's lifetime (released by the OS on a crash)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+b")  # noqa: SIM115 - held open on purpose until close()
    try:
        if os.name == "nt":  # pragma: no cover - exercised on Windows builds
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined,unused-ignore]
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        handle.close()
        raise OutboxStorageError(
            f"Another Sety Console is already using {path.parent} — close it first, so that no action "
            "is sent twice."
        ) from exc
    return handle


def _drop_lock(handle: IO[bytes]) -> None:
    try:
        if os.name != "nt":
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    finally:
        handle.close()
