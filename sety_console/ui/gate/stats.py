"""Visit statistics: totals in words, and pyqtgraph bar charts by hour, by day and by gate."""

from __future__ import annotations

from datetime import datetime, timedelta

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sety_console.api.models import AccessLogStats
from sety_console.core.gate_wording import format_minutes
from sety_console.core.local_time import display_zone
from sety_console.core.wording import error_text
from sety_console.ui.common.slots import async_slot

from .gate_session import GateSession
from .style import DETAIL_PT, Look, Tone

REFRESH_KEY = "Ctrl+R"
PERIODS = {"Today": 0, "Last 7 days": 6, "Last 30 days": 29}
FIGURE_LOOK = Look(DETAIL_PT - 4, bold=True)
BAR_COLOURS = {"hour": "#42A5F5", "day": "#66BB6A", "gate": "#FFA726"}


def local_hours(stats: AccessLogStats) -> list[int]:
    """Visits per local hour 0–23 (the server counts in UTC; shifted by the display zone's offset)."""
    offset = display_zone().offset()
    shift = int(offset.total_seconds() // 3600)
    counts = [0] * 24
    for entry in stats.by_hour:
        counts[(entry.hour + shift) % 24] += entry.visits
    return counts


class StatsPanel(QWidget):
    """Shows `AccessLogStats` for a period and gate; `refresh()` (Ctrl+R) reloads."""

    def __init__(self, session: GateSession, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.stats: AccessLogStats | None = None
        self.period = QComboBox(self)
        self.period.addItems(list(PERIODS))
        self.period.setCurrentText("Last 7 days")
        self.period.currentIndexChanged.connect(lambda _i: self.refresh())
        self.gate = QLineEdit(self)
        self.gate.setPlaceholderText("any gate")
        self.gate.returnPressed.connect(self.refresh)
        refresh = QPushButton(f"Refresh  [{REFRESH_KEY}]", self)
        refresh.clicked.connect(self.refresh)
        self.figures: dict[str, QLabel] = {}
        self.message = QLabel(self)
        self.plots = {name: self._plot(title) for name, title in self._titles().items()}
        self._layout(refresh)
        shortcut = QShortcut(QKeySequence(REFRESH_KEY), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.refresh)

    @staticmethod
    def _titles() -> dict[str, str]:
        return {"hour": "Visits by hour of day (local)", "day": "Visits by day", "gate": "Visits by gate"}

    def _plot(self, title: str) -> pg.PlotWidget:
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText).name()
        plot = pg.PlotWidget(self, background=palette.color(QPalette.ColorRole.Base))
        plot.setTitle(title, color=text, size="12pt")
        plot.setMenuEnabled(False)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        plot.showGrid(y=True, alpha=0.25)
        for axis in ("left", "bottom"):
            plot.getAxis(axis).setTextPen(text)
            plot.getAxis(axis).setPen(text)
        plot.setMinimumHeight(150)
        return plot

    def _layout(self, refresh: QPushButton) -> None:
        controls = QHBoxLayout()
        controls.addWidget(self.period)
        controls.addWidget(self.gate, 1)
        controls.addWidget(refresh)
        figures = QHBoxLayout()
        for key in ("Visits", "Inside now", "Average stay", "Overstays", "Busiest hour"):
            label = QLabel(f"{key}\n—", self)
            FIGURE_LOOK.apply(label)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setContentsMargins(6, 4, 6, 4)
            self.figures[key] = label
            figures.addWidget(label, 1)
        grid = QGridLayout()
        grid.addWidget(self.plots["hour"], 0, 0)
        grid.addWidget(self.plots["day"], 0, 1)
        grid.addWidget(self.plots["gate"], 1, 0, 1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addLayout(figures)
        layout.addLayout(grid, 1)
        layout.addWidget(self.message)

    @async_slot()
    async def refresh(self) -> None:
        """Fetch the stats for the chosen period (whole days, this workstation's calendar) and gate."""
        days = PERIODS[self.period.currentText()]
        today = datetime.now().date()
        try:
            stats = await self._session.access_log_stats(
                from_date=today - timedelta(days=days), to_date=today, gate=self.gate.text().strip() or None
            )
        except Exception as error:  # shown; the charts keep the last answer
            self.message.setText(f"Could not load the statistics: {error_text(error)}")
            Look(bold=True).apply(self.message, Tone.WARN)
            return
        self.show_stats(stats)

    def show_stats(self, stats: AccessLogStats) -> None:
        """Paint the figures and the three charts."""
        self.stats = stats
        self.message.setText("")
        self.message.setStyleSheet("")
        busiest = local_hours(stats)
        peak = max(range(24), key=lambda h: busiest[h]) if stats.total_visits else None
        self._figure("Visits", str(stats.total_visits))
        self._figure("Inside now", str(stats.currently_inside))
        self._figure("Average stay", format_minutes(stats.average_duration_minutes))
        self._figure("Overstays", str(stats.overstays), Tone.WARN if stats.overstays else None)
        self._figure("Busiest hour", f"{peak:02d}:00" if peak is not None else "—")
        self._bars("hour", list(range(24)), busiest, [(h, f"{h:02d}") for h in range(0, 24, 3)])
        days = [f"{d.date:%d %b}" for d in stats.by_day]
        step = max(1, len(days) // 8)
        ticks = [(i, days[i]) for i in range(0, len(days), step)]
        self._bars("day", list(range(len(days))), [d.visits for d in stats.by_day], ticks)
        gates = [g.gate for g in stats.by_gate]
        self._bars("gate", list(range(len(gates))), [g.visits for g in stats.by_gate], list(enumerate(gates)))

    def _figure(self, key: str, value: str, tone: Tone | None = None) -> None:
        label = self.figures[key]
        label.setText(f"{key}\n{value}")
        FIGURE_LOOK.apply(label, tone)

    def _bars(self, name: str, xs: list[int], heights: list[int], ticks: list[tuple[int, str]]) -> None:
        plot = self.plots[name]
        plot.clear()
        if xs:
            plot.addItem(pg.BarGraphItem(x=xs, height=heights, width=0.7, brush=BAR_COLOURS[name]))
            plot.setXRange(-0.6, len(xs) - 0.4, padding=0)
        plot.setYRange(0, max([*heights, 1]) * 1.1, padding=0)
        plot.getAxis("bottom").setTicks([ticks])

    def bar_heights(self, name: str) -> list[float]:
        """Heights of the bars of chart `name` (`hour`, `day`, `gate`), for tests and checks."""
        items = [i for i in self.plots[name].getPlotItem().items if isinstance(i, pg.BarGraphItem)]
        return [float(h) for h in items[0].opts["height"]] if items else []
