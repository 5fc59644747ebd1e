"""Words and numbers for people: hours, distances, categories, and typed coordinates."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache

from sety_console.api.models import Category, OpenEnum

from .local_time import to_local
from .wording import category_name

LatLng = tuple[float, float]

_POINT = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*[,;\s]\s*([-+]?\d+(?:\.\d+)?)\s*$")


class CoordinateError(ValueError):
    """A typed point that is not `lat, lng`; the message says what to type instead."""


@lru_cache(maxsize=256)
def category_label(category: Category | None) -> str:
    """A category in words (`—` for none)."""
    return "—" if category is None else category_name(category)


@lru_cache(maxsize=256)
def enum_label(value: OpenEnum | None) -> str:
    return "—" if value is None else value.label


def format_hours(hours: Sequence[int]) -> str:
    """`[19, 20, 21]` → `19:00–22:00 UTC`; runs are merged, midnight wraps; empty → `none`."""
    wanted = sorted({h % 24 for h in hours})
    if not wanted:
        return "none"
    if len(wanted) == 24:
        return "all day"
    runs: list[list[int]] = []
    for hour in wanted:
        if runs and hour == runs[-1][-1] + 1:
            runs[-1].append(hour)
        else:
            runs.append([hour])
    if len(runs) > 1 and runs[0][0] == 0 and runs[-1][-1] == 23:
        runs[0] = runs.pop() + runs[0]
    parts = [f"{run[0]:02d}:00–{(run[-1] + 1) % 24:02d}:00" for run in runs]
    return ", ".join(parts) + " UTC"


def format_distance(meters: float) -> str:
    if meters < 1000:
        return f"{meters:.0f} m"
    return f"{meters / 1000:.1f} km"


@lru_cache(maxsize=8192)
def format_time(value: datetime | None) -> str:
    """`10 Mar 19:00 WAT`, in the display zone (cached: the map formats the same times on every update)."""
    return "—" if value is None else f"{to_local(value):%d %b %H:%M %Z}"


def format_point(point: LatLng) -> str:
    return f"{point[0]:.5f}, {point[1]:.5f}"


def parse_point(text: str) -> LatLng:
    """Read a typed `lat, lng` (latitude first), e.g. `6.5244, 3.3792`.

    Raises `CoordinateError` with a sentence an operator can act on.
    """
    if not text.strip():
        raise CoordinateError("Type a point as 'latitude, longitude', for example 6.5244, 3.3792.")
    match = _POINT.match(text)
    if match is None:
        raise CoordinateError(
            f"'{text.strip()}' is not a point. Type 'latitude, longitude', for example 6.5244, 3.3792."
        )
    lat, lng = float(match.group(1)), float(match.group(2))
    if not -90 <= lat <= 90:
        raise CoordinateError(f"Latitude {lat:g} is outside -90…90. Is the order 'latitude, longitude'?")
    if not -180 <= lng <= 180:
        raise CoordinateError(f"Longitude {lng:g} is outside -180…180.")
    return (lat, lng)
