"""The alarm KPIs in words and numbers, the same on the supervisor's charts and in the handover report."""

from __future__ import annotations

import math
from datetime import datetime

from sety_console.api.models import Category

from .alarm_kpis import (
    ACCEPTABLE_PER_10_MIN,
    FLOOD_ABOVE,
    MANAGEABLE_PER_10_MIN,
    PERIOD,
    STANDING_AFTER,
    AlarmKpis,
    load_words,
)
from .alarm_model import AlarmReason
from .local_time import LocalZone
from .wording import duration_text, enum_label, plural

__all__ = [
    "DEFINITIONS",
    "OPERATOR_HEADERS",
    "REFERENCE_TEXT",
    "ack_text",
    "category_words",
    "headline",
    "operator_rows",
    "peak_period",
    "rate_text",
    "reason_words",
]

REFERENCE_TEXT = (
    f"EEMUA 191, alarms per operator per 10 minutes: ≤ {ACCEPTABLE_PER_10_MIN:g} acceptable, "
    f"≤ {MANAGEABLE_PER_10_MIN:g} manageable, more than {FLOOD_ABOVE} a flood."
)
DEFINITIONS = (
    f"Standing: unacknowledged for more than {STANDING_AFTER.seconds // 60} minutes. Chattering: the same "
    "alarm (incident and reason) raised 3 times or more within 10 minutes."
)


def rate_text(value: float) -> str:
    """`3`, `0.5`, `0.96`, `12` — an alarm rate as a person writes it, rounded up at the second decimal
    so that a rate just above a reference level (1.004) never reads as the level itself."""
    shown = math.ceil(round(value * 100, 6)) / 100
    return f"{shown:.2f}".rstrip("0").rstrip(".")


def category_words(value: str) -> str:
    """`SOS`, `Location threat`; `Not recorded` for alarms raised before categories were kept."""
    return enum_label(Category(value)) if value else "Not recorded"


def reason_words(reason: AlarmReason) -> str:
    """`SLA breached`, `New critical`, `Escalated`, `SLA at risk`."""
    label = reason.label
    return label[:1].upper() + label[1:]


def ack_text(kpis: AlarmKpis) -> str:
    """`p50 1 min 05 s · p95 6 min` or `no alarm was acknowledged`."""
    if kpis.ack_p50_s is None:
        return "no alarm was acknowledged"
    return f"p50 {duration_text(kpis.ack_p50_s)} · p95 {duration_text(kpis.ack_p95_s)}"


def peak_period(kpis: AlarmKpis) -> tuple[datetime, datetime] | None:
    """The first 10-minute period with the peak (None without alarms)."""
    if not kpis.total:
        return None
    index = kpis.per_operator.index(kpis.peak)
    start = kpis.period_starts[index]
    return start, min(start + PERIOD, kpis.end)


def headline(kpis: AlarmKpis, zone: LocalZone) -> str:
    """One sentence a supervisor reads first: the load against the standard, its peak, the floods."""
    if not kpis.total:
        return "No alarm rang during this shift."
    rate, words = rate_text(kpis.average), load_words(kpis.average)
    average = f"{rate} alarms per operator per 10 minutes on average ({words})"
    period = peak_period(kpis)
    assert period is not None
    begin, end = (zone.localise(t).strftime("%H:%M") for t in period)
    peak = f"peak {rate_text(kpis.peak)} at {begin}–{end} ({load_words(kpis.peak)})"
    floods = len(kpis.floods)
    flood_text = (
        "no flood"
        if not floods
        else plural(floods, "flood") + f" ({plural(len(kpis.flood_periods), 'period')})"
    )
    return f"{plural(kpis.total, 'alarm')}: {average}; {peak}; {flood_text}."


OPERATOR_HEADERS = (
    "Operator", "10-min periods on duty", "Alarms", "Average /10 min", "Peak /10 min", "Flood periods",
    "Acknowledged", "Shelved", "Median time to acknowledge",
)  # fmt: skip


def operator_rows(kpis: AlarmKpis) -> list[tuple[str, ...]]:
    """One row of words per operator (the KPI tab's table and the report's are the same)."""
    return [
        (
            op.operator or "(no operator name)",
            f"{len(op.periods_on_duty)} ({duration_text(len(op.periods_on_duty) * PERIOD.total_seconds())})",
            str(op.alarms),
            f"{rate_text(op.average)} ({load_words(op.average)})",
            rate_text(op.peak),
            str(op.flood_periods),
            str(op.acknowledged),
            str(op.shelved),
            duration_text(op.ack_p50_s),
        )
        for op in kpis.operators
    ]
