"""Area check panel: the safety score of a clicked point and a summary of its danger analytics."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from sety_console.api.models import Category, DangerAnalytics, SafetyFactor, SafetyScore, SafeZone
from sety_console.core.map_text import (
    LatLng,
    category_label,
    enum_label,
    format_distance,
    format_hours,
    format_point,
)
from sety_console.ui.common.score_gauge import ScoreGauge

from .palette import SAFETY_COLORS, risk_color, safety_color

ANALYTICS_CAPTIONS = (
    "Incidents",
    "Mostly",
    "Riskiest hours",
    "Safest hours",
    "Trend",
    "Next 24 h",
    "Safe zones",
)
_HINT = "Click the map (or right-click → Check area safety here) to rate a point."
_POSITIVE = SAFETY_COLORS["safe"]
_NEGATIVE = SAFETY_COLORS["danger"]


def _label(text: str = "", *, rich: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    return label


def factor_name(name: str) -> str:
    """`recent_incidents` → `Recent incidents`."""
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def factors_html(factors: Sequence[SafetyFactor]) -> str:
    """One line per factor, the signed impact coloured (green raises the score, red lowers it)."""
    if not factors:
        return "No factors reported."
    rows = []
    for factor in sorted(factors, key=lambda f: f.impact):
        color = _POSITIVE if factor.impact > 0 else _NEGATIVE if factor.impact < 0 else "#78909c"
        rows.append(
            f'<tr><td style="color:{color}; font-weight:bold; padding-right:8px" align="right">'
            f"{factor.impact:+d}</td><td><b>{html.escape(factor_name(factor.name))}</b><br>"
            f"{html.escape(factor.description)}</td></tr>"
        )
    return "<table>" + "".join(rows) + "</table>"


def safe_zone_lines(zones: Sequence[SafeZone], limit: int = 4) -> str:
    nearest = sorted(zones, key=lambda z: z.distance_meters)[:limit]
    if not nearest:
        return "None reported nearby"
    return "\n".join(
        f"{z.name} ({z.kind.label}, {format_distance(z.distance_meters)}{', 24 h' if z.open_24h else ''})"
        for z in nearest
    )


def analytics_rows(analytics: DangerAnalytics) -> dict[str, str]:
    """The summary lines, keyed by their caption."""
    inc = analytics.incident_analytics
    counts = inc.by_category.as_dict()
    top = max(counts, key=lambda k: counts[k]) if counts and max(counts.values()) > 0 else None
    severities = inc.by_severity.as_dict()
    cmp = analytics.comparison
    change = f" ({cmp.change_percent:+.1f} %)" if cmp.change_percent is not None else ""
    pred = analytics.prediction
    return {
        "Incidents": f"{inc.total} in {analytics.period_days} days"
        + (
            f" · {severities.get('critical', 0)} critical, {severities.get('high', 0)} high"
            if inc.total
            else ""
        ),
        "Mostly": f"{category_label(Category(top))} ({counts[top]})" if top else "—",
        "Riskiest hours": format_hours(analytics.time_analysis.riskiest_hours),
        "Safest hours": format_hours(analytics.time_analysis.safest_hours),
        "Trend": f"{enum_label(cmp.trend)}{change}; area score {cmp.area_average_score}, "
        f"city {cmp.city_average_score}",
        "Next 24 h": f"{enum_label(pred.next_24h_risk)} risk, {pred.probability:.0%} chance, "
        f"~{pred.expected_incidents:.1f} incidents expected",
        "Safe zones": safe_zone_lines(analytics.safe_zones.zones),
    }


class AreaPanel(QWidget):
    """`show_loading(point)` on a click, then `show_area(score, analytics)` or `show_error(text)`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AreaPanel")
        self._title = QLabel("<b>Area safety</b>")
        self._point = _label()
        self._status = _label(_HINT)
        self.gauge = ScoreGauge()
        self._level = _label(rich=True)
        self._factors = _label(rich=True)
        self._rows: dict[str, QLabel] = {}
        self._row_texts: dict[str, str] = {}
        self._summary = QGroupBox("Danger analytics")
        form = QFormLayout(self._summary)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for caption in ANALYTICS_CAPTIONS:
            self._rows[caption] = _label(rich=caption == "Next 24 h")
            form.addRow(f"{caption}:", self._rows[caption])
        factors_box = QGroupBox("What drives the score")
        QVBoxLayout(factors_box).addWidget(self._factors)
        body = QWidget()
        layout = QVBoxLayout(body)
        for widget in (self._title, self._point, self._status, self.gauge, self._level):
            layout.addWidget(widget)
        layout.addWidget(factors_box)
        layout.addWidget(self._summary)
        layout.addStretch(1)
        self._result = (self.gauge, self._level, factors_box, self._summary)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.clear()

    def _show_result(self, visible: bool) -> None:
        for widget in self._result:
            widget.setVisible(visible)

    def clear(self) -> None:
        self._point.setText("")
        self._status.setText(_HINT)
        self._status.setVisible(True)
        self._show_result(False)

    def show_loading(self, point: LatLng | None = None) -> None:
        if point is not None:
            self._point.setText(format_point(point))
        self._status.setText("Checking this area…")
        self._status.setStyleSheet("")
        self._status.setVisible(True)
        self._show_result(False)

    def show_error(self, message: str) -> None:
        self._status.setText(f"Could not check this area: {message}")
        self._status.setStyleSheet(f"color: {_NEGATIVE};")
        self._status.setVisible(True)
        self._show_result(False)

    def show_area(self, score: SafetyScore, analytics: DangerAnalytics | None = None) -> None:
        """Show a point's safety score, and the analytics summary when there is one."""
        where = score.location or (analytics.location if analytics else None)
        radius = score.radius_km or (analytics.radius_km if analytics else None)
        if where is not None:
            extra = f" · within {radius:g} km" if radius else ""
            self._point.setText(format_point((where.lat, where.lng)) + extra)
        self._status.setVisible(False)
        self._status.setStyleSheet("")
        self.gauge.set_score(score.score, score.level)
        level = html.escape(enum_label(score.level))
        self._level.setText(
            f'<span style="color:{safety_color(score.level)}; font-weight:bold">{level}</span> — '
            f"{score.incident_count} incidents nearby, {score.recent_incidents_7d} in the last 7 days"
        )
        self._factors.setText(factors_html(score.factors))
        self._show_result(True)
        self._summary.setVisible(analytics is not None)
        if analytics is not None:
            self._row_texts = analytics_rows(analytics)
            for caption, text in self._row_texts.items():
                self._rows[caption].setText(text)
            risk = analytics.prediction.next_24h_risk
            swatch = f'<span style="color:{risk_color(risk)}">&#9632;</span> '
            self._rows["Next 24 h"].setText(swatch + html.escape(self._row_texts["Next 24 h"]))

    # read-outs for tests and accessibility
    def status_text(self) -> str:
        return self._status.text() if self._status.isVisibleTo(self) else ""

    def summary(self) -> dict[str, str]:
        """Caption → text of what the panel shows now."""
        shown = {"Point": self._point.text(), "Level": self._level.text(), "Factors": self._factors.text()}
        if self._summary.isVisibleTo(self):
            shown.update(self._row_texts)
        return shown
