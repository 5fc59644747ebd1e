"""A workstation's own records of a shift: the audit trail (what operators did) and the alarm history
(when alarms were raised and cleared, who acknowledged or shelved them), both in the profile folder.

The console reads them through its open logs (`ConsoleSession.records`); the headless
`sety-console report` opens the same files from the server's profile folder (`ShiftRecords.open`),
so both report the same data. Reading never creates a file: a profile without one says so.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Protocol

from .alarm_log import SqliteAlarmLog
from .alarm_records import AlarmRecord
from .audit import AuditEntry, AuditLog

__all__ = ["ALARM_FILE", "AUDIT_FILE", "ShiftRecordSource", "ShiftRecords"]

AUDIT_FILE = "audit.sqlite3"
ALARM_FILE = "alerts.sqlite3"


class ShiftRecordSource(Protocol):
    """What the handover and the alarm KPIs read (None: this source has no such record)."""

    async def audit_entries(self, since: datetime, until: datetime) -> list[AuditEntry] | None: ...

    async def alarm_records(self, since: datetime, until: datetime) -> list[AlarmRecord] | None: ...


class ShiftRecords:
    """The audit trail and the alarm log of one profile; either may be missing (None)."""

    def __init__(
        self, audit: AuditLog | None, alarm_log: SqliteAlarmLog | None, *, owned: bool = False
    ) -> None:
        self._audit = audit
        self._alarm_log = alarm_log
        self._owned = owned

    @classmethod
    def open(cls, profile_dir: Path) -> ShiftRecords:
        """The records in `profile_dir` (the files a console of this server wrote); `close()` after."""
        audit = AuditLog(profile_dir / AUDIT_FILE) if (profile_dir / AUDIT_FILE).is_file() else None
        alarms = SqliteAlarmLog(profile_dir / ALARM_FILE) if (profile_dir / ALARM_FILE).is_file() else None
        return cls(audit, alarms, owned=True)

    async def audit_entries(self, since: datetime, until: datetime) -> list[AuditEntry] | None:
        """Actions taken from `since` to `until` (one line each, oldest first); None without a trail."""
        if self._audit is None:
            return None
        return [e for e in await self._audit.entries(since) if e.acted_at <= until]

    async def alarm_records(self, since: datetime, until: datetime) -> list[AlarmRecord] | None:
        """The alarm records from `since` to `until`, in the order written; None without an alarm log."""
        if self._alarm_log is None:
            return None
        return [r for r in await self._alarm_log.load_since(since) if r.at <= until]

    async def close(self) -> None:
        """Close the files this object opened (the session closes its own logs)."""
        if not self._owned:
            return
        if self._audit is not None:
            await self._audit.close()
        if self._alarm_log is not None:
            await self._alarm_log.close()
