"""Alarm KPIs (ISA-18.2 / EEMUA 191) of the last hours, from this workstation's alarm history.

The figures, the charts and the tables all draw one `AlarmKpis` (`core.alarm_kpis`) — the computation
the handover report prints. The history is read from disk off the GUI thread; the panel reloads when it
is shown and every minute while it is seen, and says as of when its figures are.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QTimer
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sety_console.core.alarm_kpi_text import (
    DEFINITIONS,
    OPERATOR_HEADERS,
    category_words,
    headline,
    operator_rows,
    rate_text,
)
from sety_console.core.alarm_kpis import HISTORY_BEFORE, AlarmKpis, compute_alarm_kpis, load_words
from sety_console.core.local_time import LocalZone, local_text
from sety_console.core.offload import off_loop
from sety_console.core.wording import duration_text, error_text, plural
from sety_console.ui.common.palette import colors
from sety_console.ui.common.slots import run_task
from sety_console.ui.common.theme import current_theme
from sety_console.ui.supervisor.alarm_kpi_charts import AckTimeChart, AlarmRateChart, band_colour, legend_html
from sety_console.ui.supervisor.alarm_kpi_tables import (
    KpiTable,
    floods_rows,
    repeated_rows,
    standing_rows,
)
from sety_console.ui.supervisor.charts import BarChart
from sety_console.ui.supervisor.incident_views import BigNumber
from sety_console.ui.supervisor.supervisor_session import SupervisorSession

__all__ = ["ALL_OPERATORS", "AlarmKpiPanel"]

log = logging.getLogger(__name__)
ALL_OPERATORS = "All operators"
SHIFT_CHOICES = (8, 12, 24)
RELOAD_EVERY_MS = 60_000


class AlarmKpiPanel(QWidget):
    """Last 8/12/24 h (Alt+8/1/2), Refresh (F5), an operator chooser for the rate chart."""

    def __init__(
        self,
        session: SupervisorSession,
        parent: QWidget | None = None,
        *,
        zone: LocalZone | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(parent)
        self._session, self._now = session, now
        self.zone = zone or LocalZone()
        self.hours = 12
        self.kpis: AlarmKpis | None = None
        self._task: asyncio.Task[AlarmKpis | None] | None = None
        self._build()
        self._timer = QTimer(self)
        self._timer.setInterval(RELOAD_EVERY_MS)
        self._timer.timeout.connect(self.start)

    # --- building ---------------------------------------------------------------------------------

    def _build(self) -> None:
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Shift:"))
        self.shift_buttons = QButtonGroup(self)
        for hours, key in zip(SHIFT_CHOICES, ("8", "1", "2"), strict=True):
            button = QPushButton(f"Last {hours} h".replace(key, f"&{key}", 1))
            button.setCheckable(True)
            button.setChecked(hours == self.hours)
            button.clicked.connect(lambda _=False, h=hours: self.set_hours(h))
            self.shift_buttons.addButton(button, hours)
            controls.addWidget(button)
        controls.addSpacing(16)
        controls.addWidget(QLabel("Chart for:"))
        self.operator_choice = QComboBox()
        self.operator_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.operator_choice.setMinimumContentsLength(18)
        self.operator_choice.addItem(ALL_OPERATORS)
        self.operator_choice.currentTextChanged.connect(lambda _: self._draw_rate())
        controls.addWidget(self.operator_choice)
        self.refresh_button = QPushButton("Refresh (F5)")
        self.refresh_button.clicked.connect(lambda: self.start())
        controls.addWidget(self.refresh_button)
        refresh = QShortcut(QKeySequence("F5"), self)
        refresh.activated.connect(self.start)
        controls.addStretch(1)
        self.status = QLabel("Reading this workstation's alarm history…")
        self.status.setWordWrap(True)
        self.headline = QLabel("")
        self.headline.setWordWrap(True)
        self.headline.setStyleSheet("font-size: 12pt; font-weight: 600;")
        self.reference = QLabel(
            f"{DEFINITIONS} The handover report prints these same figures (Shift handover tab)."
        )
        self.reference.setProperty("role", "muted")
        self.reference.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.status)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._build_view())
        layout.addWidget(scroll, 1)

    def _build_view(self) -> QWidget:
        view = QWidget()
        self.total = BigNumber("Alarms that rang")
        self.average = BigNumber("Per operator per 10 min (average)")
        self.peak = BigNumber("Busiest 10 minutes")
        self.floods = BigNumber("Floods (> 10 in 10 min)")
        self.ack = BigNumber("Time to acknowledge (p50)")
        self.standing = BigNumber("Standing (> 30 min unacknowledged)")
        self.chattering = BigNumber("Chattering alarms")
        numbers = QHBoxLayout()
        for box in (
            self.total,
            self.average,
            self.peak,
            self.floods,
            self.ack,
            self.standing,
            self.chattering,
        ):
            numbers.addWidget(box, 1)
        self.rate_chart = AlarmRateChart()
        self.rate_chart.setMinimumHeight(300)
        self.ack_chart = AckTimeChart()
        self.category_chart = BarChart("Busiest categories", y_label="Alarms", x_label="Category")
        self.legend = QLabel(legend_html())
        self.legend.setWordWrap(True)
        charts = QGridLayout()
        charts.addWidget(self.legend, 0, 0, 1, 2)
        charts.addWidget(self.rate_chart, 1, 0, 1, 2)
        charts.addWidget(self.ack_chart, 2, 0)
        charts.addWidget(self.category_chart, 2, 1)
        charts.setRowMinimumHeight(2, 240)
        self.operators_table = KpiTable(OPERATOR_HEADERS)
        self.standing_table = KpiTable(
            ("Incident", "Incident id", "Alarm", "Raised", "Unacknowledged for", "Then")
        )
        self.repeated_table = KpiTable(("Incident", "Incident id", "Alarm", "Raised", "At", "Kind"))
        self.floods_table = KpiTable(("From", "To", "Alarms", "Peak per operator"))
        self.lists = QTabWidget()
        for table, title in (
            (self.operators_table, "Operators"),
            (self.standing_table, "Standing"),
            (self.repeated_table, "Chattering and re-alarming"),
            (self.floods_table, "Floods"),
        ):
            self.lists.addTab(table, title)
        self.lists.setMinimumHeight(220)
        layout = QVBoxLayout(view)
        layout.addLayout(numbers)
        layout.addWidget(self.headline)
        layout.addWidget(self.reference)
        layout.addLayout(charts)
        layout.addWidget(self.lists)
        return view

    # --- loading ----------------------------------------------------------------------------------

    def set_hours(self, hours: int) -> None:
        """Show the last `hours` hours (8, 12 or 24) and reload."""
        self.hours = hours
        button = self.shift_buttons.button(hours)
        if button is not None:
            button.setChecked(True)
        self.start()

    def start(self) -> asyncio.Task[AlarmKpis | None]:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = run_task(self.load(), "alarm KPIs")
        return self._task

    async def load(self) -> AlarmKpis | None:
        """Read the alarm history and show the KPIs of the last `hours`; None (and why) when it cannot."""
        end = self._now().replace(microsecond=0)
        start = end - timedelta(hours=self.hours)
        try:
            records = await self._session.records.alarm_records(start - HISTORY_BEFORE, end)
        except Exception as exc:  # the disk or the file: said, the last figures stay
            self._set_status(f"Could not read the alarm history: {error_text(exc)}", error=True)
            log.warning("alarm KPIs: %s", exc)
            return None
        if records is None:
            self._set_status("This workstation has no alarm history yet: figures start with the first alarm.")
            return None
        kpis = await off_loop(compute_alarm_kpis, records, start, end)  # the GUI keeps answering
        self.show_kpis(kpis)
        return kpis

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._timer.start()
        self.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()
        super().hideEvent(event)

    # --- showing ----------------------------------------------------------------------------------

    def show_kpis(self, kpis: AlarmKpis) -> None:
        """Draw every figure, chart and table from `kpis`."""
        self.kpis = kpis
        self._set_status(
            f"{local_text(kpis.start, self.zone)} to {local_text(kpis.end, self.zone, date_part=False)}, "
            f"as of {local_text(kpis.end, self.zone, date_part=False, seconds=True)} — "
            "this workstation's alarms, whoever had them."
        )
        self.headline.setText(headline(kpis, self.zone))
        self._show_numbers(kpis)
        self._fill_operator_choice(kpis)
        self._draw_rate()
        self.ack_chart.show_times(kpis.ack_seconds, kpis.ack_p50_s, kpis.ack_p95_s)
        self.category_chart.set_bars(
            [category_words(c) for c, _ in kpis.categories], [n for _, n in kpis.categories]
        )
        self._fill_tables(kpis)

    def _show_numbers(self, kpis: AlarmKpis) -> None:
        danger = colors(current_theme()).safety_color("danger")
        silent = f"+ {kpis.silent_returns} back without ringing" if kpis.silent_returns else ""
        self.total.set(str(kpis.total), silent)
        self.average.set(rate_text(kpis.average), load_words(kpis.average), band_colour(kpis.average))
        self.peak.set(rate_text(kpis.peak), load_words(kpis.peak), band_colour(kpis.peak))
        periods = plural(len(kpis.flood_periods), "period")
        self.floods.set(
            str(len(kpis.floods)), periods if kpis.floods else "none", danger if kpis.floods else None
        )
        acknowledged = plural(len(kpis.ack_seconds), "alarm")
        detail = (
            f"p95 {duration_text(kpis.ack_p95_s)} · {acknowledged}"
            if kpis.ack_seconds
            else "none acknowledged"
        )
        self.ack.set(duration_text(kpis.ack_p50_s), detail)
        if len(self.ack.value.text()) > 6:  # `1 min 05 s` fits its box in a smaller face
            self.ack.value.setStyleSheet("font-size: 16pt; font-weight: 800;")
        self.standing.set(str(len(kpis.standing)), "", danger if kpis.standing else None)
        repeated = plural(len(kpis.repeated), "alarm") + " re-alarmed"
        self.chattering.set(str(len(kpis.chattering)), repeated, danger if kpis.chattering else None)

    def _fill_operator_choice(self, kpis: AlarmKpis) -> None:
        chosen = self.operator_choice.currentText()
        names = [ALL_OPERATORS, *(op.operator for op in kpis.operators)]
        self.operator_choice.blockSignals(True)
        self.operator_choice.clear()
        self.operator_choice.addItems(names)
        self.operator_choice.setCurrentIndex(names.index(chosen) if chosen in names else 0)
        self.operator_choice.blockSignals(False)

    def chart_series(self) -> tuple[list[float], list[bool], float]:
        """What the rate chart draws for the chosen operator: values, staffed periods, average."""
        kpis = self.kpis
        if kpis is None:
            return [], [], 0.0
        chosen = self.operator_choice.currentText()
        for op in kpis.operators:
            if op.operator == chosen:
                staffed = [i in op.periods_on_duty for i in range(len(kpis.per_period))]
                return [float(v) for v in op.per_period], staffed, op.average
        return list(kpis.per_operator), list(kpis.staffed), kpis.average

    def _draw_rate(self) -> None:
        if self.kpis is None:
            return
        values, staffed, average = self.chart_series()
        labels = [self.zone.localise(t).strftime("%H:%M") for t in self.kpis.period_starts]
        self.rate_chart.show_series(labels, values, staffed, average)
        who = self.operator_choice.currentText()
        self.rate_chart.set_title(
            f"Alarms per operator per 10 minutes — {who.lower() if who == ALL_OPERATORS else who}"
            f" ({self.zone.abbreviation(self.kpis.end)})"
        )

    def _fill_tables(self, kpis: AlarmKpis) -> None:
        lookup = self._session.incidents.get
        self.operators_table.set_rows(operator_rows(kpis))
        self.standing_table.set_rows(*standing_rows(kpis, self.zone, lookup))
        self.repeated_table.set_rows(repeated_rows(kpis, self.zone, lookup))
        self.floods_table.set_rows(floods_rows(kpis, self.zone))
        for index, count in enumerate(
            (len(kpis.operators), len(kpis.standing), len(kpis.repeated), len(kpis.floods))
        ):
            title = self.lists.tabText(index).split(" (")[0]
            self.lists.setTabText(index, f"{title} ({count})")

    def _set_status(self, text: str, *, error: bool = False) -> None:
        palette = colors(current_theme())
        self.status.setStyleSheet(f"color: {palette.failed if error else palette.muted};")
        self.status.setText(text)
