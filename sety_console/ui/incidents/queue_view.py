"""The incident queue widget: filter bar, search and the sorted, live-updating table."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from sety_console.ui.common.palette import Palette

from .queue_cells import INCIDENT_ID_ROLE
from .queue_columns import Column
from .queue_empty_notice import EmptyQueueNotice
from .queue_filter_bar import QueueFilterBar
from .queue_filters import DrillFilter, QueueFilters, count_hidden
from .queue_model import IncidentQueueModel

CLOCK_INTERVAL_MS = 1000
# (smallest useful, comfortable) width of each column at the base font; cells wrap onto their second
# line before anything is elided (and an elided cell has a tooltip with all of it).
_WIDTHS = {
    Column.SEVERITY: (92, 130),
    Column.CATEGORY: (92, 150),
    Column.STATUS: (92, 125),
    Column.SUBJECT: (116, 190),
    Column.ADDRESS: (146, 320),
    Column.AGE: (48, 66),
    Column.SLA: (120, 215),
    Column.RESPONDER: (108, 200),
    Column.DRILL: (56, 64),
    Column.TAKEN: (96, 170),
}
_FIRST = (Column.SUBJECT, Column.ADDRESS)
"""Who the incident is about and where: these get their comfortable width before any other column."""
BASE_FONT_HEIGHT = 17
"""Line height (pixels) the widths above are measured for; a larger font scales them."""


def fit_widths(
    available: int, hidden: frozenset[Column] = frozenset(), scale: float = 1.0
) -> dict[Column, int]:
    """Column widths for `available` pixels: every shown column at least its useful width (a queue
    narrower than that scrolls sideways), then subject and address up to comfortable, then the
    others; what is left goes to the address."""
    columns = {c: (int(lo * scale), int(hi * scale)) for c, (lo, hi) in _WIDTHS.items() if c not in hidden}
    widths = {column: low for column, (low, _) in columns.items()}
    spare = available - sum(widths.values())
    for group in (
        [c for c in _FIRST if c in columns],
        [c for c in columns if c not in _FIRST],
    ):
        room = sum(columns[c][1] - columns[c][0] for c in group)
        given = min(max(spare, 0), room)
        for column in group:
            widths[column] += int(given * (columns[column][1] - columns[column][0]) / room) if room else 0
        spare -= given
    leftover = available - sum(widths.values())  # what is left, and the pixels rounding dropped
    if leftover > 0 and Column.ADDRESS in widths:
        widths[Column.ADDRESS] += leftover
    return widths


class QueueTable(QTableView):
    """The queue's table: what the operator is looking at stays put while rows come and go.

    * When the selected row goes away, the selection clears (QTableView in single-selection mode
      would select the next row: the operator would silently be looking at another incident).
    * When scrolled down, the top visible incident stays at the top through inserts, removals and
      moves above it; at the very top the view stays at the top, so new urgent rows show up.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._anchor: QPersistentModelIndex | None = None
        self._remembering = False
        self._fitting = False
        self.user_sized = False
        """True once the operator dragged a column edge: widths are theirs from then on."""
        self.horizontalHeader().setStretchLastSection(False)
        self.horizontalHeader().sectionResized.connect(self._on_section_resized)

    def fit_columns(self) -> None:
        """Share the width between the columns (see `fit_widths`)."""
        if self.user_sized or self.model() is None:
            return
        self._fitting = True
        try:
            hidden = frozenset(c for c in Column if self.isColumnHidden(c))
            scale = max(1.0, self.fontMetrics().height() / BASE_FONT_HEIGHT)
            for column, width in fit_widths(self.viewport().width(), hidden, scale).items():
                self.horizontalHeader().resizeSection(column, width)
        finally:
            self._fitting = False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def _on_section_resized(self, *_args: object) -> None:
        if not self._fitting and self.horizontalHeader().underMouse():
            self.user_sized = True

    def watch(self, model: IncidentQueueModel) -> None:
        """Follow `model`'s changes to keep the scroll anchor (call after `setModel`)."""
        for about_to in (model.rowsAboutToBeInserted, model.rowsAboutToBeRemoved, model.rowsAboutToBeMoved):
            about_to.connect(self._remember_top)
        model.layoutAboutToBeChanged.connect(self._remember_top)
        model.contents_changed.connect(self._restore_top)
        model.resorted.connect(self._forget_top)  # a new order starts from its top (or the selection)

    def rowsAboutToBeRemoved(self, parent: QModelIndex | QPersistentModelIndex, start: int, end: int) -> None:
        current = self.currentIndex()
        if current.isValid() and start <= current.row() <= end:
            self.selectionModel().clear()
        super().rowsAboutToBeRemoved(parent, start, end)

    def _remember_top(self, *_args: object) -> None:
        if self._remembering:
            return
        self._remembering = True
        top = self.indexAt(QPoint(1, 1))
        self._anchor = QPersistentModelIndex(top) if top.isValid() and top.row() > 0 else None

    def _forget_top(self) -> None:
        self._anchor = None
        self._remembering = False

    def _restore_top(self, *_args: object) -> None:
        anchor, self._anchor = self._anchor, None
        self._remembering = False
        if anchor is not None and anchor.isValid():
            self.updateGeometries()  # the scroll range must know about the new rows first
            index = self.model().index(anchor.row(), 0)
            self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtTop)


class IncidentQueue(QWidget):
    """The live queue. Selection is by incident id and survives every update, sort and filter.

    Signals: `selection_changed(str | None)` when the selected incident changes,
    `activated(str)` on Enter or double click. Keyboard: Down or Enter in the search box moves into
    the list, Enter opens the row, Esc goes back to the search box. Actions for the shell's menus and the `?`
    overlay: `next_action`, `previous_action`, `search_action` (see `shortcut_actions`).
    """

    selection_changed = Signal(object)
    activated = Signal(str)

    def __init__(self, model: IncidentQueueModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._current: str | None = None
        self._drills_forced = False
        self.filter_bar = QueueFilterBar(self)
        self.filter_bar.set_filters(model.filters())
        self.table = self._make_table(model)
        self.empty_notice = EmptyQueueNotice(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.empty_notice)
        layout.addWidget(self.table, 1)
        self.empty_notice.clear_requested.connect(self.set_filters)
        self.filter_bar.filters_changed.connect(self._on_filters_changed)
        self.filter_bar.search_submitted.connect(self._focus_results)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._sync_selection())
        self.table.doubleClicked.connect(self._activate)
        self.table.activated.connect(self._activate)
        model.contents_changed.connect(self._update_counts)
        self._clock = QTimer(self, interval=CLOCK_INTERVAL_MS)
        self._clock.timeout.connect(model.refresh_clocks)
        self._clock.start()
        self._make_actions()
        self._update_counts()

    def _make_table(self, model: IncidentQueueModel) -> QueueTable:
        table = QueueTable(self)
        table.setModel(model)
        table.watch(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(True)  # a long name, address or SLA takes the row's second line
        table.setShowGrid(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setIconSize(QSize(18, 18))
        table.verticalHeader().hide()
        table.setColumnHidden(Column.TAKEN, True)  # shown by `show_claims` on a control-room hub
        rows = table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(int(table.fontMetrics().lineSpacing() * 2 + 8))  # two lines of text
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setTextElideMode(
            Qt.TextElideMode.ElideRight
        )  # a narrow column: "Responder…", tooltip says all
        header.setSortIndicatorClearable(True)  # third click: back to priority order
        table.fit_columns()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(lambda *_: self._scroll_to_current())
        return table

    def _make_actions(self) -> None:
        def action(text: str, keys: str, slot: object) -> QAction:
            act = QAction(text, self)
            act.setShortcut(QKeySequence(keys))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.next_action = action("Next incident", "Alt+Down", self.select_next)
        self.previous_action = action("Previous incident", "Alt+Up", self.select_previous)
        self.search_action = action("Search incidents", "Ctrl+F", self.focus_search)

    # --- public API ----------------------------------------------------------------------------

    def model(self) -> IncidentQueueModel:
        return self._model

    def shortcut_actions(self) -> list[QAction]:
        """The queue's keyboard actions (already active on this widget's window)."""
        return [self.next_action, self.previous_action, self.search_action]

    def current_id(self) -> str | None:
        """The selected incident's id, None when nothing is selected."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        value = self._model.data(rows[0], INCIDENT_ID_ROLE)
        return value if isinstance(value, str) else None

    def select(self, incident_id: str | None) -> bool:
        """Select and scroll to an incident; False (and no selection) when it is not shown."""
        row = self._model.row_of(incident_id) if incident_id else None
        if row is None:
            self.table.selectionModel().clearSelection()
            self._sync_selection()
            return False
        self._select_row(row)
        return True

    def select_next(self) -> None:
        self._step(1)

    def select_previous(self) -> None:
        self._step(-1)

    def focus_search(self) -> None:
        self.filter_bar.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_bar.search.selectAll()

    def filters(self) -> QueueFilters:
        return self._model.filters()

    def set_filters(self, filters: QueueFilters) -> None:
        """Apply saved filters (the controls follow); the selection stays if still shown."""
        filters = self._drill_proof(filters)
        self.filter_bar.set_filters(filters)
        self._on_filters_changed(filters)

    def set_drills_forced(self, forced: bool) -> None:
        """The server makes every incident a drill (test key, sandbox): the window's badge says so
        once, so the Drill column and the drill filter (which could only hide everything) go."""
        self._drills_forced = forced
        self.table.setColumnHidden(Column.DRILL, forced)
        self.filter_bar.drills.setVisible(not forced)
        self.filter_bar.arrange(self.filter_bar.width())
        self.table.fit_columns()
        if forced and self._model.filters().drills is not DrillFilter.SHOWN:
            self.set_filters(self._model.filters())

    def show_claims(self, shown: bool) -> None:
        """Show the "Taken by" column (who has each incident, on a control-room hub), right after the
        status: a narrow queue scrolls sideways, and who has an incident must never be off screen."""
        header = self.table.horizontalHeader()
        header.moveSection(header.visualIndex(Column.TAKEN), header.visualIndex(Column.STATUS) + 1)
        self.table.setColumnHidden(Column.TAKEN, not shown)
        self.table.fit_columns()

    def _drill_proof(self, filters: QueueFilters) -> QueueFilters:
        return replace(filters, drills=DrillFilter.SHOWN) if self._drills_forced else filters

    def set_palette(self, palette: Palette) -> None:
        """Theme change: the model's colours follow."""
        self._model.set_palette(palette)

    # --- internals -----------------------------------------------------------------------------

    def _step(self, delta: int) -> None:
        count = self._model.rowCount()
        if count == 0:
            return
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() + delta if rows else 0
        self._select_row(min(max(row, 0), count - 1))

    def _select_row(self, row: int) -> None:
        index = self._model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def _on_filters_changed(self, filters: QueueFilters) -> None:
        filters = self._drill_proof(filters)
        keep = self._current
        self._model.set_filter(filters)
        row = self._model.row_of(keep) if keep is not None else None
        if row is not None:
            self._select_row(row)
        self._sync_selection()

    def _sync_selection(self, *_args: object) -> None:
        current = self.current_id()
        if current != self._current:
            self._current = current
            self.selection_changed.emit(current)

    def _scroll_to_current(self) -> None:
        """After a new sort: to the selected incident, else to the top of the new order."""
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.table.scrollTo(rows[0], QAbstractItemView.ScrollHint.PositionAtCenter)
        else:
            self.table.scrollToTop()

    def _focus_results(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if self._model.rowCount() and not self.table.selectionModel().selectedRows():
            self._select_row(0)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc in the list goes back to the search box (Esc there clears the search)."""
        if event.key() == Qt.Key.Key_Escape and not self.filter_bar.search.hasFocus():
            self.focus_search()
            return
        super().keyPressEvent(event)

    def _activate(self, index: QModelIndex) -> None:
        value = self._model.data(index, INCIDENT_ID_ROLE)
        if isinstance(value, str):
            self.activated.emit(value)

    def _update_counts(self, *_args: object) -> None:
        shown, total = self._model.rowCount(), self._model.incident_count()
        self.filter_bar.set_counts(shown, total)
        if shown == 0 and total > 0:  # the filters hide everything: say which, and how many each
            filters = self._model.filters()
            self.empty_notice.show_hidden(filters, count_hidden(filters, self._model.filtered_out()), total)
        else:
            self.empty_notice.hide()
