"""Compare places: up to four saved places side by side (score, level, trend, outlook, busy times).

Each column draws from one `AreaReading` of its place, as the area panel does, so a place reads
the same here and there. The columns sit in a scroll area: comparing never makes the window grow.

The places are fetched in parallel, but politely: at most two requests at a time, and one at a time
when the rate budget is nearly spent, so a comparison never starves the live poller.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from sety_console.api.models import DangerAnalytics
from sety_console.core.analytics.area import AreaReading, read_area
from sety_console.core.local_time import LocalZone
from sety_console.core.wording import WEEKDAYS, error_text
from sety_console.ui.common.palette import colors
from sety_console.ui.common.score_gauge import ScoreGauge
from sety_console.ui.common.slots import run_task
from sety_console.ui.common.theme import current_theme
from sety_console.ui.supervisor.charts import BarChart
from sety_console.ui.supervisor.places import SavedPlace
from sety_console.ui.supervisor.supervisor_session import SupervisorSession

__all__ = ["MAX_PLACES", "ComparePlacesPanel", "PlaceColumn", "concurrency_for"]

log = logging.getLogger(__name__)
MAX_PLACES = 4
LOW_BUDGET = 10


def concurrency_for(remaining: int | None) -> int:
    """Two requests at a time; one when fewer than `LOW_BUDGET` requests are left this minute."""
    return 1 if remaining is not None and remaining < LOW_BUDGET else 2


class PlaceColumn(QFrame):
    """One compared place: name, gauge, level, trend, outlook and busy times (or its loading/error state)."""

    def __init__(self, place: SavedPlace, zone: LocalZone, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.place, self.zone = place, zone
        self.reading: AreaReading | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(f"<b style='font-size:13pt'>{escape(place.name)}</b><br>{place.coordinates_text}")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.gauge = ScoreGauge()
        self.gauge.setFixedSize(170, 170)
        self.gauge.set_message("Loading…")
        self.rank = QLabel("")
        self.rank.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.rank.setMinimumHeight(26)
        label = zone.abbreviation()
        self.by_weekday = BarChart("By weekday, red = busiest", y_label="", title_size="10pt")
        self.by_weekday.setMinimumHeight(170)
        self.by_hour = BarChart(f"By hour ({label}), red = riskiest", y_label="", title_size="10pt")
        self.by_hour.setMinimumHeight(170)
        self.details = QLabel("Loading…")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.gauge, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.rank)
        layout.addWidget(self.details)
        layout.addWidget(self.by_weekday)
        layout.addWidget(self.by_hour)
        layout.addStretch(1)

    def show_analytics(self, analytics: DangerAnalytics) -> None:
        palette = colors(current_theme())
        score = analytics.safety_score
        reading = read_area(analytics, self.zone, score.computed_at or datetime.now(UTC))
        self.reading = reading
        self.gauge.set_score(score.score, score.level)
        self._show_time(reading)
        outlook = reading.outlook
        big = "font-size:14pt"
        rows = (
            (
                f"Incidents in {analytics.period_days} days",
                big,
                analytics.incident_analytics.total or score.incident_count,
            ),
            ("In the last 7 days", big, score.recent_incidents_7d),
            ("Safer than (share of city)", "", f"{reading.percentile} %"),
            ("Next 24 hours", f"color:{palette.risk_color(outlook.risk.value)}", escape(outlook.headline)),
        )
        cells = "".join(
            f"<tr><td>{escape(k)}</td><td align='right'><b style='{style}'>{v}</b></td></tr>"
            for k, style, v in rows
        )
        self.details.setText(
            self._trend_html(
                reading, palette.safety_color("danger"), palette.safety_color("safe"), palette.muted
            )
            + f"<table cellspacing='4' width='100%'>{cells}</table>"
            + (f"<p>{escape(outlook.explanation)}</p>" if outlook.explanation else "")
        )

    @staticmethod
    def _trend_html(reading: AreaReading, bad: str, good: str, muted: str) -> str:
        trend = reading.trend
        if trend is None:
            return f"<p style='color:{muted}'>{escape(reading.no_trend)}</p>"
        tone = {"bad": bad, "good": good}.get(trend.tone, muted)
        detail = trend.detail[:1].upper() + trend.detail[1:]
        style = f"color:{tone}; font-size:13pt; font-weight:800"
        return f"<p style='{style}'>{trend.arrow} {escape(trend.headline)}</p><p>{escape(detail)}.</p>"

    def _show_time(self, reading: AreaReading) -> None:
        colours = self.by_hour.colours
        busiest = reading.busiest_weekday
        self.by_weekday.set_bars(
            list(WEEKDAYS),
            list(reading.weekday_counts),
            [colours.high if d == busiest else colours.bar for d in range(7)],
            show_values=False,
        )
        risky = set(reading.riskiest_hours)
        self.by_hour.set_title(f"By hour ({reading.hours.label}), red = riskiest", "10pt")
        self.by_hour.set_bars(
            reading.hour_labels,
            list(reading.hours.counts),
            [colours.high if h in risky else colours.bar for h in range(24)],
            tick_every=6,
            show_values=False,
        )

    def set_rank(self, text: str, colour: str) -> None:
        """A word on how this place stands among those compared (`Safest of these`…)."""
        self.rank.setText(f"<b style='color:{colour}; font-size:12pt'>{escape(text)}</b>" if text else "")

    def show_error(self, message: str) -> None:
        self.gauge.set_message("Not available")
        failed = colors(current_theme()).failed
        self.details.setText(f"<p style='color:{failed}; font-weight:700'>{escape(message)}</p>")


class ComparePlacesPanel(QWidget):
    """Tick up to four saved places and press Compare; `compare(places)` does the same from code."""

    compared = Signal(list)
    """The places compared (a list of `SavedPlace`) once every column has its answer or error."""

    def __init__(
        self, session: SupervisorSession, parent: QWidget | None = None, *, zone: LocalZone | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session
        self.zone = zone or LocalZone()
        self._task: asyncio.Task[list[DangerAnalytics | None] | None] | None = None
        self.columns: list[PlaceColumn] = []
        self.choices = QListWidget()
        self.choices.setMaximumWidth(240)
        self.choices.itemChanged.connect(self._limit_choices)
        self.hint = QLabel(f"Tick up to {MAX_PLACES} saved places, then press Compare.")
        self.hint.setWordWrap(True)
        self.compare_button = QPushButton("Compare")
        self.compare_button.setProperty("role", "primary")
        self.compare_button.clicked.connect(self._compare_ticked)
        left = QVBoxLayout()
        left.addWidget(QLabel("<b>Places to compare</b>"))
        left.addWidget(self.choices, 1)
        left.addWidget(self.hint)
        left.addWidget(self.compare_button)
        columns = QWidget()
        self._columns_box = QHBoxLayout(columns)
        self.empty = QLabel("Nothing compared yet.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._columns_box.addWidget(self.empty)
        self.columns_area = QScrollArea()
        self.columns_area.setWidgetResizable(True)
        self.columns_area.setFrameShape(QFrame.Shape.NoFrame)
        self.columns_area.setWidget(columns)
        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addWidget(self.columns_area, 1)

    def set_places(self, places: Sequence[SavedPlace]) -> None:
        """Offer `places`; the first four are ticked the first time."""
        ticked = {p.name for p in self.ticked_places()} or {p.name for p in places[:MAX_PLACES]}
        self.choices.blockSignals(True)
        self.choices.clear()
        for place in places:
            item = QListWidgetItem(place.name)
            item.setData(Qt.ItemDataRole.UserRole, place)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if place.name in ticked else Qt.CheckState.Unchecked)
            self.choices.addItem(item)
        self.choices.blockSignals(False)
        self.compare_button.setEnabled(bool(places))
        self.hint.setText(
            f"Tick up to {MAX_PLACES} saved places, then press Compare."
            if places
            else "No saved places yet: save a point in Area analytics first."
        )

    def ticked_places(self) -> list[SavedPlace]:
        items = (self.choices.item(i) for i in range(self.choices.count()))
        return [
            item.data(Qt.ItemDataRole.UserRole)
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        ]

    async def compare(self, places: Sequence[SavedPlace]) -> list[DangerAnalytics | None]:
        """Fetch and show `places` (at most four) side by side; None where a place failed."""
        chosen = list(places)[:MAX_PLACES]
        self._show_columns(chosen)
        gate = asyncio.Semaphore(concurrency_for(self._session.budget.remaining))
        results = await asyncio.gather(*(self._fetch(column, gate) for column in self.columns))
        self._rank(results)
        self._share_scales()
        self.compared.emit(chosen)
        return list(results)

    def _share_scales(self) -> None:
        """One y scale per chart row, so a taller bar really means more incidents."""
        for name in ("by_weekday", "by_hour"):
            charts = [getattr(column, name) for column in self.columns]
            top = max((max(chart.values, default=0.0) for chart in charts), default=0.0)
            for chart in charts:
                chart.set_y_max(top)

    def _rank(self, results: Sequence[DangerAnalytics | None]) -> None:
        """Name the safest and least safe of the places compared (when there are two or more)."""
        scored = [
            (r.safety_score.score, column) for r, column in zip(results, self.columns, strict=True) if r
        ]
        if len(scored) < 2 or min(s for s, _ in scored) == max(s for s, _ in scored):
            return
        palette = colors(current_theme())
        max(scored, key=lambda sc: sc[0])[1].set_rank("Safest of these", palette.safety_color("safe"))
        min(scored, key=lambda sc: sc[0])[1].set_rank("Least safe of these", palette.safety_color("danger"))

    async def _fetch(self, column: PlaceColumn, gate: asyncio.Semaphore) -> DangerAnalytics | None:
        async with gate:
            try:
                analytics = await self._session.danger_analytics(column.place.lat, column.place.lng)
            except Exception as exc:
                message = f"Could not load {column.place.name}: {error_text(exc)}"
                log.warning("%s", message)
                column.show_error(message)
                return None
        column.show_analytics(analytics)
        return analytics

    def _show_columns(self, places: Sequence[SavedPlace]) -> None:
        for column in self.columns:
            self._columns_box.removeWidget(column)
            column.deleteLater()
        self.columns = [PlaceColumn(place, self.zone) for place in places]
        self.empty.setVisible(not self.columns)
        for column in self.columns:
            self._columns_box.addWidget(column, 1)

    def _compare_ticked(self) -> None:
        places = self.ticked_places()
        if not places:
            self.hint.setText("Tick at least one place to compare.")
            return
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = run_task(self.compare(places), "compare places")

    def _limit_choices(self, item: QListWidgetItem) -> None:
        if item.checkState() == Qt.CheckState.Checked and len(self.ticked_places()) > MAX_PLACES:
            self.choices.blockSignals(True)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.choices.blockSignals(False)
            self.hint.setText(f"At most {MAX_PLACES} places side by side: untick one first.")
        else:
            self.hint.setText(f"Tick up to {MAX_PLACES} saved places, then press Compare.")
