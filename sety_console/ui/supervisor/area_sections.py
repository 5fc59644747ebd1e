"""The area-analytics sections as rich text: factors, comparison, outlook, patterns, safe zones.

Each builder returns HTML for a `QLabel` (words with every colour), drawn from the one
`AreaReading` of the answer so no two sections can disagree; hours are local to the service area.
`SectionBox` is the titled frame they sit in.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QSizePolicy, QVBoxLayout, QWidget

from sety_console.api.models import IncidentPatterns, RiskPrediction, SafetyScore, SafeZones
from sety_console.core.analytics.area import AreaReading, TrendWords, percentile_words
from sety_console.core.local_time import LocalZone, hours_text, local_weekday_hour
from sety_console.core.wording import distance_text, enum_label, weekday_name
from sety_console.ui.common.palette import Palette

__all__ = [
    "LegendLines",
    "SectionBox",
    "comparison_html",
    "factors_html",
    "patterns_html",
    "prediction_html",
    "reasons_html",
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


class LegendLines(QWidget):
    """A chart legend: lines of a coloured square and words, wrapped to the width it is given."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(4, 16, 4, 0)
        self._layout.setSpacing(8)
        self._layout.addStretch(1)
        self.lines: list[QLabel] = []

    def set_lines(self, lines: list[tuple[str, str]]) -> None:
        """(colour, rich text) per line; an empty colour draws no square."""
        for label in self.lines:
            self._layout.removeWidget(label)
            label.deleteLater()
        self.lines = []
        stretch = self._layout.takeAt(self._layout.count() - 1)
        for colour, html in lines:
            square = f"<span style='color:{colour}; font-size:14pt'>■</span> " if colour else ""
            label = QLabel(square + html)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            self._layout.addWidget(label)
            self.lines.append(label)
        if stretch is not None:
            self._layout.addItem(stretch)

    def text(self) -> str:
        return "\n".join(label.text() for label in self.lines)


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


def _tone(trend: TrendWords, palette: Palette) -> str:
    return {"bad": palette.safety_color("danger"), "good": palette.safety_color("safe")}.get(
        trend.tone, palette.muted
    )


def comparison_html(reading: AreaReading, palette: Palette) -> str:
    """Percentile, the area and city averages next to this place, and the trend (when there is one)."""
    head = (
        f"<p><span style='{BIG}'>{escape(percentile_words(reading))}</span><br>"
        f"of the city's places (same radius, last {reading.period_days} days)</p>"
        + _rows(
            ("This place", str(reading.score)),
            ("Area average (about 10 km)", str(reading.area_average)),
            ("City average", str(reading.city_average)),
        )
    )
    trend = reading.trend
    if trend is None:
        return head + f"<p style='color:{palette.muted}'>{escape(reading.no_trend)}</p>"
    return (
        head
        + f"<p style='color:{_tone(trend, palette)}; {MEDIUM}'>{trend.arrow} {escape(trend.headline)}</p>"
        f"<p>{escape(trend.detail[:1].upper() + trend.detail[1:])}.</p>"
    )


def reasons_html(prediction: RiskPrediction, palette: Palette) -> str:
    """The server's own reasons for its outlook, as it wrote them."""
    if not prediction.factors:
        return f"<p style='color:{palette.muted}'>The server gave no reasons.</p>"
    return "<ul>" + "".join(f"<li>{escape(text)}</li>" for text in prediction.factors) + "</ul>"


def prediction_html(reading: AreaReading, palette: Palette) -> str:
    """The next-24-hour outlook: level in words and colour, why it differs from the score, the figures."""
    outlook = reading.outlook
    colour = palette.risk_color(outlook.risk.value)
    explanation = f"<p><b>{escape(outlook.explanation)}</b></p>" if outlook.explanation else ""
    return (
        f"<p><span style='{BIG} color:{colour}'>{escape(outlook.headline)}</span><br>"
        "in the next 24 hours</p>"
        + explanation
        + _rows(
            ("Chance of at least one incident", outlook.probability),
            ("Expected incidents", outlook.expected),
            ("Confidence (how much history backs it)", outlook.confidence),
        )
        + f"<p>{escape(reading.peak_sentence)}</p>"
    )


def patterns_html(patterns: IncidentPatterns, zone: LocalZone, now: datetime, palette: Palette) -> str:
    """Hotspots (clusters) and recurring category/weekday/hour patterns (in local time), in sentences."""
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
        items = []
        for pattern in sorted(patterns.recurring, key=lambda r: r.count, reverse=True):
            day, hour = local_weekday_hour(pattern.weekday, pattern.hour, zone, now)
            items.append(
                f"<li>{escape(enum_label(pattern.category))} on <b>{weekday_name(day)}s</b> around "
                f"<b>{hours_text([hour])} {escape(zone.abbreviation(now))}</b> — {pattern.count} times</li>"
            )
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
