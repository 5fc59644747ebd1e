"""The access log: filters (status, gate, days, name/phone/plate), pages, and CSV export."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sety_console.api.models import AccessLogStatus
from sety_console.core.wording import error_text
from sety_console.ui.common.keys import keys_beat_text_fields
from sety_console.ui.common.save_dialog import ask_save_path
from sety_console.ui.common.slots import async_slot

from .access_log_model import access_log_model
from .csv_export import export_access_logs
from .gate_session import GateSession
from .log_filters import MAX_SEARCH, AccessLogFilters
from .pager import Pager
from .style import BUTTON_PT, Look, Tone

log = logging.getLogger(__name__)
EXPORT_KEY = "Ctrl+E"
REFRESH_KEY = "Ctrl+R"
STATUSES = {
    "Any status": None,
    "Inside": AccessLogStatus.checked_in,
    "Checked out": AccessLogStatus.checked_out,
}


class AccessLogPanel(QWidget):
    """Enter in any filter field applies the filters; PgUp/PgDn page; Ctrl+E exports what the filters match.

    Signal `exported(Path, int)` after a CSV file was written.
    """

    exported = Signal(object, int)

    def __init__(self, session: GateSession, *, page_size: int = 50, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._page_size = page_size
        self.active = AccessLogFilters()
        self.model = access_log_model(self)
        self._build()

    def _build(self) -> None:
        self.status_filter = QComboBox(self)
        self.status_filter.addItems(list(STATUSES))
        self.gate_filter = QLineEdit(self)
        self.gate_filter.setPlaceholderText("any gate")
        self.gate_filter.setMaxLength(MAX_SEARCH)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Name, phone or plate")
        self.search.setMaxLength(MAX_SEARCH)
        self.search.setClearButtonEnabled(True)
        self.from_enabled, self.from_date = self._day_filter("From")
        self.to_enabled, self.to_date = self._day_filter("To")
        self.apply_button = QPushButton("Search  [Enter]", self)
        self.apply_button.clicked.connect(self.apply_filters)
        self.export_button = QPushButton(f"Export CSV…  [{EXPORT_KEY}]", self)
        Look(BUTTON_PT, bold=True).apply(self.export_button)
        self.export_button.clicked.connect(self.choose_export_file)
        for edit in (self.gate_filter, self.search):
            edit.returnPressed.connect(self.apply_filters)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.pager = Pager(self)
        self.pager.page_requested.connect(self.load_page)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self._layout()
        self._install_shortcuts()

    def _day_filter(self, label: str) -> tuple[QCheckBox, QDateEdit]:
        enabled = QCheckBox(label, self)
        edit = QDateEdit(QDate.currentDate(), self)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd MMM yyyy")
        edit.setEnabled(False)
        enabled.toggled.connect(edit.setEnabled)
        return enabled, edit

    def _layout(self) -> None:
        first = QHBoxLayout()
        first.addWidget(self.search, 2)
        first.addWidget(self.status_filter)
        first.addWidget(self.gate_filter, 1)
        second = QHBoxLayout()
        for widget in (self.from_enabled, self.from_date, self.to_enabled, self.to_date):
            second.addWidget(widget)
        second.addStretch(1)
        second.addWidget(self.apply_button)
        second.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(first)
        layout.addLayout(second)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.pager)
        layout.addWidget(self.message)

    def _install_shortcuts(self) -> None:
        for key, slot in (
            (EXPORT_KEY, self.choose_export_file),
            (REFRESH_KEY, self.apply_filters),
            ("PgUp", self.pager.previous),
            ("PgDown", self.pager.next),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        keys_beat_text_fields(self, (EXPORT_KEY,))  # on X11 the search box would take Ctrl+E as End

    # ------------------------------------------------------------------ filters and pages

    def filters(self) -> AccessLogFilters:
        """The filters as typed (not yet applied)."""
        return AccessLogFilters(
            status=STATUSES[self.status_filter.currentText()],
            gate=self.gate_filter.text().strip() or None,
            from_date=_day(self.from_date) if self.from_enabled.isChecked() else None,
            to_date=_day(self.to_date) if self.to_enabled.isChecked() else None,
            search=self.search.text().strip() or None,
        )

    def apply_filters(self) -> None:
        """Use the typed filters for the list (from page 1) and for the next export."""
        filters = self.filters()
        problem = filters.problem()
        if problem:
            self._say(problem, Tone.WARN)
            return
        self.active = filters
        self.load_page(1)

    @async_slot(int)
    async def load_page(self, page: int) -> None:
        """Fetch one page with the active filters; the shown page stays if the server fails."""
        try:
            result = await self._session.list_access_logs(
                **self.active.query(), page=page, limit=self._page_size
            )
        except Exception as error:  # the guard reads it; nothing else changes
            self._say(f"Could not load the access log: {error_text(error)}", Tone.WARN)
            return
        self.model.set_rows(result.data)
        self.pager.show_pagination(result.pagination)
        self._say(f"Showing {self.active.describe()}.", Tone.IDLE)

    # ------------------------------------------------------------------ export

    def choose_export_file(self) -> None:
        """Ask where to save, then export every visit the active filters match."""
        name = f"access-log-{date.today():%Y-%m-%d}.csv"
        path = ask_save_path(self, "Export access log", name, "CSV files (*.csv)")
        if path is not None:
            self.export_csv(path)

    @async_slot(object)
    async def export_csv(self, path: Path) -> int | None:
        """Write every page matching the active filters to `path`; returns the number of visits."""
        filters = self.active
        self.export_button.setEnabled(False)
        try:
            count = await export_access_logs(self._session, filters, path, progress=self._progress)
        except Exception as error:  # shown; a half-written file is never left behind
            self._say(f"Export failed, nothing was written: {error_text(error)}", Tone.BAD)
            return None
        finally:
            self.export_button.setEnabled(True)
        self._say(f"✓ Exported {count} visits ({filters.describe()}) to {path}.", Tone.GOOD)
        self.exported.emit(path, count)
        return count

    def _progress(self, fetched: int, total: int) -> None:
        self._say(f"Exporting… {fetched} of {total} visits fetched.", Tone.PENDING)

    def _say(self, text: str, tone: Tone) -> None:
        self.message.setText(text)
        Look(BUTTON_PT - 1, bold=tone is not Tone.IDLE).apply(self.message, tone)


def _day(edit: QDateEdit) -> date:
    value = edit.date().toPython()
    assert isinstance(value, date)
    return value
