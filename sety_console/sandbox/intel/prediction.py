"""A simple statistical outlook for the next 24 hours around a place.

Each of the next 24 hours gets a Poisson rate: the mean of the rate seen at the same UTC hour on
the same weekday and the rate seen at that hour on any day (the weekday part only with at least two
weeks of history). The expected count is the sum of those rates, the chance of at least one incident
is `1 − e^(−expected)`, and the risk level compares the expected count with what an average place
of the same size in the city would expect.

The reasons come from the same numbers the rest of the answer shows: the busiest weekday is the
largest bar of `time_analysis.by_weekday`, and when the outlook is not the one the safety score's
level leads one to expect (safe → low, moderate → moderate, caution → high, danger → severe), the
first reason says why. No reason names a clock time (the console shows hours in local time).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from sety_console.api.models import RiskLevel, RiskPrediction, SafetyLevel

from .records import Columns

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
LEVEL_TO_RISK = {"safe": "low", "moderate": "moderate", "caution": "high", "danger": "severe"}
"""The outlook a safety level leads one to expect."""
RISK_RANK = {"low": 0, "moderate": 1, "high": 2, "severe": 3}

CONFIDENCE_HALF = 20
"""With this many incidents of history the confidence reaches one half (at four weeks or more)."""


@dataclass(frozen=True, slots=True)
class Outlook:
    """What the prediction needs besides the area's incidents of the period."""

    days: int
    now: datetime
    area_km2: float
    city_rate: float
    """Incidents per km² per day across the city's populated places over the same period."""
    change_percent: float | None
    recent_7d: int
    radius_text: str
    level: SafetyLevel
    """The safety score's level, which the outlook explains itself against."""
    by_weekday: tuple[int, ...]
    """The period's incidents by UTC weekday (`time_analysis.by_weekday`)."""


def predict(cols: Columns, outlook: Outlook) -> RiskPrediction:
    """The next-24-hours outlook from the area's incidents of the last `outlook.days` days."""
    expected = expected_incidents(cols, outlook.days, outlook.now)
    probability = 1.0 - math.exp(-expected)
    baseline = outlook.city_rate * outlook.area_km2
    ratio = expected / baseline if baseline > 0 else 0.0
    confidence = len(cols) / (len(cols) + CONFIDENCE_HALF) * min(1.0, outlook.days / 28.0)
    risk = _level(probability, ratio)
    return RiskPrediction(
        next_24h_risk=risk,
        probability=round(probability, 2),
        expected_incidents=round(expected, 2),
        confidence=round(min(0.95, confidence), 2),
        factors=[*_differs(outlook, risk, expected, ratio), *_reasons(cols, outlook, ratio)],
    )


def busiest_weekday(by_weekday: tuple[int, ...]) -> int | None:
    """The weekday with the most incidents (ties: the earlier day); None without incidents."""
    if not any(by_weekday):
        return None
    return max(range(len(by_weekday)), key=lambda d: (by_weekday[d], -d))


def _differs(outlook: Outlook, risk: RiskLevel, expected: float, ratio: float) -> list[str]:
    """Why the outlook is not what the score's level suggests (nothing when it is)."""
    wanted = RISK_RANK.get(LEVEL_TO_RISK.get(outlook.level.value, ""), -1)
    rank = RISK_RANK.get(risk.value, -1)
    if wanted < 0 or rank < 0 or rank == wanted:
        return []
    level, words = outlook.level.value.capitalize(), risk.value
    rate = f"{ratio:.1f} times the city's incident rate for an area this size"
    if rank > wanted:
        if ratio < 1.0:
            rate = f"close to the city's incident rate for an area this size ({ratio:.1f} times)"
        return [f"{level} on average, but the next 24 hours look {words}: {rate} at this time of the week"]
    return [
        f"{level} on average, but the next 24 hours look {words}: {expected:.1f} incidents expected, {rate}"
    ]


def expected_incidents(cols: Columns, days: int, now: datetime) -> float:
    """Sum over the next 24 hours of the blended same-hour / same-weekday-and-hour Poisson rates."""
    by_hour = np.bincount(cols.hour, minlength=24)
    by_slot = np.bincount(cols.weekday * 24 + cols.hour, minlength=7 * 24)
    weekday_share = 0.5 if days >= 14 else 0.0
    start = now.replace(minute=0, second=0, microsecond=0)
    total = 0.0
    for step in range(24):
        moment = start + timedelta(hours=step)
        hourly = by_hour[moment.hour] / days
        weekly = by_slot[moment.weekday() * 24 + moment.hour] / (days / 7.0)
        total += (1.0 - weekday_share) * hourly + weekday_share * weekly
    return float(total)


def _level(probability: float, ratio: float) -> RiskLevel:
    """`low` below a 15 % chance or 0.6 × the city's rate; then moderate < 1.2 ×, high < 2 ×, severe."""
    if probability < 0.15 or ratio < 0.6:
        return RiskLevel.low
    if ratio < 1.2:
        return RiskLevel.moderate
    if ratio < 2.0:
        return RiskLevel.high
    return RiskLevel.severe


def _reasons(cols: Columns, outlook: Outlook, ratio: float) -> list[str]:
    """Readable reasons behind the prediction, most telling first."""
    count = len(cols)
    if count == 0:
        return [f"No incidents within {outlook.radius_text} in the last {outlook.days} days"]
    reasons = []
    busiest = busiest_weekday(outlook.by_weekday)
    if count >= 5 and busiest is not None:
        reasons.append(f"{WEEKDAYS[busiest]}s have the most incidents in this area")
    if outlook.change_percent is not None:
        change = outlook.change_percent
        direction = "up" if change > 0 else "down" if change < 0 else "unchanged"
        amount = f" {abs(change):g}%" if change else ""
        reasons.append(f"Incident count {direction}{amount} on the previous {outlook.days} days")
    if outlook.recent_7d:
        noun = "incident" if outlook.recent_7d == 1 else "incidents"
        reasons.append(f"{outlook.recent_7d} {noun} in the last 7 days")
    if ratio > 0:
        reasons.append(f"{ratio:.1f} times the city's incident rate for an area this size")
    reasons.append(f"Based on {count} incident{'s' if count != 1 else ''} over {outlook.days} days")
    return reasons
