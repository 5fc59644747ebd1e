"""Operator wording shared by every workspace (plain text, no Qt): contract enums, categories, errors,
durations, distances, shares, weekdays. The supervisor's panels and the handover report use the same
words. Times of day are in `core.local_time`.
"""

from __future__ import annotations

from sety_console.api.models import Category, OpenEnum

__all__ = [
    "CATEGORY_NAMES",
    "WEEKDAYS",
    "WEEKDAY_NAMES",
    "category_name",
    "distance_text",
    "duration_text",
    "enum_label",
    "error_text",
    "percent_text",
    "plural",
    "signed_percent",
    "weekday_name",
]

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SPECIAL_LABELS = {"sos": "SOS", "sla_breached": "SLA breached"}

CATEGORY_NAMES = {
    Category.sos: "SOS",
    Category.vehicle: "Vehicle",
    Category.location_threat: "Location threat",
    Category.medical: "Medical",
}


def category_name(category: Category) -> str:
    """`SOS`, `Location threat`, … or `Unknown (raw)` for a value this version does not know."""
    return CATEGORY_NAMES.get(category, category.label)


def error_text(error: BaseException) -> str:
    """An error as one sentence for an operator: the API's errors already are; others get their type named."""
    text = str(error).strip()
    if not text:
        return f"{type(error).__name__} (no details)."
    return text if text.endswith((".", ")", "!", "?")) else text + "."


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


def weekday_name(index: int, short: bool = False) -> str:
    """0 → `Monday` (or `Mon`); out of range → `day N`."""
    names = WEEKDAYS if short else WEEKDAY_NAMES
    return names[index] if 0 <= index < len(names) else f"day {index}"


def plural(count: int, word: str, many: str | None = None) -> str:
    """`1 incident`, `3 incidents` (`many` for irregular plurals)."""
    return f"{count} {word}" if count == 1 else f"{count} {many or word + 's'}"
