"""The alarm book: every incident's alarm and its state, and the operator actions on them.

It evaluates `alarm_model` over the incident store, remembers acknowledgements, shelving and the sound's
mute, and keeps every action in an append-only `AlarmLog` (a local SQLite file, or a control-room hub)
with who did it and when, so a restart neither forgets nor re-rings them. Actions apply in memory at
once (the ringing stops now); the log is written off the event loop's thread. Given a `history` log,
it also records when each alarm was raised and cleared (`alarm_annunciations`), for the alarm KPIs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sety_console.api.models import Incident, Severity

from .alarm_annunciations import Annunciations
from .alarm_model import Acted, Alarm, AlarmReason, AlarmState, alarm_reasons, raised_at
from .alarm_records import ALL_INCIDENTS, CONSOLE_RECORDS, AlarmAction, AlarmLog, AlarmRecord
from .events import Event
from .stores import IncidentStore

log = logging.getLogger(__name__)

SHELVE_CHOICES = (5, 15, 60)
MAX_MUTE_MINUTES = 30
CLEARED_KEPT = timedelta(minutes=30)
"""A cleared alarm stays in the alarm list this long (then only the incident's timeline has it)."""

__all__ = [
    "ALL_INCIDENTS",
    "CONSOLE_RECORDS",
    "SHELVE_CHOICES",
    "AlarmAction",
    "AlarmBook",
    "AlarmError",
    "AlarmLog",
    "AlarmRecord",
]


class AlarmError(ValueError):
    """An action the alarm's state does not allow, said in words (shelving a critical alarm)."""


class AlarmBook:
    """Alarms over the incident store; `changed` fires when what rings (or its state) changes."""

    def __init__(
        self,
        incidents: IncidentStore,
        alarm_log: AlarmLog,
        *,
        workstation: str = "",
        history: AlarmLog | None = None,
        operator: Callable[[], str] = lambda: "",
    ) -> None:
        """`history`: where raised/cleared records go (this workstation's own file; it may be `alarm_log`);
        `operator`: whom the console alarms now (the name written on those records)."""
        self.changed: Event[None] = Event()
        self.recorded: Event[AlarmRecord] = Event()  # every action taken here (the audit trail listens)
        self._incidents = incidents
        self._log = alarm_log
        self._workstation = workstation
        self._acked: dict[tuple[str, AlarmReason], Acted] = {}
        self._shelved: dict[str, tuple[datetime, Acted]] = {}
        self._muted_until: datetime | None = None
        self._history: dict[str, list[AlarmRecord]] = {}
        self._active: dict[str, Alarm] = {}  # last seen alarming, to notice when one clears
        self._cleared: dict[str, Alarm] = {}
        self._last: tuple[tuple[str, AlarmState, tuple[AlarmReason, ...]], ...] = ()
        self.annunciations: Annunciations | None = None
        if history is not None:
            self.annunciations = Annunciations(
                history, operator=operator, workstation=workstation, mirror_actions=history is not alarm_log
            )

    async def open(self, now: datetime | None = None) -> None:
        """Read what operators did before (acknowledgements, shelving, mute) and which alarms were up;
        with `now`, note in the history that the console watches the alarms from then."""
        records = await self._log.load()
        for record in records:
            if record.action not in CONSOLE_RECORDS:
                self._remember(record)
        if self.annunciations is not None:
            history = self.annunciations.alarm_log
            self.annunciations.restore(records if history is self._log else await history.load())
            if now is not None:
                self.annunciations.watching(True, now)

    async def flush(self, stopped_at: datetime | None = None) -> None:
        """Write the history's records still waiting (before its log closes); with `stopped_at`, note
        first that the console stops watching the alarms then."""
        if self.annunciations is not None:
            if stopped_at is not None:
                self.annunciations.watching(False, stopped_at)
            await self.annunciations.flush()

    # ------------------------------------------------------------------ evaluation

    def alarms(self, now: datetime) -> list[Alarm]:
        """Every alarm to list: active ones by priority, then the recently cleared."""
        self._update(now)
        active = sorted(self._active.values(), key=Alarm.priority)
        cleared = sorted(self._cleared.values(), key=lambda a: a.cleared_at or now, reverse=True)
        return [*active, *cleared]

    def ringing(self, now: datetime) -> list[Alarm]:
        """Unacknowledged alarms, highest priority first (the first is the banner's)."""
        self._update(now)
        return sorted((a for a in self._active.values() if a.rings), key=Alarm.priority)

    def get(self, incident_id: str, now: datetime) -> Alarm | None:
        self._update(now)
        return self._active.get(incident_id) or self._cleared.get(incident_id)

    def evaluate(self, now: datetime) -> bool:
        """Recompute; emit `changed` (and return True) when any alarm's state or reasons changed."""
        self._update(now)
        if self.annunciations is not None:
            self.annunciations.retry()
        current = tuple(
            (a.incident_id, a.state, a.unacknowledged)
            for a in sorted(self._active.values(), key=Alarm.priority)
        )
        if current == self._last:
            return False
        self._last = current
        self.changed.emit(None)
        return True

    def _update(self, now: datetime) -> None:
        active: dict[str, Alarm] = {}
        for incident in self._incidents.values():
            reasons = alarm_reasons(incident, now)
            if reasons:
                active[incident.incident_id] = self._alarm(incident, reasons, now)
        for incident_id, gone in self._active.items():
            if incident_id not in active:
                latest = self._incidents.get(incident_id) or gone.incident
                self._cleared[incident_id] = Alarm(
                    latest,
                    AlarmState.CLEARED,
                    gone.reasons,
                    (),
                    gone.raised_at,
                    gone.acknowledged,
                    cleared_at=now,
                )
        for incident_id in active:
            self._cleared.pop(incident_id, None)
        if self.annunciations is not None:
            seen = self._active
            self.annunciations.observe(
                {key: (alarm.incident, alarm.reasons) for key, alarm in active.items()},
                lambda key: key in seen or self._incidents.get(key) is not None,
                now,
            )
        self._cleared = {
            k: a for k, a in self._cleared.items() if a.cleared_at and now - a.cleared_at < CLEARED_KEPT
        }
        self._active = active

    def _alarm(self, incident: Incident, reasons: tuple[AlarmReason, ...], now: datetime) -> Alarm:
        key = incident.incident_id
        unacked = tuple(r for r in reasons if (key, r) not in self._acked)
        acked = [self._acked[(key, r)] for r in reasons if (key, r) in self._acked]
        acknowledged = max(acked, key=lambda a: a.at) if acked else None
        shelf = self._shelved.get(key)
        shelved = shelf is not None and shelf[0] > now and incident.severity != Severity.critical
        if not unacked:
            state = AlarmState.ACKNOWLEDGED
        elif shelved:
            state = AlarmState.SHELVED
        else:
            state = AlarmState.UNACKNOWLEDGED
        top = (unacked or reasons)[0]
        return Alarm(
            incident,
            state,
            reasons,
            unacked,
            raised_at(incident, top, now),
            acknowledged,
            shelf[1] if shelved and shelf else None,
            shelf[0] if shelved and shelf else None,
        )

    # ------------------------------------------------------------------ operator actions

    async def acknowledge(self, incident_id: str, by: str, now: datetime) -> AlarmRecord:
        """Acknowledge every reason `incident_id` alarms for now; a cleared alarm cannot be."""
        alarm = self.get(incident_id, now)
        if alarm is None or alarm.state is AlarmState.CLEARED:
            raise AlarmError(
                "This alarm has cleared (the incident is closed or back to normal): nothing to acknowledge."
            )
        if alarm.state is AlarmState.ACKNOWLEDGED:
            raise AlarmError("This alarm is already acknowledged.")
        return await self._act(
            AlarmRecord(incident_id, AlarmAction.ACKNOWLEDGED, alarm.reasons, by, now), now
        )

    async def shelve(self, incident_id: str, minutes: int, by: str, now: datetime) -> AlarmRecord:
        """Silence a non-critical alarm for 5, 15 or 60 minutes."""
        if minutes not in SHELVE_CHOICES:
            raise AlarmError(f"An alarm can be shelved for 5, 15 or 60 minutes, not {minutes}.")
        alarm = self.get(incident_id, now)
        if alarm is None or alarm.state is AlarmState.CLEARED:
            raise AlarmError("This alarm has cleared: there is nothing to shelve.")
        if alarm.critical:
            raise AlarmError("A critical alarm cannot be shelved; acknowledge it instead.")
        until = now + timedelta(minutes=minutes)
        return await self._act(AlarmRecord(incident_id, AlarmAction.SHELVED, (), by, now, until), now)

    async def unshelve(self, incident_id: str, by: str, now: datetime) -> AlarmRecord:
        return await self._act(AlarmRecord(incident_id, AlarmAction.UNSHELVED, (), by, now), now)

    async def mute(self, minutes: int, by: str, now: datetime) -> AlarmRecord:
        """Silence every alarm's sound for up to `MAX_MUTE_MINUTES` (alarms still show and flash)."""
        if not 1 <= minutes <= MAX_MUTE_MINUTES:
            raise AlarmError(f"The sound can be muted for 1 to {MAX_MUTE_MINUTES} minutes, not {minutes}.")
        until = now + timedelta(minutes=minutes)
        return await self._act(AlarmRecord(ALL_INCIDENTS, AlarmAction.MUTED, (), by, now, until), now)

    async def unmute(self, by: str, now: datetime) -> AlarmRecord:
        return await self._act(AlarmRecord(ALL_INCIDENTS, AlarmAction.UNMUTED, (), by, now), now)

    def is_muted(self, now: datetime) -> bool:
        return self._muted_until is not None and self._muted_until > now

    def muted_until(self, now: datetime) -> datetime | None:
        return self._muted_until if self.is_muted(now) else None

    def history(self, incident_id: str) -> list[AlarmRecord]:
        """Every action on one incident's alarm, oldest first."""
        return list(self._history.get(incident_id, ()))

    def apply_shared(self, record: AlarmRecord, now: datetime) -> None:
        """An action taken elsewhere (another workstation, through the hub): applied, not logged again."""
        self._remember(record)
        if self.annunciations is not None:
            self.annunciations.mirror(record)
        self.evaluate(now)

    async def _act(self, record: AlarmRecord, now: datetime) -> AlarmRecord:
        """Apply at once (the ringing stops now), then write the log; a failed write raises
        `StorageError` after the action took effect here (the caller says it was not saved)."""
        if not record.workstation and self._workstation:
            record = AlarmRecord(
                record.incident_id,
                record.action,
                record.reasons,
                record.by,
                record.at,
                record.until,
                self._workstation,
            )
        self._remember(record)
        if self.annunciations is not None:
            self.annunciations.mirror(record)
        self.evaluate(now)
        self.recorded.emit(record)
        await self._log.append(record)
        return record

    def _remember(self, record: AlarmRecord) -> None:
        acted = Acted(record.by, record.at)
        if record.action is AlarmAction.ACKNOWLEDGED:
            self._acked.update({(record.incident_id, r): acted for r in record.reasons})
            self._shelved.pop(record.incident_id, None)
        elif record.action is AlarmAction.SHELVED and record.until is not None:
            self._shelved[record.incident_id] = (record.until, acted)
        elif record.action is AlarmAction.UNSHELVED:
            self._shelved.pop(record.incident_id, None)
        elif record.action is AlarmAction.MUTED:
            self._muted_until = record.until
        elif record.action is AlarmAction.UNMUTED:
            self._muted_until = None
        self._history.setdefault(record.incident_id, []).append(record)
