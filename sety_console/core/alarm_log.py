"""This workstation's alarm log, append-only in a local SQLite file, written on its own disk thread.

The table is the one earlier versions wrote (`alert_actions`); older names are read as today's
(`snoozed` → shelved, `new_high_priority` → new critical, `sla_breach` → SLA breached). Besides the
operators' actions it holds, one row each, when an alarm was `raised` and `cleared` (action column;
`by` is the operator the console alarmed, `category` the incident's) and when the console `started` and
`stopped` watching the alarms — the alarm history the KPIs read. Columns added since the first version
(`workstation`, `category`) are added to an older file when it is opened. Triggers refuse any UPDATE or
DELETE: the file is a record of what happened.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .alarm_model import AlarmReason
from .alarm_records import AlarmAction, AlarmRecord
from .offload import DiskWorker
from .storage import StorageError, describe_sqlite_error, open_database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alert_actions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id TEXT NOT NULL,
    action TEXT NOT NULL,
    reasons TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    until TEXT
);
CREATE INDEX IF NOT EXISTS alert_actions_incident ON alert_actions (incident_id);
CREATE INDEX IF NOT EXISTS alert_actions_at ON alert_actions (at);
CREATE TRIGGER IF NOT EXISTS alert_actions_no_update BEFORE UPDATE ON alert_actions
BEGIN SELECT RAISE(ABORT, 'the alarm log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS alert_actions_no_delete BEFORE DELETE ON alert_actions
BEGIN SELECT RAISE(ABORT, 'the alarm log is append-only'); END;
"""
log = logging.getLogger(__name__)
_OLD_ACTIONS = {"snoozed": AlarmAction.SHELVED}
_OLD_REASONS = {"new_high_priority": AlarmReason.NEW_CRITICAL, "sla_breach": AlarmReason.SLA_BREACHED}


def _action(value: str) -> AlarmAction:
    return _OLD_ACTIONS.get(value) or AlarmAction(value)


def _reason(value: str) -> AlarmReason:
    return _OLD_REASONS.get(value) or AlarmReason(value)


def _record(row: tuple[Any, ...]) -> AlarmRecord:
    return AlarmRecord(
        incident_id=row[0],
        action=_action(row[1]),
        reasons=tuple(_reason(r) for r in json.loads(row[2])),
        by=row[3],
        at=datetime.fromisoformat(row[4]),
        until=datetime.fromisoformat(row[5]) if row[5] else None,
        workstation=row[6] or "",
        category=row[7] or "",
    )


class SqliteAlarmLog:
    """An `AlarmLog` in `<profile>/alerts.sqlite3`; every call runs on the log's own thread."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._worker = DiskWorker("alarm-log")
        self._db: sqlite3.Connection | None = None

    async def load(self) -> list[AlarmRecord]:
        return await self._worker.run(self._load)

    async def load_since(self, since: datetime) -> list[AlarmRecord]:
        """The records from `since` on (the alarm KPIs read a shift, not years of log)."""
        return await self._worker.run(self._load, since)

    async def append(self, record: AlarmRecord) -> None:
        await self._worker.run(self._insert, record)

    async def close(self) -> None:
        await self._worker.run(self._close)
        self._worker.shutdown()

    # --- on the log's thread --------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = open_database(self._path, _SCHEMA)
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(alert_actions)")}
            for added in ("workstation", "category"):
                if added not in columns:
                    self._db.execute(f"ALTER TABLE alert_actions ADD COLUMN {added} TEXT NOT NULL DEFAULT ''")
        return self._db

    def _insert(self, record: AlarmRecord) -> None:
        try:
            self._connection().execute(
                "INSERT INTO alert_actions (incident_id, action, reasons, by, at, until, workstation,"
                " category) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.incident_id,
                    record.action.value,
                    json.dumps([r.value for r in record.reasons]),
                    record.by,
                    record.at.isoformat(),
                    record.until.isoformat() if record.until else None,
                    record.workstation,
                    record.category,
                ),
            )
        except sqlite3.Error as exc:
            raise StorageError(describe_sqlite_error(exc, self._path)) from exc

    def _load(self, since: datetime | None = None) -> list[AlarmRecord]:
        columns = "incident_id, action, reasons, by, at, until, workstation, category"
        # `at` is ISO text with its offset: the text comparison, a day early, covers any offset
        early = (since - timedelta(days=1)).isoformat() if since is not None else ""
        query = f"SELECT {columns} FROM alert_actions WHERE at >= ? ORDER BY seq"
        try:
            rows = self._connection().execute(query, (early,)).fetchall()
        except sqlite3.Error as exc:
            raise StorageError(describe_sqlite_error(exc, self._path)) from exc
        records = []
        for row in rows:
            if since is not None and datetime.fromisoformat(row[4]) < since:
                continue
            try:
                records.append(_record(row))
            except ValueError:  # an action or reason a newer console wrote: not this version's business
                log.warning("alarm log: skipped a row this version cannot read: %r", row[:3])
        return records

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
