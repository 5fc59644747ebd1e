"""The alarm log read back as alarms: each one raised, rung (or not), acknowledged, shelved, cleared.

`annunciations(records)` pairs every `raised` record with what happened to that alarm (one incident,
one reason) until it `cleared`: the first acknowledgement covering its reason, shelving, the clear. An
alarm whose reason an operator had already acknowledged earlier comes back without ringing — the alarm
book's rule — and is marked `rang=False`.

`duty_spans(records, start, end)` says when each operator had the workstation's alarms: on each
workstation that raised alarms or noted that it watched them, an operator's span runs from the
console's `started` mark (or the first record under their name: an alarm the console gave them, one of
their actions there) until the console `stopped` or another operator's name appears, clipped to the
shift. A log written before the console kept those marks has its first operator from the shift's start.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from .alarm_model import AlarmReason
from .alarm_records import CONSOLE_RECORDS, AlarmAction, AlarmRecord

__all__ = ["Annunciation", "Span", "annunciations", "duty_spans"]

Span = tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class Annunciation:
    """One alarm (an incident alarming for one reason) from raised to cleared."""

    incident_id: str
    reason: AlarmReason
    category: str
    raised_at: datetime
    operator: str
    """Whom the console alarmed (its operator when the alarm was raised)."""
    workstation: str
    rang: bool = True
    """False when the reason had been acknowledged before: it came back without ringing."""
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    shelved: tuple[tuple[datetime, str], ...] = ()
    """(when, by whom) each time the alarm was shelved before it was acknowledged or cleared."""
    cleared_at: datetime | None = None

    def unacknowledged_until(self, end: datetime) -> datetime:
        """When it stopped waiting for an acknowledgement: acknowledged, cleared, or `end`."""
        return min(t for t in (self.acknowledged_at, self.cleared_at, end) if t is not None)


@dataclass(slots=True)
class _Open:
    record: AlarmRecord
    reason: AlarmReason
    rang: bool
    acknowledged: tuple[datetime, str] | None = None
    shelved: list[tuple[datetime, str]] = field(default_factory=list)

    def close(self, cleared_at: datetime | None) -> Annunciation:
        r = self.record
        ack_at, ack_by = self.acknowledged or (None, None)
        return Annunciation(
            r.incident_id, self.reason, r.category, r.at, r.by, r.workstation, self.rang,
            ack_at, ack_by, tuple(self.shelved), cleared_at,
        )  # fmt: skip


def annunciations(records: Iterable[AlarmRecord]) -> list[Annunciation]:
    """Every alarm the records raised, with its fate; ordered by when it was raised."""
    open_: dict[tuple[str, AlarmReason], _Open] = {}
    acknowledged_ever: set[tuple[str, AlarmReason]] = set()
    done: list[Annunciation] = []
    # at the same instant a raise comes first (the log may hold an action written before the raise)
    for record in sorted(records, key=lambda r: (r.at, r.action is not AlarmAction.RAISED)):
        keys = [(record.incident_id, reason) for reason in record.reasons]
        if record.action is AlarmAction.RAISED:
            for key in keys:
                if key not in open_:  # a second raise of an alarm already up changes nothing
                    open_[key] = _Open(record, key[1], rang=key not in acknowledged_ever)
        elif record.action is AlarmAction.CLEARED:
            for key in keys:
                if key in open_:
                    done.append(open_.pop(key).close(record.at))
        elif record.action is AlarmAction.ACKNOWLEDGED:
            acknowledged_ever.update(keys)
            for key in keys:
                alarm = open_.get(key)
                if alarm is not None and alarm.acknowledged is None:
                    alarm.acknowledged = (record.at, record.by)
        elif record.action is AlarmAction.SHELVED:
            for (incident_id, _), alarm in open_.items():
                if incident_id == record.incident_id and alarm.acknowledged is None:
                    alarm.shelved.append((record.at, record.by))
    done.extend(alarm.close(None) for alarm in open_.values())
    return sorted(done, key=lambda a: (a.raised_at, a.incident_id, a.reason.rank))


def duty_spans(records: Sequence[AlarmRecord], start: datetime, end: datetime) -> dict[str, list[Span]]:
    """When each operator had a workstation's alarms during [start, end] (see the module's note)."""
    operators_at: dict[str, set[str]] = defaultdict(set)
    for record in records:
        if record.action in (AlarmAction.RAISED, AlarmAction.STARTED):
            operators_at[record.workstation].add(record.by)
    spans: dict[str, list[Span]] = defaultdict(list)
    for station, operators in operators_at.items():
        marks = sorted(
            (
                r
                for r in records
                if r.workstation == station
                and r.at <= end
                and (r.action in CONSOLE_RECORDS or r.by in operators)
            ),
            key=lambda r: r.at,
        )
        for operator, begin, finish in _station_duty(marks, start, end):
            if begin < finish:
                spans[operator].append((begin, finish))
    return dict(spans)


def _station_duty(
    marks: Sequence[AlarmRecord], start: datetime, end: datetime
) -> list[tuple[str, datetime, datetime]]:
    """(operator, from, to) on one workstation, clipped to [start, end]; a log without `started` marks
    (written before the console kept them) has its first operator from `start`."""
    found: list[tuple[str, datetime, datetime]] = []
    current: tuple[str, datetime] | None = None
    if marks and marks[0].action is not AlarmAction.STARTED:
        current = (marks[0].by, start)
    for record in marks:
        if current is not None and (
            record.action in (AlarmAction.STARTED, AlarmAction.STOPPED) or record.by != current[0]
        ):
            found.append((current[0], max(current[1], start), min(record.at, end)))
            current = None
        if record.action is not AlarmAction.STOPPED and current is None:
            current = (record.by, record.at)
    if current is not None:
        found.append((current[0], max(current[1], start), end))
    return found
