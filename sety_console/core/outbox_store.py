"""The outbox's SQLite file: every user action is committed here before anything is sent.

One row per action; every state change is one committed UPDATE (WAL, `synchronous=FULL`), so a crash
at any instant leaves each action either pending, sending (the outcome unknown: checked on replay),
done or failed. A lock file keeps a second console on the same data folder from replaying the same
actions twice.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from .actions import ActionKind, ActionState, OutboxEntry
from .storage import StorageError, describe_sqlite_error, open_database

log = logging.getLogger(__name__)

OUTBOX_FILE = "outbox.sqlite3"

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

_COLUMNS = (
    "action_id, kind, payload, target_id, state, created_at, created_by, attempts, error, result, "
    "updated_at, next_attempt_at, needs_check"
)


class OutboxStorageError(StorageError):
    """The outbox could not save an action (disk full, database locked, no permission)."""


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


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
        updated_at=datetime.fromisoformat(row[10]) if row[10] else None,
        next_attempt_at=datetime.fromisoformat(row[11]) if row[11] else None,
        needs_check=bool(row[12]),
    )


class OutboxStore:
    """Durable storage of outbox entries in `<data_dir>/outbox.sqlite3`."""

    def __init__(self, data_dir: Path, *, filename: str = OUTBOX_FILE) -> None:
        self.path = Path(data_dir) / filename
        self._lock_handle = _take_lock(self.path.with_suffix(".lock"))
        try:
            self._db = open_database(self.path, _SCHEMA)
        except StorageError as exc:
            self._release_lock()
            raise OutboxStorageError(str(exc)) from exc

    def close(self) -> None:
        self._db.close()
        self._release_lock()

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        try:
            yield self._db
        except sqlite3.Error as exc:
            raise OutboxStorageError(describe_sqlite_error(exc, self.path)) from exc

    def insert(self, entry: OutboxEntry) -> None:
        """Commit a new entry (returns only once it is on disk)."""
        with self._writing() as db:
            db.execute(f"INSERT INTO outbox ({_COLUMNS}) VALUES ({', '.join('?' * 13)})", _row(entry))

    def update(self, entry: OutboxEntry) -> None:
        """Commit the new state of an existing entry."""
        assignments = ", ".join(f"{c.strip()} = ?" for c in _COLUMNS.split(",")[1:])
        with self._writing() as db:
            db.execute(
                f"UPDATE outbox SET {assignments} WHERE action_id = ?", (*_row(entry)[1:], entry.action_id)
            )

    def get(self, action_id: str) -> OutboxEntry | None:
        with self._writing() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM outbox WHERE action_id = ?", (action_id,)).fetchone()
        return _entry(row) if row else None

    def open_entries(self) -> list[OutboxEntry]:
        """Pending and sending entries, oldest first."""
        with self._writing() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM outbox WHERE state IN ('pending', 'sending') ORDER BY seq"
            ).fetchall()
        return [_entry(r) for r in rows]

    def recent(self, limit: int = 200) -> list[OutboxEntry]:
        """The latest entries of any state, newest first (for an "outbox" view)."""
        with self._writing() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM outbox ORDER BY seq DESC LIMIT ?", (limit,)).fetchall()
        return [_entry(r) for r in rows]

    def for_target(self, target_id: str) -> list[OutboxEntry]:
        with self._writing() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM outbox WHERE target_id = ? ORDER BY seq", (target_id,)
            ).fetchall()
        return [_entry(r) for r in rows]

    def _release_lock(self) -> None:
        if self._lock_handle is not None:
            _drop_lock(self._lock_handle)
            self._lock_handle = None


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
