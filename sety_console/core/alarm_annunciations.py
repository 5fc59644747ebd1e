"""When alarms come and go: the alarm book's raise and clear transitions, kept in the alarm log.

Each time an incident starts alarming for a reason (an ISA-18.2 alarm going active) the log gets a
`raised` record, and a `cleared` record when that reason is gone — with the console's operator at that
moment (`by`: whom the console alarmed), the workstation and the incident's category. Together with the
operators' acknowledgements and shelving already in the log, that is the alarm history the alarm KPIs
are computed from (`alarm_history`, `alarm_kpis`).

It also notes when the console started and stopped watching the alarms, with its operator, so the KPIs
know who had this workstation's alarms when (and when nobody did).

Which reasons are active is restored from the log at start, so a restart (or the snapshot shown before
the first poll) does not raise again what was already raised; a reason is cleared only when the incident
is known and no longer alarms for it (an incident missing from the store stays as it was). Records are
written in order by one task, off the loop's thread; a write that fails is kept and tried again on the
next evaluation.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from sety_console.api.models import Incident

from .alarm_model import AlarmReason
from .alarm_records import ALL_INCIDENTS, CONSOLE_RECORDS, AlarmAction, AlarmLog, AlarmRecord
from .storage import StorageError

log = logging.getLogger(__name__)


class Annunciations:
    """Raise/clear bookkeeping of one alarm book, appended to `alarm_log`."""

    def __init__(
        self,
        alarm_log: AlarmLog,
        *,
        operator: Callable[[], str],
        workstation: str,
        mirror_actions: bool = False,
    ) -> None:
        self._log = alarm_log
        self._operator = operator
        self._workstation = workstation
        self.mirror_actions = mirror_actions
        """Also keep a copy of every operator action (when the book's own log is elsewhere, e.g. a hub)."""
        self._active: dict[str, set[AlarmReason]] = {}
        self._queue: list[AlarmRecord] = []
        self._writer: asyncio.Task[None] | None = None
        self._last_failure = ""

    @property
    def alarm_log(self) -> AlarmLog:
        return self._log

    def restore(self, records: Iterable[AlarmRecord]) -> None:
        """Replay raised/cleared records: which reasons were active when the console last ran."""
        for record in records:
            if record.action is AlarmAction.RAISED:
                self._active.setdefault(record.incident_id, set()).update(record.reasons)
            elif record.action is AlarmAction.CLEARED:
                self._active.get(record.incident_id, set()).difference_update(record.reasons)
        self._active = {k: v for k, v in self._active.items() if v}

    def active_reasons(self, incident_id: str) -> frozenset[AlarmReason]:
        return frozenset(self._active.get(incident_id, ()))

    def observe(
        self,
        alarming: Mapping[str, tuple[Incident, tuple[AlarmReason, ...]]],
        known: Callable[[str], bool],
        now: datetime,
    ) -> None:
        """Record what changed since the last call: `alarming` maps each alarming incident to its
        reasons now; `known(id)` says whether an incident not alarming is in the store."""
        for incident_id, (incident, reasons) in alarming.items():
            before = self._active.get(incident_id, set())
            raised = tuple(r for r in reasons if r not in before)
            gone = tuple(r for r in before if r not in reasons)
            if gone:
                self._add(incident_id, AlarmAction.CLEARED, gone, now)
            for reason in raised:
                self._add(incident_id, AlarmAction.RAISED, (reason,), now, incident.category.value)
            if raised or gone:
                self._active[incident_id] = set(reasons)
        for incident_id in [i for i in self._active if i not in alarming and known(i)]:
            self._add(incident_id, AlarmAction.CLEARED, tuple(self._active.pop(incident_id)), now)

    def watching(self, started: bool, now: datetime) -> None:
        """The console started (or stopped) watching the alarms: who had them, from (or until) when."""
        action = AlarmAction.STARTED if started else AlarmAction.STOPPED
        self._queue.append(
            AlarmRecord(ALL_INCIDENTS, action, (), self._operator(), now, workstation=self._workstation)
        )
        self._kick()

    def mirror(self, record: AlarmRecord) -> None:
        """Keep a copy of an operator action (only when the actions themselves live elsewhere)."""
        if self.mirror_actions and record.action not in CONSOLE_RECORDS:
            self._queue.append(record)
            self._kick()

    def _add(
        self,
        incident_id: str,
        action: AlarmAction,
        reasons: tuple[AlarmReason, ...],
        now: datetime,
        category: str = "",
    ) -> None:
        ordered = tuple(sorted(reasons, key=lambda r: r.rank))
        self._queue.append(
            AlarmRecord(
                incident_id, action, ordered, self._operator(), now,
                workstation=self._workstation, category=category,
            )
        )  # fmt: skip
        self._kick()

    # --- writing --------------------------------------------------------------------------------

    def _kick(self) -> None:
        if not self._queue or (self._writer is not None and not self._writer.done()):
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (a synchronous caller): written by the next evaluation or `flush()`
        self._writer = loop.create_task(self._write())

    def retry(self) -> None:
        """Try again to write what is waiting (called on each evaluation)."""
        self._kick()

    async def _write(self) -> None:
        while self._queue:
            record = self._queue[0]
            try:
                await self._log.append(record)
            except StorageError as exc:
                if str(exc) != self._last_failure:
                    self._last_failure = str(exc)
                    log.error("the alarm history could not be written (kept, tried again): %s", exc)
                return
            self._last_failure = ""
            self._queue.pop(0)

    async def flush(self) -> None:
        """Write everything waiting (before the log closes); a failure is logged, not raised."""
        if self._writer is not None and not self._writer.done():
            await self._writer
        if self._queue:
            await self._write()

    @property
    def waiting(self) -> int:
        """Records not written yet."""
        return len(self._queue)
