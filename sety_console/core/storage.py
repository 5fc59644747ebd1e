"""Local SQLite files of the core (outbox, alert acknowledgements): opened durably, errors in words.

Databases use WAL with `synchronous=FULL` (a committed row survives a power cut) and a short busy
timeout. Any sqlite or OS failure becomes a `StorageError` that says what happened and what to do,
because a full disk or a database locked by another program must be reported, never swallowed.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from pathlib import Path

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 2000


class StorageError(Exception):
    """The console could not write (or read) one of its local files; `str()` is for an operator."""


def describe_sqlite_error(exc: BaseException, path: Path) -> str:
    """One sentence for an operator about a failed local write."""
    text = str(exc).lower()
    if "full" in text or "no space" in text:
        return f"The disk holding {path} is full — free some space; new work cannot be saved until then."
    if "locked" in text or "busy" in text:
        return (
            f"{path} is locked by another program (is a second Sety Console running?) — close it and retry."
        )
    if "readonly" in text or "read-only" in text or "permission" in text:
        return f"{path} cannot be written (read-only or no permission) — check the data folder's permissions."
    if "malformed" in text or "not a database" in text:
        return f"{path} is damaged — move it aside and restart; contact support to recover its content."
    return f"Could not save to {path}: {exc}."


def open_database(path: Path, schema: str) -> sqlite3.Connection:
    """Open (creating if needed) a durable SQLite file and apply `schema` (idempotent DDL)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except (sqlite3.Error, OSError) as exc:
        raise StorageError(describe_sqlite_error(exc, path)) from exc
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        connection.executescript(schema)
    except sqlite3.Error as exc:
        with contextlib.suppress(sqlite3.Error):
            connection.close()
        raise StorageError(describe_sqlite_error(exc, path)) from exc
    return connection
