"""Alert policy: which incidents ring, until someone acknowledges them; snoozes, mute, and who did what.

An open incident rings for a reason:

* `NEW_HIGH_PRIORITY`: a critical or high SOS or vehicle incident (`rules.is_high_priority`);
* `SLA_BREACH`: its assign or arrive target passed (`rules.sla_clock`, computed locally between polls);
* `SLA_AT_RISK`: the responder's ETA says the arrival target will be missed (before it is).

It rings until acknowledged for that reason (an acknowledgement covers the reasons ringing at that
moment; a later breach rings again). A non-critical alert can be snoozed for 5, 15 or 60 minutes; the
sound can be muted for at most `MAX_MUTE_MINUTES`. Every acknowledgement, snooze and mute is kept in
a local SQLite file with who and when, so a restart neither forgets nor re-rings them. Which sound
plays per category is a ui setting.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path

from sety_console.api.models import Incident, Severity

from .events import Event
from .rules import SlaPhase, is_high_priority, priority_key, sla_clock
from .storage import StorageError, describe_sqlite_error, open_database
from .stores import IncidentStore

SNOOZE_CHOICES = (5, 15, 60)
MAX_MUTE_MINUTES = 30
ALL_INCIDENTS = "*"  # incident id of mute records

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
"""


class AlertReason(Enum):
    NEW_HIGH_PRIORITY = "new_high_priority"
    SLA_BREACH = "sla_breach"
    SLA_AT_RISK = "sla_at_risk"


class AlertAction(Enum):
    ACKNOWLEDGED = "acknowledged"
    SNOOZED = "snoozed"
    MUTED = "muted"
    UNMUTED = "unmuted"


@dataclass(frozen=True, slots=True)
class Alert:
    """One ringing incident. `audible` is False while the sound is muted."""

    incident_id: str
    reasons: tuple[AlertReason, ...]
    critical: bool
    audible: bool
    incident: Incident

    @property
    def can_snooze(self) -> bool:
        return not self.critical


@dataclass(frozen=True, slots=True)
class AlertRecord:
    """Who did what to an alert, and when."""

    incident_id: str
    action: AlertAction
    reasons: tuple[AlertReason, ...]
    by: str
    at: datetime
    until: datetime | None = None


class AlertError(ValueError):
    """An alert action that the policy does not allow (e.g. snoozing a critical incident)."""


class AlertBook:
    """Evaluates the alert policy over the incident store and keeps acknowledgements on disk."""

    def __init__(self, incidents: IncidentStore, path: Path) -> None:
        self.changed: Event[None] = Event()
        self._incidents = incidents
        self._path = path
        self._db = open_database(path, _SCHEMA)
        self._acked: set[tuple[str, AlertReason]] = set()
        self._snoozed: dict[str, datetime] = {}
        self._muted_until: datetime | None = None
        self._last_ringing: tuple[tuple[str, tuple[AlertReason, ...], bool], ...] = ()
        for record in self._load():
            self._remember(record)

    def close(self) -> None:
        self._db.close()

    # ------------------------------------------------------------------ policy

    def reasons(self, incident: Incident, now: datetime) -> tuple[AlertReason, ...]:
        """Why `incident` would ring now if nobody had acknowledged it."""
        if not incident.status.is_active:
            return ()
        found = []
        if is_high_priority(incident):
            found.append(AlertReason.NEW_HIGH_PRIORITY)
        clock = sla_clock(incident, now)
        if clock.breached and clock.phase in (SlaPhase.ASSIGN, SlaPhase.ARRIVE):
            found.append(AlertReason.SLA_BREACH)
        if clock.late_by_seconds is not None:  # a prediction from the ETA, not a guess from time left
            found.append(AlertReason.SLA_AT_RISK)
        return tuple(found)

    def ringing(self, now: datetime) -> list[Alert]:
        """Incidents ringing now, most urgent first."""
        audible = not self.is_muted(now)
        alerts = []
        for incident in self._incidents.open_incidents():
            key = incident.incident_id
            reasons = tuple(r for r in self.reasons(incident, now) if (key, r) not in self._acked)
            if not reasons:
                continue
            snoozed = self._snoozed.get(key)
            critical = incident.severity == Severity.critical
            if snoozed is not None and snoozed > now and not critical:
                continue
            alerts.append(Alert(key, reasons, critical, audible, incident))
        alerts.sort(key=lambda a: priority_key(a.incident))
        return alerts

    def evaluate(self, now: datetime) -> bool:
        """Recompute the ringing set; emit `changed` (and return True) when it differs from last time."""
        current = tuple((a.incident_id, a.reasons, a.audible) for a in self.ringing(now))
        if current == self._last_ringing:
            return False
        self._last_ringing = current
        self.changed.emit(None)
        return True

    # ------------------------------------------------------------------ operator actions

    def acknowledge(self, incident_id: str, by: str, now: datetime) -> AlertRecord:
        """Stop the ringing of `incident_id` for every reason it rings for now."""
        incident = self._incidents.get(incident_id)
        reasons = self.reasons(incident, now) if incident else ()
        if not reasons:
            reasons = tuple(AlertReason)  # acknowledging ahead of time is harmless
        record = AlertRecord(incident_id, AlertAction.ACKNOWLEDGED, reasons, by, now)
        return self._commit(record, now)

    def snooze(self, incident_id: str, minutes: int, by: str, now: datetime) -> AlertRecord:
        """Silence a non-critical alert for 5, 15 or 60 minutes."""
        if minutes not in SNOOZE_CHOICES:
            raise AlertError(f"An alert can be snoozed for 5, 15 or 60 minutes, not {minutes}.")
        incident = self._incidents.get(incident_id)
        if incident is not None and incident.severity == Severity.critical:
            raise AlertError("A critical incident cannot be snoozed; acknowledge it instead.")
        until = now + timedelta(minutes=minutes)
        record = AlertRecord(incident_id, AlertAction.SNOOZED, (), by, now, until)
        return self._commit(record, now)

    def mute(self, minutes: int, by: str, now: datetime) -> AlertRecord:
        """Silence every alert's sound for up to `MAX_MUTE_MINUTES` (alerts still show)."""
        if not 1 <= minutes <= MAX_MUTE_MINUTES:
            raise AlertError(f"The sound can be muted for 1 to {MAX_MUTE_MINUTES} minutes, not {minutes}.")
        until = now + timedelta(minutes=minutes)
        return self._commit(AlertRecord(ALL_INCIDENTS, AlertAction.MUTED, (), by, now, until), now)

    def unmute(self, by: str, now: datetime) -> AlertRecord:
        return self._commit(AlertRecord(ALL_INCIDENTS, AlertAction.UNMUTED, (), by, now), now)

    def is_muted(self, now: datetime) -> bool:
        return self._muted_until is not None and self._muted_until > now

    def muted_until(self, now: datetime) -> datetime | None:
        return self._muted_until if self.is_muted(now) else None

    def history(self, incident_id: str) -> list[AlertRecord]:
        """Every acknowledgement and snooze of one incident, oldest first."""
        return [r for r in self._load(incident_id)]

    # ------------------------------------------------------------------ persistence

    def _commit(self, record: AlertRecord, now: datetime) -> AlertRecord:
        try:
            self._db.execute(
                "INSERT INTO alert_actions (incident_id, action, reasons, by, at, until) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    record.incident_id,
                    record.action.value,
                    json.dumps([r.value for r in record.reasons]),
                    record.by,
                    record.at.isoformat(),
                    record.until.isoformat() if record.until else None,
                ),
            )
        except sqlite3.Error as exc:
            raise StorageError(describe_sqlite_error(exc, self._path)) from exc
        self._remember(record)
        self.evaluate(now)
        return record

    def _remember(self, record: AlertRecord) -> None:
        if record.action is AlertAction.ACKNOWLEDGED:
            self._acked.update((record.incident_id, r) for r in record.reasons)
            self._snoozed.pop(record.incident_id, None)
        elif record.action is AlertAction.SNOOZED and record.until is not None:
            self._snoozed[record.incident_id] = record.until
        elif record.action is AlertAction.MUTED:
            self._muted_until = record.until
        elif record.action is AlertAction.UNMUTED:
            self._muted_until = None

    def _load(self, incident_id: str | None = None) -> list[AlertRecord]:
        query = "SELECT incident_id, action, reasons, by, at, until FROM alert_actions"
        params: tuple[str, ...] = ()
        if incident_id is not None:
            query += " WHERE incident_id = ?"
            params = (incident_id,)
        try:
            rows = self._db.execute(query + " ORDER BY seq", params).fetchall()
        except sqlite3.Error as exc:
            raise StorageError(describe_sqlite_error(exc, self._path)) from exc
        return [
            AlertRecord(
                incident_id=row[0],
                action=AlertAction(row[1]),
                reasons=tuple(AlertReason(r) for r in json.loads(row[2])),
                by=row[3],
                at=datetime.fromisoformat(row[4]),
                until=datetime.fromisoformat(row[5]) if row[5] else None,
            )
            for row in rows
        ]
