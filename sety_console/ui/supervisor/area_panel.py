"""Area analytics: how dangerous a point is, when, and whether it is getting worse.

A point arrives from a map click (`show_point`), a saved place (`show_place`) or typed coordinates.
The panel shows the safety gauge with its factors, the comparison with area and city, the next-24-h
outlook, incidents by local hour and by weekday with the riskiest and quietest hours marked, patterns
and the nearest safe zones. Every figure and sentence comes from one `AreaReading` of the answer.
Loading and errors are said in words.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from sety_console.api.models import DangerAnalytics
from sety_console.core.analytics.area import AreaReading, read_area
from sety_console.core.local_time import LocalZone, hours_text, local_text, utc_text
from sety_console.core.wording import WEEKDAY_NAMES, WEEKDAYS, error_text
from sety_console.ui.common.palette import colors
from sety_console.ui.common.score_gauge import ScoreGauge
from sety_console.ui.common.slots import run_task
from sety_console.ui.common.theme import current_theme
from sety_console.ui.supervisor.area_sections import (
    LegendLines,
    SectionBox,
    comparison_html,
    factors_html,
    patterns_html,
    prediction_html,
    reasons_html,
    safe_zones_html,
)
from sety_console.ui.supervisor.charts import BarChart
from sety_console.ui.supervisor.places import EXAMPLE, PlaceError, SavedPlace, parse_lat_lng
from sety_console.ui.supervisor.supervisor_session import SupervisorSession

__all__ = ["AreaAnalyticsPanel"]

log = logging.getLogger(__name__)
DAY_CHOICES = (7, 30, 90, 180, 365)


class AreaAnalyticsPanel(QWidget):
    """Analytics of one point; `show_point(lat, lng)` is what the map's `map_clicked` calls."""

    loaded = Signal(object)
    """The `DangerAnalytics` now shown."""
    failed = Signal(str)
    """Loading failed; the argument is the message shown."""
    save_point_requested = Signal(float, float, str)
    """“Save this point…” was pressed: lat, lng and a suggested name."""

    def __init__(
        self, session: SupervisorSession, parent: QWidget | None = None, *, zone: LocalZone | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session
        self.zone = zone or LocalZone()
        self._generation = 0
        self._task: asyncio.Task[DangerAnalytics | None] | None = None
        self.point: tuple[float, float] | None = None
        self.place_name = ""
        self.analytics: DangerAnalytics | None = None
        self.reading: AreaReading | None = None
        self._build_inputs()
        self._build_body()
        layout = QVBoxLayout(self)
        layout.addLayout(self._inputs)
        layout.addWidget(self.status)
        layout.addWidget(self.heading)
        layout.addWidget(self._scroll, 1)
        self._clear("Choose a point: click the map, pick a saved place, or type “lat, lng”.")

    # --- construction -------------------------------------------------------------------------

    def _build_inputs(self) -> None:
        self.point_edit = QLineEdit()
        self.point_edit.setPlaceholderText(f"lat, lng — for example {EXAMPLE}")
        self.point_edit.setClearButtonEnabled(True)
        self.point_edit.returnPressed.connect(self._analyse_typed)
        self.analyse_button = QPushButton("Analyse")
        self.analyse_button.setProperty("role", "primary")
        self.analyse_button.clicked.connect(self._analyse_typed)
        self.radius = QDoubleSpinBox()
        self.radius.setRange(0.5, 10.0)
        self.radius.setSingleStep(0.5)
        self.radius.setValue(2.0)
        self.radius.setSuffix(" km")
        self.days = QComboBox()
        for days in DAY_CHOICES:
            self.days.addItem(f"last {days} days", days)
        self.days.setCurrentIndex(DAY_CHOICES.index(90))
        self.save_button = QPushButton("Save this point…")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self._request_save)
        self._inputs = QHBoxLayout()
        self._inputs.addWidget(QLabel("Point:"))
        self._inputs.addWidget(self.point_edit, 2)
        self._inputs.addWidget(QLabel("within"))
        self._inputs.addWidget(self.radius)
        self._inputs.addWidget(self.days)
        self._inputs.addWidget(self.analyse_button)
        self._inputs.addWidget(self.save_button)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 15pt; font-weight: 800;")
        self.heading.setWordWrap(True)

    def _build_body(self) -> None:
        self.gauge = ScoreGauge()
        self.gauge.setMinimumSize(200, 200)
        self.gauge.setMaximumSize(260, 260)
        self.factors = SectionBox("Why this score")
        self.comparison = SectionBox("Compared with area and city")
        self.prediction = SectionBox("Next 24 hours")
        self.reasons = SectionBox("The outlook's reasons")
        self.patterns = SectionBox("Patterns")
        self.safe_zones = SectionBox("Nearest safe zones")
        label = self.zone.abbreviation()
        self.hour_chart = BarChart(f"Incidents by hour of day ({label})", x_label=f"Hour, {label}")
        self.weekday_chart = BarChart("Incidents by weekday", x_label="Day")
        self.time_legend = LegendLines()
        body = QWidget()
        grid = QGridLayout(body)
        grid.addWidget(self.gauge, 0, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        grid.addWidget(self.factors, 0, 1)
        grid.addWidget(self.comparison, 0, 2)
        grid.addWidget(self.prediction, 0, 3)
        grid.addWidget(self.hour_chart, 1, 0, 1, 2)
        grid.addWidget(self.weekday_chart, 1, 2)
        grid.addWidget(self.time_legend, 1, 3)  # beside the charts: seen with them, never cut off
        grid.addWidget(self.patterns, 2, 0, 1, 2)
        grid.addWidget(self.reasons, 2, 2)
        grid.addWidget(self.safe_zones, 2, 3)
        for column, stretch in enumerate((1, 3, 3, 3)):  # the gauge column stays about the gauge's width
            grid.setColumnStretch(column, stretch)
        grid.setRowMinimumHeight(1, 250)
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setWidget(body)

    # --- public API ---------------------------------------------------------------------------

    def show_point(self, lat: float, lng: float, name: str = "") -> None:
        """Analyse `lat`, `lng` (a map click, a saved place); returns at once, loads in the background."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = run_task(self.load(lat, lng, name), f"area analytics {lat:.4f},{lng:.4f}")

    def show_place(self, place: SavedPlace) -> None:
        self.show_point(place.lat, place.lng, place.name)

    async def load(self, lat: float, lng: float, name: str = "") -> DangerAnalytics | None:
        """Fetch and show the analytics of the point; None (and the reason on screen) when it failed."""
        self._generation += 1
        generation = self._generation
        self.point, self.place_name = (lat, lng), name
        self.point_edit.setText(f"{lat:.5f}, {lng:.5f}")
        self.save_button.setEnabled(True)
        where = self._where()
        self._clear(f"Loading the analytics for {where}…", loading=True)
        try:
            analytics = await self._session.danger_analytics(
                lat, lng, radius_km=self.radius.value(), days=int(self.days.currentData())
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if generation == self._generation:
                message = f"Could not load the analytics for {where}: {error_text(exc)}"
                log.warning("%s", message)
                self._clear(message, error=True)
                self.failed.emit(message)
            return None
        if generation != self._generation:
            return None  # a newer point was asked for while this one loaded
        self._show(analytics)
        return analytics

    # --- rendering ----------------------------------------------------------------------------

    def _where(self) -> str:
        if self.point is None:
            return "no point"
        text = f"{self.point[0]:.4f}, {self.point[1]:.4f}"
        return f"{self.place_name} ({text})" if self.place_name else text

    def _set_status(self, text: str, *, error: bool = False) -> None:
        palette = colors(current_theme())
        colour = palette.failed if error else palette.muted
        self.status.setStyleSheet(
            f"color: {colour}; font-size: 11pt;" + (" font-weight: 700;" if error else "")
        )
        self.status.setText(text)

    def _clear(self, message: str, *, loading: bool = False, error: bool = False) -> None:
        self.analytics = None
        self.reading = None
        self.status.setToolTip("")
        self._set_status(message, error=error)
        self.heading.setText("")
        self.gauge.set_message("Loading…" if loading else ("Not available" if error else "No point yet"))
        placeholder = "Loading…" if loading else "—"
        for box in (
            self.factors,
            self.comparison,
            self.prediction,
            self.reasons,
            self.patterns,
            self.safe_zones,
        ):
            box.set_html(f"<p>{placeholder}</p>")
        self.hour_chart.set_bars([f"{h:02d}" for h in range(24)], [0] * 24, tick_every=2)
        self.weekday_chart.set_bars(list(WEEKDAYS), [0] * 7)
        self.time_legend.set_lines([])

    def _show(self, analytics: DangerAnalytics) -> None:
        palette = colors(current_theme())
        score = analytics.safety_score
        computed = score.computed_at or datetime.now(UTC)
        reading = read_area(analytics, self.zone, computed)
        self.analytics, self.reading = analytics, reading
        radius = analytics.radius_km or self.radius.value()
        self.heading.setText(f"{self._where()} · within {radius:g} km · last {analytics.period_days} days")
        self._set_status(
            f"Analytics computed {local_text(computed, self.zone)}. Hours are {reading.hours.label}."
            + (f" {reading.hours.note}" if reading.hours.note else "")
        )
        self.status.setToolTip(f"Computed {utc_text(computed)}")
        self.gauge.set_score(score.score, score.level)
        self.factors.set_html(factors_html(score, palette))
        self.comparison.set_html(comparison_html(reading, palette))
        self.prediction.set_html(prediction_html(reading, palette))
        self.reasons.set_html(reasons_html(analytics.prediction, palette))
        self.patterns.set_html(patterns_html(analytics.patterns, self.zone, computed, palette))
        self.safe_zones.set_html(safe_zones_html(analytics.safe_zones, palette))
        self._show_time(reading)
        self.loaded.emit(analytics)

    def _show_time(self, reading: AreaReading) -> None:
        chart = self.hour_chart.colours
        risky, quiet = set(reading.riskiest_hours), set(reading.quietest_hours)
        hour_colours = [
            chart.high if h in risky else chart.low if h in quiet else chart.bar for h in range(24)
        ]
        bands = {h: chart.low for h in quiet}
        bands.update({h: chart.high for h in risky})
        label = reading.hours.label
        self.hour_chart.set_title(f"Incidents by hour of day ({label})")
        self.hour_chart.getPlotItem().setLabel("bottom", f"Hour, {label}")
        self.hour_chart.set_bars(
            reading.hour_labels, list(reading.hours.counts), hour_colours, tick_every=2, bands=bands
        )
        busiest = reading.busiest_weekday
        day_colours = [chart.high if d == busiest else chart.bar for d in range(7)]
        self.weekday_chart.set_bars(list(WEEKDAYS), list(reading.weekday_counts), day_colours)
        self.weekday_chart.getPlotItem().setLabel("bottom", reading.day_note or "Day")
        riskiest = hours_text(reading.riskiest_hours) or "none"
        quietest = hours_text(reading.quietest_hours) or "none"
        day = WEEKDAY_NAMES[busiest] if busiest is not None else "none"
        self.time_legend.set_lines(
            [
                (chart.high, f"<b>Riskiest hours:</b> {riskiest} {label} (red bars)"),
                (chart.low, f"<b>Quietest hours:</b> {quietest} {label} (green bars)"),
                (chart.high, f"<b>Busiest day:</b> {day} (red bar)"),
                ("", f"Bar 20 covers 20:00–20:59 {label}. {escape(reading.hours.note)}".strip()),
            ]
        )

    # --- slots --------------------------------------------------------------------------------

    def _analyse_typed(self) -> None:
        try:
            lat, lng = parse_lat_lng(self.point_edit.text())
        except PlaceError as exc:
            self._set_status(str(exc), error=True)
            return
        self.show_point(lat, lng)

    def _request_save(self) -> None:
        if self.point is not None:
            self.save_point_requested.emit(self.point[0], self.point[1], self.place_name)
