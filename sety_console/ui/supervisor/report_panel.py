"""Shift handover in the app: choose the shift (local time) and filters, preview, print or export to PDF.

The data comes from the core (`core.handover`) over the console's own session, and the page from
`core.handover.report_html`: the same report as `sety-console report` writes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QDateTime, QTimeZone, Signal
from PySide6.QtGui import QAction, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sety_console.api.models import Category, Severity
from sety_console.core.handover import (
    HandoverData,
    HandoverFilters,
    HandoverWindow,
    gather_handover,
    sources_from_session,
)
from sety_console.core.handover.report_html import build_report_html, report_title
from sety_console.core.local_time import LocalZone, utc_text
from sety_console.core.wording import enum_label, error_text
from sety_console.report_pdf import ReportError, build_report_document, write_pdf
from sety_console.ui.common.palette import colors
from sety_console.ui.common.save_dialog import ask_save_path
from sety_console.ui.common.slots import run_task
from sety_console.ui.common.theme import current_theme
from sety_console.ui.supervisor.supervisor_session import SupervisorSession

__all__ = ["ChoiceButton", "HandoverPanel"]

log = logging.getLogger(__name__)


class ChoiceButton(QToolButton):
    """A drop-down of checkable choices; nothing ticked means all. Its text says what is chosen."""

    def __init__(self, what: str, choices: Iterable[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._what = what
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self)
        self._actions: dict[str, QAction] = {}
        for value, label in choices:
            action = menu.addAction(label)
            action.setCheckable(True)
            action.toggled.connect(self._describe)
            self._actions[value] = action
        self.setMenu(menu)
        self._describe()

    def values(self) -> tuple[str, ...]:
        return tuple(value for value, action in self._actions.items() if action.isChecked())

    def set_values(self, values: Iterable[str]) -> None:
        wanted = set(values)
        for value, action in self._actions.items():
            action.setChecked(value in wanted)

    def _describe(self) -> None:
        chosen = [self._actions[v].text() for v in self.values()]
        self.setText(f"{self._what}: {', '.join(chosen) if chosen else 'all'}")


def _ask_pdf_path(parent: QWidget, suggestion: str) -> str | None:
    path = ask_save_path(parent, "Export handover as PDF", suggestion, "PDF files (*.pdf)")
    return str(path) if path else None


def qt_zone(zone: LocalZone) -> QTimeZone:
    """The Qt zone of a `LocalZone` (the system's when it names none)."""
    return QTimeZone(zone.key.encode()) if zone.key else QTimeZone.systemTimeZone()


def _local_edit(zone: LocalZone) -> QDateTimeEdit:
    edit = QDateTimeEdit()
    edit.setTimeZone(qt_zone(zone))
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    edit.setCalendarPopup(True)
    return edit


class HandoverPanel(QWidget):
    """The handover report: Generate previews it; Print… and Export PDF… use the same document."""

    generated = Signal(object)
    """The `HandoverData` now previewed."""

    def __init__(
        self,
        session: SupervisorSession,
        parent: QWidget | None = None,
        *,
        source: str = "",
        zone: LocalZone | None = None,
        ask_pdf_path: Callable[[QWidget, str], str | None] = _ask_pdf_path,
    ) -> None:
        super().__init__(parent)
        self._session, self._source, self._ask_pdf_path = session, source, ask_pdf_path
        self.zone = zone or LocalZone()
        self._task: asyncio.Task[HandoverData | None] | None = None
        self.data: HandoverData | None = None
        self.document: QTextDocument | None = None
        self._build()
        self.set_last_hours(12)

    def _build(self) -> None:
        self.from_edit, self.to_edit = _local_edit(self.zone), _local_edit(self.zone)
        for edit in (self.from_edit, self.to_edit):
            edit.dateTimeChanged.connect(self._explain_window)
        self.categories = ChoiceButton("Categories", [(c.value, enum_label(c)) for c in Category])
        self.severities = ChoiceButton("Severities", [(s.value, enum_label(s)) for s in Severity])
        self.generate_button = QPushButton("Generate")
        self.generate_button.setProperty("role", "primary")
        self.generate_button.clicked.connect(lambda: self.start())
        self.print_button = QPushButton("Print…")
        self.print_button.clicked.connect(self.print_report)
        self.export_button = QPushButton("Export PDF…")
        self.export_button.clicked.connect(self._export_clicked)
        for button in (self.print_button, self.export_button):
            button.setEnabled(False)
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Shift from"))
        controls.addWidget(self.from_edit)
        controls.addWidget(QLabel("to"))
        controls.addWidget(self.to_edit)
        self.zone_label = QLabel(self.zone.abbreviation())
        self.zone_label.setToolTip(self.zone.describe())
        controls.addWidget(self.zone_label)
        for hours in (8, 12, 24):
            button = QPushButton(f"Last {hours} h")
            button.clicked.connect(lambda _=False, h=hours: self.set_last_hours(h))
            controls.addWidget(button)
        controls.addStretch(1)
        actions = QHBoxLayout()  # a second row: the panel fits a 1366 px screen
        for widget in (
            self.categories,
            self.severities,
            self.generate_button,
            self.print_button,
            self.export_button,
        ):
            actions.addWidget(widget)
        actions.addStretch(1)
        self.status = QLabel("Choose the shift and press Generate.")
        self.status.setWordWrap(True)
        self.preview = QTextBrowser()
        self.preview.setOpenLinks(False)
        self.preview.setStyleSheet("QTextBrowser { background: #ffffff; color: #111111; }")
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        layout.addWidget(self.preview, 1)

    # --- public API ---------------------------------------------------------------------------

    def set_window(self, start: datetime, end: datetime) -> None:
        zone = qt_zone(self.zone)
        self.from_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(start.timestamp()), zone))
        self.to_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(end.timestamp()), zone))

    def set_last_hours(self, hours: int, now: datetime | None = None) -> None:
        end = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
        self.set_window(end - timedelta(hours=hours), end)

    def shift_window(self) -> HandoverWindow:
        """The chosen shift; ValueError in words when it ends before it starts."""
        start = datetime.fromtimestamp(self.from_edit.dateTime().toSecsSinceEpoch(), UTC)
        end = datetime.fromtimestamp(self.to_edit.dateTime().toSecsSinceEpoch(), UTC)
        return HandoverWindow(start, end)

    def set_filters(self, categories: Iterable[str] = (), severities: Iterable[str] = ()) -> None:
        """Take over the active filters (enum values; empty means all), e.g. from the incident queue."""
        self.categories.set_values(categories)
        self.severities.set_values(severities)

    def filters(self) -> HandoverFilters:
        return HandoverFilters(self.categories.values(), self.severities.values())

    def start(self) -> asyncio.Task[HandoverData | None]:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = run_task(self.generate(), "handover report")
        return self._task

    async def generate(self) -> HandoverData | None:
        """Gather the shift and show the report; None (and the reason on screen) when it failed."""
        try:
            window = self.shift_window()
        except ValueError as exc:
            self._set_status(str(exc), error=True)
            return None
        self.generate_button.setEnabled(False)
        self._set_status("Gathering the shift's incidents, notes, visitors and danger zones…")
        try:
            data = await gather_handover(window, sources_from_session(self._session), self.filters())
        except Exception as exc:
            self._set_status(f"Could not gather the handover: {error_text(exc)}", error=True)
            log.warning("Handover failed: %s", exc)
            return None
        finally:
            self.generate_button.setEnabled(True)
        self.show_data(data)
        return data

    def show_data(self, data: HandoverData) -> None:
        """Preview `data` and enable printing and export."""
        self.data = data
        title = report_title(data, self.zone)
        self.document = build_report_document(build_report_html(data, self.zone, self._source), title)
        self.preview.setDocument(self.document)
        for button in (self.print_button, self.export_button):
            button.setEnabled(True)
        summary = (
            f"{len(data.still_open)} still open, {len(data.opened)} opened, {len(data.closed)} closed, "
            f"{len(data.breaches)} SLA breaches, {len(data.notes)} notes, {data.records_summary()}."
        )
        if data.warnings:
            self._set_status(summary + " " + " ".join(data.warnings), error=True)
        else:
            self._set_status(summary + " Print it or export it to PDF.")
        self.generated.emit(data)

    def export_pdf(self, path: str | Path) -> Path:
        """Write the previewed report to `path`; `ReportError` when there is none or it cannot be written."""
        if self.document is None or self.data is None:
            raise ReportError("Generate the report first.")
        written = write_pdf(self.document, path)
        self._set_status(f"Saved the handover to {written}.")
        return written

    def print_report(self) -> None:
        if self.document is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self.document.print_(printer)

    # --- helpers ------------------------------------------------------------------------------

    def _export_clicked(self) -> None:
        if self.data is None:
            return
        end = self.zone.localise(self.data.window.end)
        suggestion = f"handover-{end:%Y%m%d-%H%M}{end.tzname() or ''}.pdf"
        path = self._ask_pdf_path(self, suggestion)
        if path is None:
            return
        try:
            self.export_pdf(path)
        except ReportError as exc:
            self._set_status(str(exc), error=True)

    def _explain_window(self) -> None:
        """UTC on hover: what the chosen local shift is in UTC."""
        try:
            window = self.shift_window()
        except ValueError as exc:
            tip = str(exc)
        else:
            tip = f"{utc_text(window.start, seconds=False)} to {utc_text(window.end, seconds=False)}"
        for edit in (self.from_edit, self.to_edit):
            edit.setToolTip(tip)

    def _set_status(self, text: str, *, error: bool = False) -> None:
        palette = colors(current_theme())
        self.status.setStyleSheet(f"color: {palette.failed if error else palette.text}; font-size: 11pt;")
        self.status.setText(text)
