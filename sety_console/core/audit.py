"""The audit trail: every operator action, who took it, on which workstation, when the operator acted and
when the server confirmed it — append-only, in a local SQLite file written on its own disk thread.

An action is recorded twice, never rewritten: `acted` when the operator takes it (an outbox entry is
stored, an alarm is acknowledged) and `confirmed` (or `refused`) when the server answers — which, for
an action taken offline, may be minutes later. `entries()` joins them into one line per action (what the
CSV export and the timeline show); an index in memory answers the ui without touching the disk.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Awaitable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from sety_console.core.local_time import to_local

from .offload import DiskWorker
from .storage import StorageError, describe_sqlite_error, open_database

KEPT_IN_MEMORY = timedelta(days=7)
"""Actions younger than this are loaded at start for the timeline; the file keeps everything."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    action_id TEXT NOT NULL,
    event TEXT NOT NULL,            -- acted | confirmed | refused
    action TEXT NOT NULL,           -- create_incident, add_note, acknowledge, …
    target_id TEXT,
    summary TEXT NOT NULL,
    operator TEXT NOT NULL,
    workstation TEXT NOT NULL,
    at TEXT NOT NULL,
    detail TEXT
);
CREATE INDEX IF NOT EXISTS audit_action ON audit (action_id);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""
CSV_COLUMNS = (
    "action_id", "action", "target_id", "summary", "operator", "workstation",
    "acted_at", "confirmed_at", "outcome", "detail",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One operator action as the trail knows it."""

    action_id: str
    action: str
    target_id: str | None
    summary: str
    operator: str
    workstation: str
    acted_at: datetime
    confirmed_at: datetime | None = None
    outcome: str = "pending"  # pending | confirmed | refused
    detail: str = ""

    @property
    def late_by(self) -> timedelta | None:
        """How long after the operator acted the server confirmed it (None until then)."""
        return self.confirmed_at - self.acted_at if self.confirmed_at else None


class AuditLog:
    """Append-only audit trail of one workstation's profile."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._worker = DiskWorker("audit-log")
        self._db: sqlite3.Connection | None = None
        self._entries: dict[str, AuditEntry] = {}

    async def open(self, now: datetime) -> None:
        """Load the recent actions into memory (for the timelines)."""
        for entry in await self._worker.run(self._read, now - KEPT_IN_MEMORY):
            self._entries[entry.action_id] = entry

    async def close(self) -> None:
        await self._worker.run(self._close)
        self._worker.shutdown()

    def acted(self, entry: AuditEntry) -> Awaitable[None]:
        """The operator took an action: known at once (in memory); await the result for the disk write
        (raises `StorageError` when the disk refuses)."""
        self._entries[entry.action_id] = entry
        return self._worker.run(self._insert, entry.action_id, "acted", entry, entry.acted_at, entry.detail)

    def settled(
        self, action_id: str, at: datetime, *, refused: str | None = None, target_id: str | None = None
    ) -> Awaitable[None]:
        """The server confirmed (or refused, with the reason) an action recorded before; `target_id` names
        what a create made (the new incident). Known at once; await the result for the disk write."""
        entry = self._entries.get(action_id)
        if entry is None or entry.outcome != "pending":
            return _nothing()
        outcome = "refused" if refused is not None else "confirmed"
        settled = replace(
            entry,
            target_id=entry.target_id or target_id,
            confirmed_at=at if refused is None else None,
            outcome=outcome,
            detail=refused or "",
        )
        self._entries[action_id] = settled
        return self._worker.run(self._insert, action_id, outcome, settled, at, refused)

    def for_target(self, target_id: str) -> list[AuditEntry]:
        """Actions on one incident, visit or code, oldest first (from memory)."""
        found = [e for e in self._entries.values() if e.target_id == target_id]
        return sorted(found, key=lambda e: e.acted_at)

    def get(self, action_id: str) -> AuditEntry | None:
        return self._entries.get(action_id)

    async def entries(self, since: datetime | None = None) -> list[AuditEntry]:
        """Every action in the file (since `since`), one line each, oldest first."""
        return await self._worker.run(self._read, since)

    async def export_csv(self, path: Path, since: datetime | None = None) -> int:
        """Write the trail as CSV (times in ISO 8601 with their offset); returns the number of actions."""
        rows = await self.entries(since)
        await self._worker.run(_write_csv, path, rows)
        return len(rows)

    # --- on the log's thread ------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = open_database(self._path, _SCHEMA)
        return self._db

    def _insert(
        self, action_id: str, event: str, entry: AuditEntry, at: datetime, detail: str | None
    ) -> None:
        try:
            self._connection().execute(
                "INSERT INTO audit (action_id, event, action, target_id, summary, operator, workstation, at,"
                " detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    action_id, event, entry.action, entry.target_id, entry.summary, entry.operator,
                    entry.workstation, at.isoformat(), detail,
                ),
            )  # fmt: skip
        except sqlite3.Error as exc:
            raise StorageError(describe_sqlite_error(exc, self._path)) from exc

    def _read(self, since: datetime | None) -> list[AuditEntry]:
        columns = "action_id, event, action, target_id, summary, operator, workstation, at, detail"
        try:
            rows = self._connection().execute(f"SELECT {columns} FROM audit ORDER BY seq").fetchall()
        except sqlite3.Error as exc:
            raise StorageError(describe_sqlite_error(exc, self._path)) from exc
        joined: dict[str, AuditEntry] = {}
        for action_id, event, action, target, summary, operator, workstation, at, detail in rows:
            when = datetime.fromisoformat(at)
            if event == "acted":
                joined[action_id] = AuditEntry(
                    action_id, action, target, summary, operator, workstation, when, detail=detail or ""
                )
            elif action_id in joined:
                settled = replace(joined[action_id], target_id=joined[action_id].target_id or target)
                if event == "confirmed":
                    joined[action_id] = replace(settled, confirmed_at=when, outcome="confirmed")
                else:
                    joined[action_id] = replace(settled, outcome="refused", detail=detail or "")
        entries = sorted(joined.values(), key=lambda e: e.acted_at)
        return [e for e in entries if since is None or e.acted_at >= since]

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


async def _nothing() -> None:
    return None


def _write_csv(path: Path, entries: list[AuditEntry]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        for e in entries:
            writer.writerow(
                [
                    e.action_id, e.action, e.target_id or "", e.summary, e.operator, e.workstation,
                    to_local(e.acted_at).isoformat(timespec="seconds"),
                    to_local(e.confirmed_at).isoformat(timespec="seconds") if e.confirmed_at else "",
                    e.outcome, e.detail,
                ]
            )  # fmt: skip
