"""Meaningful colours (severity, risk, safety, SLA urgency, flashes, badges) for the dark and light
themes — the one palette of the console: the widgets and the map page (`ui/map/palette.py` hands the
light theme's colours to the page) draw with the same values.

Strong but not garish: critical and breached are unmistakable in both themes, everything calm is
quiet. Two scales never mix: **risk** (danger zones, next-24 h outlook) is a warm ramp — even a low
risk is yellow, a warning — while **safety** (scores, route segments) runs from green (safe) to red.
Colours are `#rrggbb` strings so they serve QColor, style sheets and HTML alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sety_console.core.rules import SlaUrgency

UNKNOWN = "unknown"
"""Key of the colour used for an enum value this version does not know."""


@dataclass(frozen=True, slots=True)
class Swatch:
    """A text colour and an optional background (None: the view's own background)."""

    fg: str
    bg: str | None = None


@dataclass(frozen=True, slots=True)
class Palette:
    """Every semantic colour of one theme."""

    theme: str
    text: str
    muted: str
    base: str
    surface: str
    severity: Mapping[str, str]
    """Chip colour by severity value (`critical` … `low`, and `unknown`)."""
    risk: Mapping[str, str]
    """By risk level (`low` … `severe`), and `unknown`: a warm ramp."""
    safety: Mapping[str, str]
    """By safety level (`safe` … `danger`), and `unknown`: green to red."""
    sla: Mapping[SlaUrgency, Swatch]
    flash: str
    """Background of a row that just arrived (fades out)."""
    critical_row: str
    """Background tint of an active critical incident's row: it must stand out at a glance."""
    drill: Swatch
    note: Swatch
    """Timeline notes: highlighted so they stand out from status events."""
    pending: str
    failed: str
    closed: str
    """Text of closed (resolved or cancelled) incidents."""

    def severity_color(self, value: str) -> str:
        """Chip colour of a severity value; unknown values get the `unknown` colour."""
        return self.severity.get(value, self.severity[UNKNOWN])

    def risk_color(self, value: str) -> str:
        """Colour of a risk level; unknown values get the `unknown` colour."""
        return self.risk.get(value, self.risk[UNKNOWN])

    def safety_color(self, value: str) -> str:
        """Colour of a safety level; unknown values get the `unknown` colour."""
        return self.safety.get(value, self.safety[UNKNOWN])

    def sla_swatch(self, urgency: SlaUrgency) -> Swatch:
        """Colours of an SLA clock by urgency (ok → warning → critical → breached)."""
        return self.sla[urgency]


_DARK = Palette(
    theme="dark",
    text="#dde3ea",
    muted="#8592a3",
    base="#171a20",
    surface="#1f242c",
    severity={
        "critical": "#ff4d4f",
        "high": "#ff9a2e",
        "medium": "#e3c046",
        "low": "#5aa3e0",
        UNKNOWN: "#b87ff5",
    },
    risk={
        "severe": "#d9363e",
        "high": "#ff6b57",
        "moderate": "#ff9a2e",
        "low": "#f2cc60",
        UNKNOWN: "#b87ff5",
    },
    safety={
        "safe": "#3fb950",
        "moderate": "#b5c334",
        "caution": "#ff9a2e",
        "danger": "#ff4d4f",
        UNKNOWN: "#b87ff5",
    },
    sla={
        SlaUrgency.OK: Swatch("#7ee08f"),
        SlaUrgency.WARNING: Swatch("#f2cc60"),
        SlaUrgency.CRITICAL: Swatch("#ffffff", "#b45309"),
        SlaUrgency.BREACHED: Swatch("#ffffff", "#c62828"),
    },
    flash="#16857f",
    critical_row="#3a1a1e",
    drill=Swatch("#e9ddff", "#5b3f99"),
    note=Swatch("#f2e6b8", "#3a3420"),
    pending="#9fb4d0",
    failed="#ff6b6b",
    closed="#7d8898",
)

_LIGHT = Palette(
    theme="light",
    text="#1a222d",
    muted="#5f6b7a",
    base="#ffffff",
    surface="#e9edf2",
    severity={
        "critical": "#c62828",
        "high": "#ef6c00",
        "medium": "#f9a825",
        "low": "#1e88e5",
        UNKNOWN: "#78909c",
    },
    risk={
        "severe": "#8e0000",
        "high": "#e53935",
        "moderate": "#fb8c00",
        "low": "#fdd835",
        UNKNOWN: "#78909c",
    },
    safety={
        "safe": "#2e7d32",
        "moderate": "#9e9d24",
        "caution": "#ef6c00",
        "danger": "#c62828",
        UNKNOWN: "#78909c",
    },
    sla={
        SlaUrgency.OK: Swatch("#1a7f37"),
        SlaUrgency.WARNING: Swatch("#8a5a00"),
        SlaUrgency.CRITICAL: Swatch("#ffffff", "#c2410c"),
        SlaUrgency.BREACHED: Swatch("#ffffff", "#b3261e"),
    },
    flash="#8fe3dc",
    critical_row="#fde4e4",
    drill=Swatch("#3d2370", "#e4d8fb"),
    note=Swatch("#4a3b00", "#fff4c2"),
    pending="#44618a",
    failed="#b3261e",
    closed="#7a8594",
)

_PALETTES = {"dark": _DARK, "light": _LIGHT}


def colors(theme: str) -> Palette:
    """The palette of `theme` (`dark` or `light`); anything else gets the dark one."""
    return _PALETTES.get(theme, _DARK)
