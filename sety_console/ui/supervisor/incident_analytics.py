"""Incident analytics over a range of local days, gathered page by page with progress and Cancel."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from sety_console.core.analytics.gathering import PageProgress, gather_stats
from sety_console.core.analytics.stats import IncidentStats
from sety_console.core.local_time import LocalZone, local_text, utc_text
from sety_console.core.wording import error_text
from sety_console.ui.common.palette import colors
from sety_console.ui.common.slots import run_task
from sety_console.ui.common.theme import current_theme
from sety_console.ui.supervisor.incident_views import IncidentStatsView
from sety_console.ui.supervisor.supervisor_session import SupervisorSession

__all__ = ["IncidentAnalyticsPanel"]

log = logging.getLogger(__name__)
PAGE_SIZE = 100


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


class IncidentAnalyticsPanel(QWidget):
    """Pick a range of local days and press Load; Cancel stops the gathering and keeps what was read."""

    finished = Signal(object)
    """The `IncidentStats` of a complete (not cancelled, not failed) gathering."""

    def __init__(
        self, session: SupervisorSession, parent: QWidget | None = None, *, zone: LocalZone | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session
        self.zone = zone or LocalZone()
        self._task: asyncio.Task[IncidentStats | None] | None = None
        self._cancel_requested = False
        self.stats: IncidentStats | None = None
        self.state = "idle"
        self._build_controls()
        self.view = IncidentStatsView(zone=self.zone)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.view)
        layout = QVBoxLayout(self)
        layout.addLayout(self._controls)
        layout.addWidget(self.status)
        layout.addWidget(scroll, 1)
        self.set_range_days(7)

    def _build_controls(self) -> None:
        self.from_edit = QDateEdit()
        self.to_edit = QDateEdit()
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.week_button = QPushButton("Last 7 days")
        self.week_button.clicked.connect(lambda: self.set_range_days(7))
        self.month_button = QPushButton("Last 30 days")
        self.month_button.clicked.connect(lambda: self.set_range_days(30))
        self.load_button = QPushButton("Load")
        self.load_button.setProperty("role", "primary")
        self.load_button.clicked.connect(self._load_clicked)
        self.progress = QProgressBar()
        self.progress.setFormat("%v of %m pages")
        self.progress.setMinimumWidth(220)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self._controls = QHBoxLayout()
        self._controls.addWidget(QLabel("From"))
        self._controls.addWidget(self.from_edit)
        self._controls.addWidget(QLabel("to"))
        self._controls.addWidget(self.to_edit)
        self._controls.addWidget(QLabel(f"(whole days, {self.zone.abbreviation()})"))
        for widget in (
            self.week_button,
            self.month_button,
            self.load_button,
            self.progress,
            self.cancel_button,
        ):
            self._controls.addWidget(widget)
        self._controls.addStretch(1)
        self.status = QLabel("Choose the days and press Load.")
        self.status.setWordWrap(True)

    # --- public API ---------------------------------------------------------------------------

    def set_range_days(self, days: int, today: date | None = None) -> None:
        """Set the range to the last `days` local days, today included."""
        end = today or self.zone.today()
        self.set_range(end - timedelta(days=days - 1), end)

    def set_range(self, start: date, end: date) -> None:
        self.from_edit.setDate(_qdate(start))
        self.to_edit.setDate(_qdate(end))

    def selected_range(self) -> tuple[date, date]:
        return self.from_edit.date().toPython(), self.to_edit.date().toPython()  # type: ignore[return-value]

    def start(self) -> asyncio.Task[IncidentStats | None]:
        """Start gathering the selected range (cancelling one already running)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = run_task(self.load(), "incident analytics")
        return self._task

    async def run(self) -> IncidentStats | None:
        """Gather the selected range and wait for it; None when it was cancelled with Cancel or failed."""
        task = self.start()
        try:
            return await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if self._cancel_requested and (current is None or not current.cancelling()):
                return None
            raise

    def cancel(self) -> None:
        """Stop the gathering now; what was read so far stays on screen, marked partial."""
        if self._task is not None and not self._task.done():
            self._cancel_requested = True
            self._task.cancel()

    async def load(self) -> IncidentStats | None:
        """Gather and show the selected range; None when the range is wrong or the server failed."""
        try:
            first, last = self.zone.day_bounds(*self.selected_range())
        except ValueError as exc:
            self._set_status(str(exc), error=True)
            return None
        self._cancel_requested = False
        stats = IncidentStats(zone=self.zone)
        self.stats, self.state = stats, "loading"
        self._busy(True)
        span = f"{local_text(first, self.zone)} to {local_text(last, self.zone)}"
        self.status.setToolTip(f"{utc_text(first)} to {utc_text(last)}")
        self._set_status(f"Reading incidents created {span}…")
        pages = self._session.iter_incident_pages(from_date=first, to_date=last, limit=PAGE_SIZE)
        try:
            await gather_stats(pages, stats, self._on_page)
        except asyncio.CancelledError:
            self.state = "cancelled"
            self._show(
                stats,
                f"Cancelled after {self.progress.value()} pages: partial figures for "
                f"{stats.total} incidents.",
                error=True,
            )
            raise
        except Exception as exc:
            self.state = "failed"
            message = (
                f"Could not read the incidents: {error_text(exc)} Showing the {stats.total} read so far."
            )
            log.warning("%s", message)
            self._show(stats, message, error=True)
            return None
        finally:
            self._busy(False)
        self.state = "done"
        self._show(stats, f"{stats.total} incidents created {span}.")
        self.finished.emit(stats)
        return stats

    # --- rendering ----------------------------------------------------------------------------

    def _on_page(self, progress: PageProgress) -> None:
        total = progress.total_pages or progress.pages_done
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(progress.pages_done)
        of = f" of {progress.total_incidents}" if progress.total_incidents else ""
        self._set_status(
            f"Read page {progress.pages_done} of {total}: {progress.incidents}{of} incidents so far… "
            "(paced within the rate budget; Cancel keeps what was read)"
        )
        if self.stats is not None:
            self.view.show_stats(self.stats)

    def _busy(self, busy: bool) -> None:
        self.load_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)  # busy until the first page says how many there are
            self.progress.setValue(0)

    def _show(self, stats: IncidentStats, message: str, *, error: bool = False) -> None:
        self.view.show_stats(stats)
        self._set_status(message, error=error)

    def _set_status(self, text: str, *, error: bool = False) -> None:
        palette = colors(current_theme())
        colour = palette.failed if error else palette.text
        self.status.setStyleSheet(
            f"color: {colour}; font-size: 11pt;" + (" font-weight: 700;" if error else "")
        )
        self.status.setText(text)

    def _load_clicked(self) -> None:
        self.start()
