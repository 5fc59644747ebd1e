"""Alarm KPIs of a shift after ISA-18.2 / EEMUA 191, from the alarm history: one computation that the
supervisor's charts and the handover report both draw.

* **Alarms per operator per 10 minutes**: the shift is cut into 10-minute periods from its start (the
  last one may be shorter). An alarm counts for the period it was raised in and for the operator the
  console gave it to; a period's figure is its alarms divided by the operators who had the alarms then
  (`alarm_history.duty_spans`). Average = the mean over the periods someone was on duty; peak = the
  largest period. EEMUA 191: ≤ 1 is acceptable, ≤ 2 manageable; more than 10 is a **flood**.
* **Floods**: the periods with more than 10; consecutive ones make one flood.
* **Time to acknowledge**: raised → first acknowledgement, for the alarms raised and acknowledged in the
  shift; p50 and p95 as the incident analytics computes percentiles (`analytics.histogram.percentile`).
* **Standing alarms**: alarms that stayed unacknowledged (and uncleared) for more than 30 minutes at some
  moment of the shift — those raised before it included.
* **Chattering**: the same alarm (incident and reason) raised 3 times or more within 10 minutes; the
  table also lists every alarm raised more than once in the shift (re-alarming).
* **Busiest categories**: alarms raised in the shift by the incident's category.

Records older than `HISTORY_BEFORE` before the shift are not looked at (an alarm raised that long before
and still unacknowledged would be missed as standing). Only alarms that rang count for the rates, floods,
times and categories: one that came back after an
operator had acknowledged its reason does not ring (the alarm book's rule) but still counts as chatter.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .alarm_history import Annunciation, Span, annunciations, duty_spans
from .alarm_model import AlarmReason
from .alarm_records import AlarmRecord
from .analytics.histogram import percentile

__all__ = [
    "ACCEPTABLE_PER_10_MIN",
    "CHATTER_RAISES",
    "CHATTER_WITHIN",
    "FLOOD_ABOVE",
    "HISTORY_BEFORE",
    "MANAGEABLE_PER_10_MIN",
    "PERIOD",
    "STANDING_AFTER",
    "AlarmKpis",
    "Flood",
    "OperatorLoad",
    "RepeatedAlarm",
    "StandingAlarm",
    "compute_alarm_kpis",
    "load_words",
    "percentile",
]

PERIOD = timedelta(minutes=10)
ACCEPTABLE_PER_10_MIN = 1.0
MANAGEABLE_PER_10_MIN = 2.0
FLOOD_ABOVE = 10
STANDING_AFTER = timedelta(minutes=30)
CHATTER_RAISES = 3
CHATTER_WITHIN = timedelta(minutes=10)
HISTORY_BEFORE = timedelta(days=2)
"""How far before the shift the alarm log is read (alarms still up, earlier acknowledgements)."""


def load_words(per_10_min: float) -> str:
    """EEMUA 191's word for an alarm rate per operator per 10 minutes."""
    if per_10_min > FLOOD_ABOVE:
        return "flood"
    if per_10_min > MANAGEABLE_PER_10_MIN:
        return "over-demanding"
    if per_10_min > ACCEPTABLE_PER_10_MIN:
        return "manageable"
    return "acceptable"


@dataclass(frozen=True, slots=True)
class OperatorLoad:
    """One operator's share of the shift's alarms."""

    operator: str
    periods_on_duty: tuple[int, ...]
    """Indices of the 10-minute periods in which this operator had the alarms."""
    per_period: tuple[int, ...]
    """Alarms given to this operator in each period of the shift (0 when off duty)."""
    acknowledged: int
    """Alarms of the shift this operator acknowledged (whoever the console gave them to)."""
    shelved: int
    ack_p50_s: float | None

    @property
    def alarms(self) -> int:
        return sum(self.per_period)

    @property
    def average(self) -> float:
        return self.alarms / len(self.periods_on_duty) if self.periods_on_duty else 0.0

    @property
    def peak(self) -> int:
        return max(self.per_period, default=0)

    @property
    def flood_periods(self) -> int:
        return sum(count > FLOOD_ABOVE for count in self.per_period)


@dataclass(frozen=True, slots=True)
class Flood:
    """Consecutive 10-minute periods above the flood level."""

    start: datetime
    end: datetime
    alarms: int
    peak: float


@dataclass(frozen=True, slots=True)
class StandingAlarm:
    alarm: Annunciation
    unacknowledged_for: timedelta
    """How long it waited, up to its acknowledgement, its clearing or the end of the shift."""


@dataclass(frozen=True, slots=True)
class RepeatedAlarm:
    incident_id: str
    reason: AlarmReason
    category: str
    raises: tuple[datetime, ...]
    chattering: bool


@dataclass(frozen=True, slots=True)
class AlarmKpis:
    """The alarm KPIs of one shift [start, end]."""

    start: datetime
    end: datetime
    period_starts: tuple[datetime, ...]
    per_period: tuple[int, ...]
    """Alarms raised in each 10-minute period (all operators)."""
    per_operator: tuple[float, ...]
    """Alarms per operator in each period (the figure EEMUA 191 rates)."""
    staffed: tuple[bool, ...]
    """Whether anyone had the alarms in each period."""
    operators: tuple[OperatorLoad, ...]
    ack_seconds: tuple[float, ...]
    unacknowledged_at_end: int
    cleared_unacknowledged: int
    standing: tuple[StandingAlarm, ...]
    repeated: tuple[RepeatedAlarm, ...]
    categories: tuple[tuple[str, int], ...]
    silent_returns: int
    """Alarms that came back without ringing (their reason acknowledged before)."""

    @property
    def total(self) -> int:
        return sum(self.per_period)

    @property
    def average(self) -> float:
        """Mean alarms per operator per 10 minutes over the staffed periods."""
        staffed = [v for v, s in zip(self.per_operator, self.staffed, strict=True) if s]
        return sum(staffed) / len(staffed) if staffed else 0.0

    @property
    def peak(self) -> float:
        return max(self.per_operator, default=0.0)

    @property
    def flood_periods(self) -> tuple[int, ...]:
        return tuple(i for i, v in enumerate(self.per_operator) if v > FLOOD_ABOVE)

    @property
    def floods(self) -> tuple[Flood, ...]:
        runs: list[list[int]] = []
        for index in self.flood_periods:
            if runs and runs[-1][-1] == index - 1:
                runs[-1].append(index)
            else:
                runs.append([index])
        return tuple(
            Flood(
                self.period_starts[run[0]],
                self._period_end(run[-1]),
                sum(self.per_period[i] for i in run),
                max(self.per_operator[i] for i in run),
            )
            for run in runs
        )

    @property
    def ack_p50_s(self) -> float | None:
        return percentile(self.ack_seconds, 50)

    @property
    def ack_p95_s(self) -> float | None:
        return percentile(self.ack_seconds, 95)

    @property
    def chattering(self) -> tuple[RepeatedAlarm, ...]:
        return tuple(r for r in self.repeated if r.chattering)

    def _period_end(self, index: int) -> datetime:
        return min(self.period_starts[index] + PERIOD, self.end)


def compute_alarm_kpis(records: Sequence[AlarmRecord], start: datetime, end: datetime) -> AlarmKpis:
    """The KPIs of the shift [start, end] from the alarm log's records (those before it included)."""
    if end <= start:
        raise ValueError("The shift must end after it starts.")
    count = math.ceil((end - start) / PERIOD)
    starts = tuple(start + i * PERIOD for i in range(count))
    records = [r for r in records if start - HISTORY_BEFORE <= r.at <= end]
    every = annunciations(records)
    in_shift = [a for a in every if start <= a.raised_at <= end]
    rang = [a for a in in_shift if a.rang]

    def period_of(moment: datetime) -> int:
        return min(int((moment - start) / PERIOD), count - 1)

    spans = duty_spans(records, start, end)
    per_operator_periods: dict[str, list[int]] = defaultdict(lambda: [0] * count)
    for alarm in rang:
        per_operator_periods[alarm.operator][period_of(alarm.raised_at)] += 1
    on_duty = {
        name: _periods_covered(spans.get(name, []), starts, end, per_operator_periods.get(name))
        for name in set(spans) | set(per_operator_periods)
    }
    per_period = [0] * count
    for alarm in rang:
        per_period[period_of(alarm.raised_at)] += 1
    staffing = [sum(i in periods for periods in on_duty.values()) for i in range(count)]
    for alarm in rang:  # who acted from elsewhere (another workstation on the hub) is listed too
        actors = [by for at, by in alarm.shelved if at <= end]
        if alarm.acknowledged_by and _acknowledged_by(alarm, end):
            actors.append(alarm.acknowledged_by)
        for name in actors:
            on_duty.setdefault(name, frozenset())
    acked = [a for a in rang if _acknowledged_by(a, end)]
    cleared = [a for a in rang if a.cleared_at is not None and a.cleared_at <= end]
    return AlarmKpis(
        start=start,
        end=end,
        period_starts=starts,
        per_period=tuple(per_period),
        per_operator=tuple(n / max(staff, 1) for n, staff in zip(per_period, staffing, strict=True)),
        staffed=tuple(staff > 0 for staff in staffing),
        operators=_operator_loads(on_duty, per_operator_periods, rang, end, count),
        ack_seconds=tuple(_ack_seconds(a) for a in acked),
        unacknowledged_at_end=len(rang) - len(acked) - sum(a.acknowledged_at is None for a in cleared),
        cleared_unacknowledged=sum(a.acknowledged_at is None for a in cleared),
        standing=_standing(every, start, end),
        repeated=_repeated(in_shift),
        categories=tuple(Counter(a.category or "unknown" for a in rang).most_common()),
        silent_returns=len(in_shift) - len(rang),
    )


def _acknowledged_by(alarm: Annunciation, end: datetime) -> bool:
    return alarm.acknowledged_at is not None and alarm.acknowledged_at <= end


def _ack_seconds(alarm: Annunciation) -> float:
    assert alarm.acknowledged_at is not None
    return (alarm.acknowledged_at - alarm.raised_at).total_seconds()


def _periods_covered(
    spans: Sequence[Span], starts: Sequence[datetime], end: datetime, alarms: Sequence[int] | None
) -> frozenset[int]:
    """Periods a span overlaps, plus any in which the operator was given an alarm."""
    covered = set()
    for index, begin in enumerate(starts):
        finish = min(begin + PERIOD, end)
        if any(a < finish and b > begin for a, b in spans) or (alarms and alarms[index]):
            covered.add(index)
    return frozenset(covered)


def _operator_loads(
    on_duty: dict[str, frozenset[int]],
    per_period: dict[str, list[int]],
    rang: Sequence[Annunciation],
    end: datetime,
    count: int,
) -> tuple[OperatorLoad, ...]:
    loads = []
    for name in sorted(on_duty, key=lambda n: (-sum(per_period.get(n, ())), n)):
        theirs = [a for a in rang if a.acknowledged_by == name and _acknowledged_by(a, end)]
        shelved = sum(any(by == name and at <= end for at, by in a.shelved) for a in rang)
        loads.append(
            OperatorLoad(
                name,
                tuple(sorted(on_duty[name])),
                tuple(per_period.get(name, [0] * count)),
                len(theirs),
                shelved,
                percentile([_ack_seconds(a) for a in theirs], 50),
            )
        )
    return tuple(loads)


def _standing(every: Sequence[Annunciation], start: datetime, end: datetime) -> tuple[StandingAlarm, ...]:
    """Alarms unacknowledged for more than `STANDING_AFTER` at some moment of [start, end]."""
    found = []
    for alarm in every:
        if not alarm.rang:
            continue
        waited_until = alarm.unacknowledged_until(end)
        if max(start, alarm.raised_at + STANDING_AFTER) < waited_until:
            found.append(StandingAlarm(alarm, waited_until - alarm.raised_at))
    return tuple(sorted(found, key=lambda s: s.unacknowledged_for, reverse=True))


def _repeated(in_shift: Sequence[Annunciation]) -> tuple[RepeatedAlarm, ...]:
    """Alarms (incident + reason) raised more than once in the shift, the chattering ones flagged."""
    raises: dict[tuple[str, AlarmReason], list[Annunciation]] = defaultdict(list)
    for alarm in in_shift:
        raises[(alarm.incident_id, alarm.reason)].append(alarm)
    found = []
    for (incident_id, reason), alarms in raises.items():
        if len(alarms) < 2:
            continue
        times = tuple(a.raised_at for a in alarms)
        chattering = any(
            times[i + CHATTER_RAISES - 1] - times[i] <= CHATTER_WITHIN
            for i in range(len(times) - CHATTER_RAISES + 1)
        )
        found.append(RepeatedAlarm(incident_id, reason, alarms[0].category, times, chattering))
    return tuple(sorted(found, key=lambda r: (-len(r.raises), r.incident_id, r.reason.rank)))
