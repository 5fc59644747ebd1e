"""When things happen in Lagos: hour-of-day and day-of-week profiles, and times drawn from them.

Profiles are written in Lagos local time (UTC+1, no daylight saving) and index 0 = 00:00–00:59;
weekdays run Monday (0) to Sunday (6). Values are relative weights, not counts.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from ..geodata import LAGOS_UTC_OFFSET_HOURS

HOURLY: dict[str, tuple[int, ...]] = {
    # Threats peak at night, most of all 20:00–23:00.
    "sos": (6, 5, 4, 3, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 5, 6, 8, 9, 10, 9, 7),
    "location_threat": (7, 6, 5, 4, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 4, 5, 6, 8, 10, 10, 9, 8),
    # Vehicle incidents follow the rush hours.
    "vehicle": (2, 1, 1, 1, 1, 3, 6, 9, 9, 6, 4, 4, 4, 4, 4, 5, 7, 9, 9, 7, 5, 4, 3, 2),
    # Medical calls follow people's waking hours.
    "medical": (3, 2, 2, 2, 2, 3, 4, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 5, 5, 4, 3),
}

WEEKLY: dict[str, tuple[float, ...]] = {
    "sos": (0.9, 0.85, 0.9, 0.95, 1.25, 1.35, 1.0),
    "location_threat": (0.9, 0.85, 0.9, 0.95, 1.3, 1.4, 1.0),
    "vehicle": (1.15, 1.1, 1.1, 1.1, 1.2, 0.75, 0.55),
    "medical": (1.0, 1.0, 1.0, 1.0, 1.05, 1.05, 0.95),
}

CATEGORY_SHARE: dict[str, float] = {"sos": 0.30, "vehicle": 0.25, "location_threat": 0.30, "medical": 0.15}
"""How the history splits between categories over a whole week."""

_OFFSET = timedelta(hours=LAGOS_UTC_OFFSET_HOURS)


def local_time(moment: datetime) -> datetime:
    """`moment` (aware UTC) as a naive Lagos wall-clock time."""
    return moment.replace(tzinfo=None) + _OFFSET


def rhythm_weight(category: str, moment: datetime) -> float:
    """Relative chance of a `category` incident at `moment`, from its hour and weekday profiles."""
    local = local_time(moment)
    return HOURLY[category][local.hour] * WEEKLY[category][local.weekday()]


def max_rhythm_weight(category: str) -> float:
    """The largest `rhythm_weight` of a category (for rejection sampling)."""
    return max(HOURLY[category]) * max(WEEKLY[category])


_OFFSET_S = LAGOS_UTC_OFFSET_HOURS * 3600
_WEEK_TABLES: dict[str, tuple[float, ...]] = {}


def _week_table(category: str) -> tuple[float, ...]:
    """`rhythm_weight` of each local hour of the week (Monday 00:00 = 0), computed once per category."""
    table = _WEEK_TABLES.get(category)
    if table is None:
        hourly, weekly = HOURLY[category], WEEKLY[category]
        table = tuple(hourly[h % 24] * weekly[h // 24] for h in range(7 * 24))
        _WEEK_TABLES[category] = table
    return table


def draw_epoch(rng: random.Random, category: str, start_s: float, end_s: float) -> float:
    """Seconds since 1970 in `[start_s, end_s)` drawn with the category's daily and weekly rhythm."""
    span = end_s - start_s
    if span <= 0:
        raise ValueError("the time window must not be empty")
    table, ceiling = _week_table(category), max_rhythm_weight(category)
    while True:
        moment = start_s + rng.random() * span
        local_hours = int((moment + _OFFSET_S) // 3600)
        slot = ((local_hours // 24 + 3) % 7) * 24 + local_hours % 24  # 1970-01-01 was a Thursday
        if rng.random() * ceiling <= table[slot]:
            return moment


def draw_time(rng: random.Random, category: str, start: datetime, end: datetime) -> datetime:
    """A moment in `[start, end)` drawn with the category's daily and weekly rhythm (whole ms)."""
    ms = math.floor(draw_epoch(rng, category, start.timestamp(), end.timestamp()) * 1000)
    return datetime.fromtimestamp(ms // 1000, UTC).replace(microsecond=ms % 1000 * 1000)


def draw_category(rng: random.Random, moment: datetime) -> str:
    """A category for an incident happening at `moment`: the overall mix tilted by the time of day."""
    categories = list(CATEGORY_SHARE)
    weights = [CATEGORY_SHARE[c] * rhythm_weight(c, moment) / _mean_weight(c) for c in categories]
    return rng.choices(categories, weights=weights)[0]


def _mean_weight(category: str) -> float:
    return sum(HOURLY[category]) / 24 * sum(WEEKLY[category]) / 7


def weighted_choice(rng: random.Random, items: Sequence[str], weights: Sequence[float]) -> str:
    """One of `items`, chosen with the given weights."""
    return rng.choices(list(items), weights=list(weights))[0]
