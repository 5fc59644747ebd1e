"""Words and numbers a supervisor reads: durations, distances, trends, hours (UTC), places.

Pure functions (no Qt), shared by the panels and the handover report so both say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sety_console.api.models import OpenEnum, Trend
from sety_console.ui.supervisor.analytics_math import WEEKDAYS, Bin

__all__ = [
    "TrendText",
    "bin_label",
    "distance_text",
    "duration_text",
    "enum_label",
    "histogram_axis",
    "hour_range",
    "percent_text",
    "signed_percent",
    "trend_text",
    "utc_text",
    "weekday_name",
]

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


_SPECIAL_LABELS = {"sos": "SOS", "sla_breached": "SLA breached"}


def enum_label(value: OpenEnum | None, empty: str = "—") -> str:
    """The contract enum's words (`location_threat` → `Location threat`, `sos` → `SOS`)."""
    if value is None:
        return empty
    return _SPECIAL_LABELS.get(value.value, value.label) if not value.is_unknown else value.label


def duration_text(seconds: float | None) -> str:
    """`48 s`, `1 min 35 s`, `2 h 05 min`; `—` for no value."""
    if seconds is None:
        return "—"
    total = round(max(seconds, 0.0))
    if total < 60:
        return f"{total} s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _short_duration(seconds: float) -> str:
    total = round(seconds)
    if total < 60:
        return f"{total} s"
    if total < 3600:
        return f"{total / 60:g} min"
    return f"{total / 3600:g} h"


def bin_label(bin_: Bin) -> str:
    """A histogram bar's range: `0–30 s`, `1–2 min`, `≥ 10 min`."""
    if bin_.end is None:
        return f"≥ {_short_duration(bin_.start)}"
    start, end = _short_duration(bin_.start), _short_duration(bin_.end)
    start_number, _, start_unit = start.partition(" ")
    end_number, _, end_unit = end.partition(" ")
    if start_unit == end_unit or bin_.start == 0:
        return f"{start_number}–{end_number} {end_unit}"
    return f"{start}–{end}"


def histogram_axis(bins: list[Bin]) -> tuple[str, list[str]]:
    """A unit for a histogram's axis and the label of each bar edge in it (`0`, `0.5`, `1` … min).

    With an open last bar (values beyond the last edge), the last label is where that bar starts.
    """
    edges = [b.start for b in bins] + [b.end for b in bins if b.end is not None][-1:]
    top = max(edges, default=0.0)
    unit, size = (
        ("seconds", 1.0) if top <= 120 else ("minutes", 60.0) if top <= 180 * 60 else ("hours", 3600.0)
    )
    return unit, [f"{edge / size:g}" for edge in dict.fromkeys(edges)]


def distance_text(meters: float) -> str:
    """`850 m` below a kilometre, `1.1 km` above."""
    if meters < 1000:
        return f"{round(meters)} m"
    return f"{meters / 1000:.1f} km"


def percent_text(fraction: float | None, digits: int = 0) -> str:
    """0.62 → `62 %`; `—` for no value."""
    if fraction is None:
        return "—"
    return f"{fraction * 100:.{digits}f} %"


def signed_percent(value: float | None) -> str:
    """12.5 → `+12.5 %`; `—` for no value."""
    if value is None:
        return "—"
    return f"{value:+.1f} %"


def hour_range(hour: int) -> str:
    """20 → `20:00–21:00 UTC`."""
    return f"{hour:02d}:00–{(hour + 1) % 24:02d}:00 UTC"


def weekday_name(index: int, short: bool = False) -> str:
    """0 → `Monday` (or `Mon`); out of range → `day N`."""
    names = WEEKDAYS if short else WEEKDAY_NAMES
    return names[index] if 0 <= index < len(names) else f"day {index}"


def utc_text(moment: datetime | None) -> str:
    """`2026-03-10 18:05 UTC`; `—` for no value."""
    if moment is None:
        return "—"
    return moment.strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True, slots=True)
class TrendText:
    """A trend in words: arrow, headline and explanation; `tone` picks the colour."""

    arrow: str
    headline: str
    detail: str
    tone: str
    """`bad`, `good` or `neutral`."""


def trend_text(trend: Trend, change_percent: float | None) -> TrendText:
    """Worsening means more incidents than in the previous period; the change is spelled out."""
    if change_percent is None:
        change = "no incidents in the previous period to compare with"
    elif change_percent >= 0:
        change = f"incidents up {change_percent:.1f} % on the previous period"
    else:
        change = f"incidents down {-change_percent:.1f} % on the previous period"
    if trend is Trend.worsening:
        return TrendText("▲", "Getting worse", change, "bad")
    if trend is Trend.improving:
        return TrendText("▼", "Getting better", change, "good")
    if trend is Trend.stable:
        return TrendText("→", "Stable", change, "neutral")
    return TrendText("?", trend.label, change, "neutral")
