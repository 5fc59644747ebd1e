"""Colours and words of the map for the Qt panels and the Leaflet page alike, taken from the one palette
(`ui/common/palette.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sety_console.api.models import Category, RiskLevel, SafetyLevel, SafeZoneKind, Severity
from sety_console.ui.common.palette import UNKNOWN, colors

MAP_THEME = colors("light")
"""The map page is drawn on light tiles: it takes the light theme's colours of the one palette."""
UNKNOWN_COLOR = MAP_THEME.severity[UNKNOWN]


def _known(mapping: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in mapping.items() if k != UNKNOWN}


SEVERITY_COLORS = _known(MAP_THEME.severity)
"""Incident severity. Low is blue (not green) so that no incident ever reads as 'safe'."""
RISK_COLORS = _known(MAP_THEME.risk)
"""Danger-zone risk level, a warm ramp: every danger zone is some kind of warning."""
SAFETY_COLORS = _known(MAP_THEME.safety)
"""Safety score and route segment level, green (safe) to red (danger)."""

SAFE_ZONE_BADGES: dict[str, tuple[str, str]] = {
    "police_station": ("P", "#1a237e"),
    "hospital": ("H", "#c62828"),
    "fire_station": ("F", "#e65100"),
    "secure_facility": ("S", "#37474f"),
    "public_space": ("O", "#2e7d32"),
}
"""Safe-zone kind → (letter on the badge, badge colour)."""

CATEGORY_KEYS = ("sos", "vehicle", "location_threat", "medical")

HEAT_GRADIENT = {"0.2": "#2c7bb6", "0.45": "#abd9e9", "0.65": "#fdae61", "0.85": "#d7191c", "1": "#7f0000"}


def severity_color(severity: Severity | str) -> str:
    return MAP_THEME.severity_color(str(severity))


def risk_color(level: RiskLevel | str) -> str:
    return MAP_THEME.risk_color(str(level))


def safety_color(level: SafetyLevel | str) -> str:
    return MAP_THEME.safety_color(str(level))


def category_key(category: Category | None) -> str:
    """The icon name of a category: its value, or `unknown` for a value we do not know."""
    if category is None or category.is_unknown:
        return "unknown"
    return category.value


def js_config() -> dict[str, Any]:
    """Everything the page needs to draw with the same colours and words as the panels."""
    return {
        "severityColors": SEVERITY_COLORS,
        "severityLabels": {s.value: s.label for s in Severity},
        "riskColors": RISK_COLORS,
        "riskLabels": {r.value: r.label for r in RiskLevel},
        "safetyColors": SAFETY_COLORS,
        "safetyLabels": {s.value: s.label for s in SafetyLevel},
        "safeZoneBadges": {k: list(v) for k, v in SAFE_ZONE_BADGES.items()},
        "safeZoneLabels": {k.value: k.label for k in SafeZoneKind},
        "unknownColor": UNKNOWN_COLOR,
        "heatGradient": HEAT_GRADIENT,
    }
