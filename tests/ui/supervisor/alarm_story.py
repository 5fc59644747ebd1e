"""A believable shift of alarms on one workstation (deterministic): two operators handing over at mid-shift,
a calm start, a busy hour, one flood, a chattering SLA-at-risk alarm, a few standing alarms — as the
alarm log and the audit trail would hold them, for the KPI tab, the report and their screenshots."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sety_console.api.models import Incident
from sety_console.core.alarm_model import AlarmReason
from sety_console.core.alarm_records import AlarmAction, AlarmRecord
from sety_console.core.audit import AuditEntry

OPERATORS = ("Ada Okafor", "Bola Adeyemi")
LAGOS = ZoneInfo("Africa/Lagos")
STATION = "desk-1"
REASONS = (AlarmReason.NEW_CRITICAL, AlarmReason.SLA_BREACHED, AlarmReason.SLA_AT_RISK, AlarmReason.ESCALATED)
NOTES = (
    "Caller says two men left on foot towards the market",
    "Responder stuck in traffic on Third Mainland Bridge",
    "Family reached by phone, on their way",
    "Patrol asked to check the gate again at 22:00",
)


@dataclass
class Story:
    start: datetime
    end: datetime
    records: list[AlarmRecord] = field(default_factory=list)
    entries: list[AuditEntry] = field(default_factory=list)

    def operator_at(self, moment: datetime) -> str:
        """Ada until 6 hours before the end, then Bola (a handover in the middle of a 12-hour shift)."""
        return OPERATORS[0] if moment < self.end - timedelta(hours=6) else OPERATORS[1]


def _raise_times(rng: random.Random, start: datetime, end: datetime) -> list[datetime]:
    """About 0.6 alarms per 10 minutes; a busy hour (2.5 per 10 min) 7 h before the end; a flood (14
    alarms within 7 minutes of one 10-minute period) 3 h 20 min before the end."""
    times = []
    moment = start
    while moment < end:
        moment += timedelta(seconds=rng.expovariate(0.6 / 600))
        times.append(moment)
    busy = end - timedelta(hours=7)
    times += [busy + timedelta(seconds=rng.uniform(0, 3600)) for _ in range(15)]
    flood = end - timedelta(hours=3, minutes=20) + timedelta(minutes=1)
    times += [flood + timedelta(seconds=rng.uniform(0, 420)) for _ in range(14)]
    return sorted(t for t in times if start <= t < end)


def shift_story(start: datetime, end: datetime, incidents: Sequence[Incident], seed: int = 16) -> Story:
    """Alarms on `incidents` (their ids and categories) from two hours before `start` to `end`."""
    rng = random.Random(seed)
    story = Story(start, end)
    busy_until: dict[tuple[str, AlarmReason], datetime] = {}
    pool = list(incidents)
    rng.shuffle(pool)
    for number, raised in enumerate(_raise_times(rng, start - timedelta(hours=2), end)):
        incident = pool[number % len(pool)]  # mostly a new incident each time, as in a real shift
        reason = rng.choices(REASONS, (50, 25, 15, 10))[0]
        key = (incident.incident_id, reason)
        if busy_until.get(key, raised) > raised:
            continue
        waits = rng.choices((rng.lognormvariate(4.0, 0.7), rng.uniform(1900, 3000), None), (88, 6, 6))[0]
        clears_after = rng.uniform(600, 4800)
        busy_until[key] = raised + timedelta(seconds=clears_after + 1)
        _alarm(story, rng, incident, reason, raised, waits, clears_after, number)
    _chatter(story, incidents[0], end - timedelta(hours=5))
    _notes(story, rng, incidents)
    story.records.sort(key=lambda r: r.at)
    story.entries.sort(key=lambda e: e.acted_at)
    return story


def _alarm(
    story: Story,
    rng: random.Random,
    incident: Incident,
    reason: AlarmReason,
    raised: datetime,
    waits: float | None,
    clears_after: float,
    number: int,
) -> None:
    incident_id, category = incident.incident_id, incident.category.value
    story.records.append(
        AlarmRecord(incident_id, AlarmAction.RAISED, (reason,), story.operator_at(raised), raised,
                    workstation=STATION, category=category)
    )  # fmt: skip
    cleared = raised + timedelta(seconds=clears_after)
    if waits is not None and waits < clears_after:
        acked = raised + timedelta(seconds=waits)
        if rng.random() < 0.12 and waits > 20:  # shelved first, acknowledged later
            shelved = raised + timedelta(seconds=waits / 3)
            _act(
                story,
                incident_id,
                AlarmAction.SHELVED,
                (),
                shelved,
                f"s{number}",
                until=shelved + timedelta(minutes=15),
            )
        _act(story, incident_id, AlarmAction.ACKNOWLEDGED, (reason,), acked, f"a{number}")
    if cleared <= story.end:
        story.records.append(
            AlarmRecord(incident_id, AlarmAction.CLEARED, (reason,), story.operator_at(cleared), cleared,
                        workstation=STATION)
        )  # fmt: skip


def _act(
    story: Story,
    incident_id: str,
    action: AlarmAction,
    reasons: tuple[AlarmReason, ...],
    at: datetime,
    key: str,
    until: datetime | None = None,
) -> None:
    operator = story.operator_at(at)
    story.records.append(AlarmRecord(incident_id, action, reasons, operator, at, until, STATION))
    words = ", ".join(r.label for r in reasons)
    summary = (
        f"Alarm {action.value}"
        + (f" for {(until - at) // timedelta(minutes=1)} min (until {until:%H:%M} UTC)" if until else "")
        + (f" ({words})" if words else "")
    )
    story.entries.append(
        AuditEntry(f"alarm_{key}", f"alarm_{action.value}", incident_id, summary, operator, STATION, at,
                   confirmed_at=at, outcome="confirmed")
    )  # fmt: skip


def _chatter(story: Story, incident: Incident, first: datetime) -> None:
    """An SLA-at-risk alarm that comes and goes four times in nine minutes (the ETA keeps changing)."""
    for k in range(4):
        raised = first + timedelta(minutes=3 * k)
        for action, at in (
            (AlarmAction.RAISED, raised),
            (AlarmAction.CLEARED, raised + timedelta(seconds=70)),
        ):
            category = incident.category.value if action is AlarmAction.RAISED else ""
            story.records.append(
                AlarmRecord(incident.incident_id, action, (AlarmReason.SLA_AT_RISK,), story.operator_at(at),
                            at, workstation=STATION, category=category)
            )  # fmt: skip


def _notes(story: Story, rng: random.Random, incidents: Sequence[Incident]) -> None:
    length = (story.end - story.start).total_seconds()
    for number, text in enumerate(NOTES):
        at = story.start + timedelta(seconds=length * (number + 0.5) / len(NOTES))
        late = timedelta(seconds=rng.choice((2, 3, 240)))
        story.entries.append(
            AuditEntry(f"act_note_{number}", "add_note", incidents[number % len(incidents)].incident_id,
                       f"Note: {text}", story.operator_at(at), STATION, at, confirmed_at=at + late,
                       outcome="confirmed")
        )  # fmt: skip
