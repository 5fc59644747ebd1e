"""Alarm KPIs (ISA-18.2 / EEMUA 191): property tests over random alarm histories, plus worked examples.

The relations a supervisor could check by hand must always hold: peak ≥ average, floods are exactly the
periods above 10 in the per-10-minute series, p50 ≤ p95, every alarm counted once (by period, by
operator, by category, by fate), and the numbers agree with the history the records were made from.
"""

from __future__ import annotations

import itertools
import math
from datetime import timedelta

import pytest
from hypothesis import given, settings, target
from hypothesis import strategies as st

from sety_console.core.alarm_history import duty_spans
from sety_console.core.alarm_kpis import (
    FLOOD_ABOVE,
    PERIOD,
    STANDING_AFTER,
    AlarmKpis,
    compute_alarm_kpis,
    load_words,
    percentile,
)
from sety_console.core.alarm_model import AlarmReason
from sety_console.core.alarm_records import ALL_INCIDENTS, AlarmAction, AlarmRecord

from .alarm_histories import START, History, histories

PROPERTY = settings(max_examples=150, deadline=None)


@PROPERTY
@given(histories())
def test_every_relation_holds_for_any_alarm_history(history: History) -> None:
    kpis = compute_alarm_kpis(history.records, history.start, history.end)
    target(kpis.peak, label="peak alarms per operator per 10 min")  # steer towards floods
    series_counts_every_alarm_once(kpis, history)
    peak_is_at_least_the_average(kpis)
    floods_are_the_periods_above_ten(kpis)
    acknowledgement_times_are_the_measured_ones(kpis, history)
    standing_alarms_waited_more_than_thirty_minutes(kpis, history)
    chattering_alarms_came_back_three_times_in_ten_minutes(kpis, history)


def series_counts_every_alarm_once(kpis: AlarmKpis, history: History) -> None:
    rang = [e for e in history.episodes if history.start <= e.raised <= history.end and history.rang(e)]
    assert len(kpis.per_period) == math.ceil((history.end - history.start) / PERIOD)
    assert kpis.period_starts[0] == history.start
    assert kpis.total == len(rang)
    assert sum(op.alarms for op in kpis.operators) == kpis.total
    assert sum(n for _, n in kpis.categories) == kpis.total
    assert kpis.total == len(kpis.ack_seconds) + kpis.cleared_unacknowledged + kpis.unacknowledged_at_end
    expected = [0] * len(kpis.per_period)
    for episode in rang:  # each alarm sits in the period it was raised in
        expected[min(int((episode.raised - history.start) / PERIOD), len(expected) - 1)] += 1
    assert list(kpis.per_period) == expected
    silent = [e for e in history.episodes if history.start <= e.raised <= history.end and not history.rang(e)]
    assert kpis.silent_returns == len(silent)


def peak_is_at_least_the_average(kpis: AlarmKpis) -> None:
    assert kpis.peak >= kpis.average >= 0
    assert all(0 <= v <= n for v, n in zip(kpis.per_operator, kpis.per_period, strict=True))
    for operator in kpis.operators:
        assert operator.peak >= operator.average >= 0
        off_duty = set(range(len(kpis.per_period))) - set(operator.periods_on_duty)
        assert all(operator.per_period[i] == 0 for i in off_duty)
    assert (kpis.total > 0) == (kpis.peak > 0)


def floods_are_the_periods_above_ten(kpis: AlarmKpis) -> None:
    above = [i for i, v in enumerate(kpis.per_operator) if v > FLOOD_ABOVE]
    assert list(kpis.flood_periods) == above
    floods = kpis.floods
    assert len(floods) <= len(above)
    assert sum(f.alarms for f in floods) == sum(kpis.per_period[i] for i in above) <= kpis.total
    spanned = sum(math.ceil((f.end - f.start) / PERIOD) for f in floods)
    assert spanned == len(above)  # each flood spans its consecutive periods, no more
    for first, second in itertools.pairwise(floods):
        assert second.start > first.end  # separate floods have a calmer period between them
    assert (kpis.peak > FLOOD_ABOVE) == bool(floods)
    for operator in kpis.operators:
        assert operator.flood_periods == sum(v > FLOOD_ABOVE for v in operator.per_period)


def acknowledgement_times_are_the_measured_ones(kpis: AlarmKpis, history: History) -> None:
    expected = sorted(
        (e.acked - e.raised).total_seconds()
        for e in history.episodes
        if history.start <= e.raised <= history.end and history.rang(e) and e.acked and e.acked <= history.end
    )
    assert sorted(kpis.ack_seconds) == expected
    assert sum(op.acknowledged for op in kpis.operators) == len(expected)
    if expected:
        assert kpis.ack_p50_s is not None
        assert kpis.ack_p95_s is not None
        assert expected[0] <= kpis.ack_p50_s <= kpis.ack_p95_s <= expected[-1]
    else:
        assert kpis.ack_p50_s is None
        assert kpis.ack_p95_s is None


def standing_alarms_waited_more_than_thirty_minutes(kpis: AlarmKpis, history: History) -> None:
    standing = {(s.alarm.incident_id, s.alarm.raised_at) for s in kpis.standing}
    for item in kpis.standing:
        assert item.unacknowledged_for > STANDING_AFTER
        assert item.alarm.raised_at + STANDING_AFTER < history.end
    for episode in history.episodes:
        if not history.rang(episode):
            continue
        waited_until = min(t for t in (episode.acked, episode.cleared, history.end) if t is not None)
        stood = max(history.start, episode.raised + STANDING_AFTER) < waited_until
        assert ((episode.incident, episode.raised) in standing) == stood


def chattering_alarms_came_back_three_times_in_ten_minutes(kpis: AlarmKpis, history: History) -> None:
    for repeated in kpis.repeated:
        assert len(repeated.raises) >= 2
        assert list(repeated.raises) == sorted(repeated.raises)
        assert all(history.start <= t <= history.end for t in repeated.raises)
        spans = [b - a for a, b in zip(repeated.raises, repeated.raises[2:], strict=False)]
        assert repeated.chattering == any(w <= timedelta(minutes=10) for w in spans)
    assert set(kpis.chattering) <= set(kpis.repeated)


@settings(max_examples=60, deadline=None)
@given(histories(), st.integers(1, 71))
def test_two_halves_of_a_shift_add_up_to_the_whole(history: History, cut_periods: int) -> None:
    """Cutting the shift on a period boundary splits the series in two, no alarm lost or doubled."""
    cut = history.start + cut_periods * PERIOD
    if not history.start < cut < history.end:
        return
    whole = compute_alarm_kpis(history.records, history.start, history.end)
    first = compute_alarm_kpis(history.records, history.start, cut)
    second = compute_alarm_kpis(history.records, cut, history.end)
    at_cut = sum(1 for r in history.records if r.action is AlarmAction.RAISED and r.at == cut)
    assert first.total + second.total - whole.total in range(0, at_cut + 1)  # the boundary belongs to both
    assert first.per_period[:-1] == whole.per_period[: cut_periods - 1]


def record(
    action: AlarmAction, minute: float, by: str = "Ada", incident: str = "inc_1", category: str = ""
) -> AlarmRecord:
    reasons = (AlarmReason.NEW_CRITICAL,) if action is not AlarmAction.SHELVED else ()
    at = START + timedelta(minutes=minute)
    return AlarmRecord(incident, action, reasons, by, at, workstation="desk-1", category=category)


def test_a_worked_shift() -> None:
    """An hour: a burst of 12 alarms between 06:20 and 06:30 (a flood), two operators, one standing alarm."""
    records = [
        record(AlarmAction.RAISED, 1, incident="inc_old", category="medical")
    ]  # 06:01, never acknowledged
    for k in range(12):
        records.append(record(AlarmAction.RAISED, 20 + k * 0.5, incident=f"inc_{k}", category="sos"))
        records.append(record(AlarmAction.ACKNOWLEDGED, 21 + k * 0.5, incident=f"inc_{k}"))
    records.append(record(AlarmAction.RAISED, 45, by="Bola", incident="inc_late", category="vehicle"))
    kpis = compute_alarm_kpis(records, START, START + timedelta(hours=1))
    assert kpis.per_period == (1, 0, 12, 0, 1, 0)
    assert kpis.flood_periods == (2,)
    (flood,) = kpis.floods
    assert (flood.start, flood.end, flood.alarms) == (
        START + timedelta(minutes=20),
        START + timedelta(minutes=30),
        12,
    )
    assert kpis.average == pytest.approx(13.5 / 6)  # 06:40-06:50: Ada hands over to Bola, ½ each
    assert load_words(kpis.average) == "over-demanding"
    assert kpis.ack_p50_s == kpis.ack_p95_s == 60.0
    assert [s.alarm.incident_id for s in kpis.standing] == ["inc_old"]
    assert kpis.standing[0].unacknowledged_for == timedelta(minutes=59)
    assert kpis.categories == (("sos", 12), ("medical", 1), ("vehicle", 1))
    ada, bola = kpis.operators
    assert (ada.operator, ada.alarms, ada.periods_on_duty, ada.acknowledged) == (
        "Ada",
        13,
        (0, 1, 2, 3, 4),
        12,
    )
    assert (bola.operator, bola.alarms, bola.periods_on_duty) == ("Bola", 1, (4, 5))
    assert ada.average == pytest.approx(13 / 5)
    assert kpis.unacknowledged_at_end == 2


def mark(action: AlarmAction, minute: float, by: str, workstation: str = "desk-1") -> AlarmRecord:
    """The console's `started`/`stopped` mark."""
    at = START + timedelta(minutes=minute)
    return AlarmRecord(ALL_INCIDENTS, action, (), by, at, workstation=workstation)


def test_started_and_stopped_marks_say_who_had_the_alarms_when() -> None:
    """An hour on desk-1: Ada 06:05-06:20, nobody 06:20-06:40, Bola from 06:40; Chidi watches a quiet desk-2
    from 06:45. Unstaffed periods are left out of the average; a quiet operator shares the load."""
    records = [mark(AlarmAction.STARTED, 5, "Ada")]
    records += [record(AlarmAction.RAISED, 6 + k, incident=f"inc_{k}") for k in range(3)]
    records += [mark(AlarmAction.STOPPED, 20, "Ada"), mark(AlarmAction.STARTED, 40, "Bola")]
    records += [record(AlarmAction.RAISED, 50 + k, by="Bola", incident=f"inc_b{k}") for k in range(2)]
    records.append(mark(AlarmAction.STARTED, 45, "Chidi", workstation="desk-2"))
    end = START + timedelta(hours=1)
    spans = duty_spans(records, START, end)
    assert spans == {
        "Ada": [(START + timedelta(minutes=5), START + timedelta(minutes=20))],
        "Bola": [(START + timedelta(minutes=40), end)],
        "Chidi": [(START + timedelta(minutes=45), end)],
    }
    kpis = compute_alarm_kpis(records, START, end)
    assert kpis.staffed == (True, True, False, False, True, True)
    assert kpis.per_period == (3, 0, 0, 0, 0, 2)
    assert kpis.per_operator == (3, 0, 0, 0, 0, 1)  # 06:50: Bola and Chidi both had alarms
    assert kpis.average == pytest.approx(4 / 4)  # over the four staffed periods
    ops = {op.operator: op.periods_on_duty for op in kpis.operators}
    assert ops == {"Ada": (0, 1), "Bola": (4, 5), "Chidi": (4, 5)}


def test_a_log_without_marks_has_its_first_operator_from_the_shift_start() -> None:
    records = [record(AlarmAction.RAISED, 25), record(AlarmAction.RAISED, 35, by="Bola", incident="inc_2")]
    end = START + timedelta(hours=1)
    assert duty_spans(records, START, end) == {
        "Ada": [(START, START + timedelta(minutes=35))],
        "Bola": [(START + timedelta(minutes=35), end)],
    }


def test_an_alarm_that_keeps_coming_back_is_chattering() -> None:
    records = []
    for k in range(4):
        records.append(record(AlarmAction.RAISED, 10 + 3 * k))
        records.append(record(AlarmAction.CLEARED, 11 + 3 * k))
    kpis = compute_alarm_kpis(records, START, START + timedelta(hours=1))
    (repeated,) = kpis.repeated
    assert repeated.chattering
    assert len(repeated.raises) == 4
    assert kpis.cleared_unacknowledged == 4


def test_an_acknowledged_reason_comes_back_silently() -> None:
    records = [
        record(AlarmAction.RAISED, 1),
        record(AlarmAction.ACKNOWLEDGED, 2),
        record(AlarmAction.CLEARED, 3),
        record(AlarmAction.RAISED, 4),  # the book does not ring it again
    ]
    kpis = compute_alarm_kpis(records, START, START + timedelta(minutes=30))
    assert kpis.total == 1
    assert kpis.silent_returns == 1
    assert len(kpis.repeated) == 1  # but it is still re-alarming


def test_words_and_percentiles() -> None:
    assert [load_words(x) for x in (0, 1, 1.5, 2, 2.1, 10, 10.5)] == [
        "acceptable", "acceptable", "manageable", "manageable", "over-demanding", "over-demanding", "flood",
    ]  # fmt: skip
    assert percentile([], 50) is None
    assert percentile([5.0], 95) == 5.0
    assert percentile([float(v) for v in range(1, 101)], 95) == pytest.approx(95.05)
    with pytest.raises(ValueError, match="end after it starts"):
        compute_alarm_kpis([], START, START)
