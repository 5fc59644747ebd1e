"""A simple statistical outlook for the next 24 hours around a place.

Each of the next 24 hours gets a Poisson rate: the mean of the rate seen at the same UTC hour on
the same weekday and the rate seen at that hour on any day (the weekday part only with at least two
weeks of history). The expected count is the sum of those rates, the chance of at least one incident
is `1 − e^(−expected)`, and the risk level compares the expected count with what an average place
of the same size in the city would expect.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from sety_console.api.models import RiskLevel, RiskPrediction

from .records import Columns

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PARTS_OF_DAY = ("night", "morning", "afternoon", "evening")
"""Six-hour parts of a UTC day: 00–05, 06–11, 12–17, 18–23."""

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


def predict(cols: Columns, outlook: Outlook) -> RiskPrediction:
    """The next-24-hours outlook from the area's incidents of the last `outlook.days` days."""
    expected = expected_incidents(cols, outlook.days, outlook.now)
    probability = 1.0 - math.exp(-expected)
    baseline = outlook.city_rate * outlook.area_km2
    ratio = expected / baseline if baseline > 0 else 0.0
    confidence = len(cols) / (len(cols) + CONFIDENCE_HALF) * min(1.0, outlook.days / 28.0)
    return RiskPrediction(
        next_24h_risk=_level(probability, ratio),
        probability=round(probability, 2),
        expected_incidents=round(expected, 2),
        confidence=round(min(0.95, confidence), 2),
        factors=_reasons(cols, outlook, ratio),
    )


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
    if count >= 5:
        slots = np.bincount(cols.weekday * 4 + cols.hour // 6, minlength=28)
        best = int(np.argmax(slots))
        reasons.append(
            f"{WEEKDAYS[best // 4]} {PARTS_OF_DAY[best % 4]}s have the most incidents in this area"
        )
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
