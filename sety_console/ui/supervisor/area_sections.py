"""The area-analytics sections as rich text: factors, comparison, prediction, patterns, safe zones.

Each builder returns HTML for a `QLabel` (words with every colour; hours in UTC). `SectionBox` is
the titled frame they sit in.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QSizePolicy, QVBoxLayout, QWidget

from sety_console.api.models import (
    IncidentPatterns,
    LocationComparison,
    RiskPrediction,
    SafetyScore,
    SafeZones,
)
from sety_console.ui.common.palette import Palette
from sety_console.ui.supervisor.wording import (
    distance_text,
    enum_label,
    hour_range,
    percent_text,
    trend_text,
    weekday_name,
)

__all__ = [
    "SectionBox",
    "comparison_html",
    "factors_html",
    "patterns_html",
    "prediction_html",
    "safe_zones_html",
]

BIG = "font-size: 20pt; font-weight: 800;"
MEDIUM = "font-size: 13pt; font-weight: 700;"


class SectionBox(QGroupBox):
    """A titled frame holding one rich-text label; `set_html` replaces its content."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.setStyleSheet("QGroupBox { font-weight: 700; font-size: 11pt; }")
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addStretch(1)

    def set_html(self, html: str) -> None:
        self.label.setText(html)

    def text(self) -> str:
        return self.label.text()


def _factor_name(name: str) -> str:
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _rows(*rows: tuple[str, str]) -> str:
    """A two-column table: words on the left, the figure in bold on the right."""
    cells = "".join(f"<tr><td>{escape(k)}</td><td align='right'><b>{v}</b></td></tr>" for k, v in rows)
    return f"<table cellspacing='4'>{cells}</table>"


def factors_html(score: SafetyScore, palette: Palette) -> str:
    """Why the score is what it is: each factor's impact (− lowers, + raises) and its reason."""
    head = (
        f"<p><b>{score.incident_count}</b> incidents within {score.radius_km or 2:g} km; "
        f"<b>{score.recent_incidents_7d}</b> in the last 7 days.</p>"
    )
    if not score.factors:
        return head + f"<p style='color:{palette.muted}'>The server gave no factors for this score.</p>"
    rows = []
    for factor in sorted(score.factors, key=lambda f: f.impact):
        colour = palette.safety_color("danger") if factor.impact < 0 else palette.safety_color("safe")
        effect = "lowers" if factor.impact < 0 else "raises"
        rows.append(
            f"<tr><td style='color:{colour}; font-weight:800; font-size:13pt; padding-right:8px'>"
            f"{factor.impact:+d}</td><td><b>{escape(_factor_name(factor.name))}</b> "
            f"<span style='color:{palette.muted}'>({effect} the score)</span><br>"
            f"{escape(factor.description)}</td></tr>"
        )
    return head + "<table cellspacing='4'>" + "".join(rows) + "</table>"


def comparison_html(comparison: LocationComparison, score: int, palette: Palette) -> str:
    """Percentile, the area and city averages next to this place, and the trend in words."""
    trend = trend_text(comparison.trend, comparison.change_percent)
    tone = {
        "bad": palette.safety_color("danger"),
        "good": palette.safety_color("safe"),
        "neutral": palette.muted,
    }[trend.tone]
    return (
        f"<p><span style='{BIG}'>Safer than {comparison.percentile} %</span><br>"
        "of the city's places</p>"
        + _rows(
            ("This place", str(score)),
            ("Area average (about 10 km)", str(comparison.area_average_score)),
            ("City average", str(comparison.city_average_score)),
        )
        + f"<p style='color:{tone}; {MEDIUM}'>{trend.arrow} {escape(trend.headline)}</p>"
        f"<p>{escape(trend.detail[:1].upper() + trend.detail[1:])}.</p>"
    )


def prediction_html(prediction: RiskPrediction, palette: Palette) -> str:
    """The next-24-hour outlook: risk level in words and colour, chance, expected count, confidence."""
    level = prediction.next_24h_risk
    colour = palette.risk_color(level.value)
    factors = "".join(f"<li>{escape(text)}</li>" for text in prediction.factors)
    return (
        f"<p><span style='{BIG} color:{colour}'>{escape(level.label)} risk</span><br>"
        "in the next 24 hours</p>"
        + _rows(
            ("Chance of at least one incident", percent_text(prediction.probability)),
            ("Expected incidents", f"{prediction.expected_incidents:.1f}"),
            ("Confidence (how much history backs it)", percent_text(prediction.confidence)),
        )
        + (f"<p><b>Why:</b></p><ul>{factors}</ul>" if factors else "")
    )


def patterns_html(patterns: IncidentPatterns, palette: Palette) -> str:
    """Hotspots (clusters) and recurring category/weekday/hour patterns, in sentences."""
    muted = f"<span style='color:{palette.muted}'>"
    parts = ["<p><b>Hotspots</b></p>"]
    if patterns.hotspots:
        items = []
        for spot in sorted(patterns.hotspots, key=lambda h: h.incident_count, reverse=True):
            what = enum_label(spot.dominant_category, "mixed")
            what = what if what.isupper() else what.lower()
            items.append(
                f"<li><b>{spot.incident_count}</b> incidents, mostly {escape(what)} "
                f"{muted}at {spot.center.lat:.4f}, {spot.center.lng:.4f}</span></li>"
            )
        parts.append("<ul>" + "".join(items) + "</ul>")
    else:
        parts.append(f"<p>{muted}No hotspots.</span></p>")
    parts.append("<p><b>Recurring</b></p>")
    if patterns.recurring:
        items = [
            f"<li>{escape(enum_label(p.category))} on <b>{weekday_name(p.weekday)}s</b> around "
            f"<b>{hour_range(p.hour)}</b> — {p.count} times</li>"
            for p in sorted(patterns.recurring, key=lambda r: r.count, reverse=True)
        ]
        parts.append("<ul>" + "".join(items) + "</ul>")
    else:
        parts.append(f"<p>{muted}No recurring pattern.</span></p>")
    return "".join(parts)


def safe_zones_html(safe_zones: SafeZones, palette: Palette) -> str:
    """Nearby places of safety, nearest first, with distance and opening."""
    if not safe_zones.zones:
        return f"<p style='color:{palette.muted}'>No safe zones known nearby.</p>"
    rows = [
        f"<tr><td><b>{escape(zone.name)}</b><br><span style='color:{palette.muted}'>{escape(zone.kind.label)}"
        f"{' · open 24 h' if zone.open_24h else ''}</span></td>"
        f"<td align='right' style='font-size:13pt; font-weight:700; padding-left:10px'>"
        f"{distance_text(zone.distance_meters)}</td></tr>"
        for zone in sorted(safe_zones.zones, key=lambda z: z.distance_meters)
    ]
    return "<table cellspacing='5' width='100%'>" + "".join(rows) + "</table>"
