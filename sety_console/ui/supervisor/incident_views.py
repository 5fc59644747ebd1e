"""What incident analytics shows: headline numbers, count charts, time histograms, an hour × weekday table."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sety_console.api.models import Category, IncidentStatus, Severity
from sety_console.core.analytics.histogram import bin_label, histogram, histogram_axis, percentile
from sety_console.core.analytics.stats import (
    CATEGORY_ORDER,
    HOURS,
    SEVERITY_ORDER,
    STATUS_ORDER,
    IncidentStats,
    ordered_counts,
)
from sety_console.core.local_time import LocalZone
from sety_console.core.wording import WEEKDAYS, duration_text, enum_label, percent_text, weekday_name
from sety_console.ui.common.palette import Palette, colors
from sety_console.ui.common.theme import current_theme
from sety_console.ui.supervisor.charts import BarChart

__all__ = ["BigNumber", "HeatTable", "IncidentStatsView", "heat_colour"]


def _wrap(label: str) -> str:
    """Long two-word labels on two lines, so neighbouring bars' labels never overlap."""
    return label.replace(" ", "\n", 1) if len(label) > 9 else label


def _stagger(labels: list[str]) -> list[str]:
    """Every other label below its neighbours' lines: labels never overlap on a 1366 px screen."""
    depth = max((label.count("\n") + 1 for label in labels[::2]), default=1)
    return [("\n" * depth + label) if i % 2 else label for i, label in enumerate(labels)]


def heat_colour(count: int, top: int, palette: Palette) -> QColor:
    """From the view's background (0) to strong red (the busiest cell)."""
    base, hot = QColor(palette.base), QColor(palette.safety_color("danger"))
    share = 0.0 if top <= 0 else min(count / top, 1.0)
    share = 0.15 + 0.85 * share if count else 0.0
    return QColor(
        round(base.red() + (hot.red() - base.red()) * share),
        round(base.green() + (hot.green() - base.green()) * share),
        round(base.blue() + (hot.blue() - base.blue()) * share),
    )


class HeatTable(QTableWidget):
    """Weekdays (rows, Mon–Sun) × local hours (columns): each cell's count, coloured by how busy it is."""

    def __init__(self, parent: QWidget | None = None, *, zone_label: str = "") -> None:
        super().__init__(len(WEEKDAYS), HOURS, parent)
        self.zone_label = zone_label
        self.setVerticalHeaderLabels(list(WEEKDAYS))
        self.setHorizontalHeaderLabels([f"{h:02d}" for h in range(HOURS)])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setMinimumHeight(230)
        self.setShowGrid(True)

    def set_counts(self, matrix: list[list[int]]) -> None:
        palette = colors(current_theme())
        top = max((max(row) for row in matrix), default=0)
        for day, row in enumerate(matrix):
            for hour, count in enumerate(row):
                item = QTableWidgetItem(str(count) if count else "")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                colour = heat_colour(count, top, palette)
                item.setBackground(colour)
                bright = top > 0 and count / top > 0.45
                item.setForeground(QColor("#ffffff" if bright else palette.text))
                item.setToolTip(
                    f"{weekday_name(day)} {hour:02d}:00–{hour:02d}:59 {self.zone_label}: {count} incidents"
                )
                self.setItem(day, hour, item)

    def count_at(self, weekday: int, hour: int) -> int:
        item = self.item(weekday, hour)
        return int(item.text()) if item is not None and item.text() else 0


class _BigNumber(QFrame):
    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = QLabel("—")
        self.value.setStyleSheet("font-size: 22pt; font-weight: 800;")
        self.caption = QLabel(caption)
        self.caption.setWordWrap(True)
        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        self.detail.setProperty("role", "muted")
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)

    def set(self, value: str, detail: str = "", colour: str | None = None) -> None:
        self.value.setText(value)
        self.value.setStyleSheet(
            "font-size: 22pt; font-weight: 800;" + (f" color: {colour};" if colour else "")
        )
        self.detail.setText(detail)


BigNumber = _BigNumber
"""A headline figure: caption, big value, a line of detail (also used by the alarm KPIs)."""


class IncidentStatsView(QWidget):
    """Everything computed from an `IncidentStats`; `show_stats` redraws it all."""

    def __init__(self, parent: QWidget | None = None, *, zone: LocalZone | None = None) -> None:
        super().__init__(parent)
        self.zone = zone or LocalZone()
        label = self.zone.abbreviation()
        self.total = _BigNumber("Incidents in the range")
        self.breach_rate = _BigNumber("SLA breach rate")
        self.assign = _BigNumber("Time to assign (median)")
        self.arrive = _BigNumber("Time to arrive (median)")
        self.busiest = _BigNumber("Busiest hour of the week")
        numbers = QHBoxLayout()
        for box in (self.total, self.breach_rate, self.assign, self.arrive, self.busiest):
            numbers.addWidget(box, 1)
        self.by_category = BarChart("By category", x_label="Category")
        self.by_severity = BarChart("By severity", x_label="Severity")
        self.by_status = BarChart("By status now (blue: still open, grey: closed)", x_label="Status")
        self.assign_histogram = BarChart("How long until a responder was assigned", x_label="Time to assign")
        self.arrive_histogram = BarChart("How long until the responder arrived", x_label="Time to arrive")
        self.heat = HeatTable(zone_label=label)
        heat_title = QLabel(
            f"<b>Incidents by weekday and hour ({label})</b> — stronger red = more incidents; blank = none"
        )
        grid = QGridLayout()
        grid.addWidget(self.by_category, 0, 0)
        grid.addWidget(self.by_severity, 0, 1)
        grid.addWidget(self.by_status, 0, 2, 1, 2)
        grid.addWidget(self.assign_histogram, 1, 0, 1, 2)
        grid.addWidget(self.arrive_histogram, 1, 2, 1, 2)
        for row in (0, 1):
            grid.setRowMinimumHeight(row, 230)
        for column in range(4):
            grid.setColumnStretch(column, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(numbers)
        layout.addLayout(grid)
        layout.addWidget(heat_title)
        layout.addWidget(self.heat)

    def show_stats(self, stats: IncidentStats) -> None:
        palette = colors(current_theme())
        self._show_numbers(stats, palette)
        categories = ordered_counts(stats.by_category, CATEGORY_ORDER)
        self.by_category.set_bars(
            _stagger([_wrap(enum_label(Category(v))) for v, _ in categories]), [n for _, n in categories]
        )
        severities = ordered_counts(stats.by_severity, SEVERITY_ORDER)
        self.by_severity.set_bars(
            [enum_label(Severity(v)) for v, _ in severities],
            [n for _, n in severities],
            [palette.severity_color(v) for v, _ in severities],
        )
        statuses = ordered_counts(stats.by_status, STATUS_ORDER)
        self.by_status.set_bars(
            _stagger([_wrap(enum_label(IncidentStatus(v))) for v, _ in statuses]),
            [n for _, n in statuses],
            [
                palette.closed if IncidentStatus(v).is_terminal else self.by_status.colours.bar
                for v, _ in statuses
            ],
        )
        for chart, values, what in (
            (self.assign_histogram, stats.assign_seconds, "Time to assign"),
            (self.arrive_histogram, stats.arrive_seconds, "Time to arrive"),
        ):
            bins = histogram(values)
            unit, edges = histogram_axis(bins)
            chart.set_bars([bin_label(b) for b in bins], [b.count for b in bins], edge_ticks=edges)
            chart.getPlotItem().setLabel("bottom", f"{what}, {unit}")
        self.heat.set_counts(stats.hour_weekday)

    def _show_numbers(self, stats: IncidentStats, palette: Palette) -> None:
        self.total.set(str(stats.total), f"{stats.drills} drills" if stats.drills else "")
        rate = stats.breach_rate
        colour = palette.safety_color("danger") if rate and rate >= 0.1 else None
        self.breach_rate.set(
            percent_text(rate), f"{stats.breached} of {stats.with_sla} incidents with SLA figures", colour
        )
        for box, values in ((self.assign, stats.assign_seconds), (self.arrive, stats.arrive_seconds)):
            p90 = percentile(values, 90)
            detail = (
                f"90 % within {duration_text(p90)} · {len(values)} incidents" if values else "no figures yet"
            )
            box.set(duration_text(percentile(values, 50)), detail)
        slot = stats.busiest_slot
        if slot is None:
            self.busiest.set("—", "no incidents")
        else:
            day, hour, count = slot
            self.busiest.set(
                f"{weekday_name(day, short=True)} {hour:02d}:00",
                f"{self.zone.abbreviation()} · {count} incidents",
            )
