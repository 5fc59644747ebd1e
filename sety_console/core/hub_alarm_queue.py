"""Alarm actions taken on this workstation that the control-room hub has not recorded yet.

Each action is written here before it is sent to the hub and removed once the hub confirms it, so an
acknowledgement made while the hub is unreachable (or while this console crashes) is sent again later,
with the time the operator acted, never lost. One small SQLite file per hub profile, on its own disk
thread (the loop's thread never waits for the disk).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

from .alarm_book import AlarmAction, AlarmRecord
from .alarm_model import AlarmReason
from .offload import DiskWorker
from .storage import StorageError, describe_sqlite_error, open_database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS unshared_alarm_actions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    record TEXT NOT NULL
);
"""


def _dump(record: AlarmRecord) -> str:
    return json.dumps(
        {
            "incident_id": record.incident_id,
            "action": record.action.value,
            "reasons": [r.value for r in record.reasons],
            "by": record.by,
            "at": record.at.isoformat(),
            "until": record.until.isoformat() if record.until else None,
            "workstation": record.workstation,
        }
    )


def _load(text: str) -> AlarmRecord:
    raw = json.loads(text)
    return AlarmRecord(
        incident_id=raw["incident_id"],
        action=AlarmAction(raw["action"]),
        reasons=tuple(AlarmReason(r) for r in raw["reasons"]),
        by=raw["by"],
        at=datetime.fromisoformat(raw["at"]),
        until=datetime.fromisoformat(raw["until"]) if raw.get("until") else None,
        workstation=raw.get("workstation", ""),
    )


class UnsharedAlarmActions:
    """`add` before sending, `remove` once the hub has it; `pending()` lists what is still to send."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._worker = DiskWorker("hub-alarm-queue")
        self._db: sqlite3.Connection | None = None
        self._closed = False

    async def add(self, record: AlarmRecord) -> int:
        """Keep `record` until the hub confirms it; its number (`StorageError` when the disk refuses)."""
        return await self._worker.run(self._insert, record)

    async def remove(self, seq: int) -> None:
        await self._worker.run(self._execute, "DELETE FROM unshared_alarm_actions WHERE seq = ?", (seq,))

    async def pending(self) -> list[tuple[int, AlarmRecord]]:
        """Every action not yet confirmed by the hub, oldest first."""
        return await self._worker.run(self._pending)

    async def close(self) -> None:
        """Close the file (a second call does nothing)."""
        if self._closed:
            return
        self._closed = True
        await self._worker.run(self._close)
        self._worker.shutdown()

    # --- on the queue's thread ------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = open_database(self._path, _SCHEMA)
        return self._db

    def _execute(self, sql: str, args: tuple[object, ...]) -> sqlite3.Cursor:
        try:
            return self._connection().execute(sql, args)
        except sqlite3.Error as exc:
            raise StorageError(describe_sqlite_error(exc, self._path)) from exc

    def _insert(self, record: AlarmRecord) -> int:
        cursor = self._execute("INSERT INTO unshared_alarm_actions (record) VALUES (?)", (_dump(record),))
        return int(cursor.lastrowid or 0)

    def _pending(self) -> list[tuple[int, AlarmRecord]]:
        rows = self._execute("SELECT seq, record FROM unshared_alarm_actions ORDER BY seq", ()).fetchall()
        return [(int(seq), _load(text)) for seq, text in rows]

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
