"""The queue's filter bar: status group, category, severity, drills, and the search box."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sety_console.api.models import Category, Severity
from sety_console.core.wording import category_name

from .queue_filters import UNKNOWN_KEY, DrillFilter, QueueFilters, StatusGroup

SEARCH_MIN_WIDTH = 280
SEARCH_DELAY_MS = 200
"""Typing pauses this long before the (50k-row) filter runs."""

_STATUS_TEXT = {StatusGroup.ACTIVE: "Active", StatusGroup.ALL: "All", StatusGroup.CLOSED: "Closed"}
_DRILL_TEXT = {
    DrillFilter.SHOWN: "Drills shown",
    DrillFilter.HIDDEN: "Drills hidden",
    DrillFilter.ONLY: "Drills only",
}
_CATEGORY_CHOICES = [(c.value, category_name(c)) for c in Category] + [(UNKNOWN_KEY, "Unknown")]
_SEVERITY_CHOICES = [(s.value, s.label) for s in reversed(list(Severity))] + [(UNKNOWN_KEY, "Unknown")]


# The checked status group and an active filter must be visible at a glance, in either theme.
_STYLE = """
#QueueFilterBar QToolButton { padding: 4px 10px; border: 1px solid palette(mid); border-radius: 4px; }
#QueueFilterBar QToolButton:checked { background: palette(highlight); color: palette(highlighted-text);
                                      font-weight: 600; }
#QueueFilterBar QToolButton[filtered="true"] { border: 2px solid palette(highlight); font-weight: 600; }
#QueueFilterBar QToolButton::menu-indicator { image: none; width: 0px; }
"""


class ChoiceButton(QToolButton):
    """A button with a menu of checkable choices; none checked means "all"."""

    changed = Signal()

    def __init__(
        self, title: str, plural: str, choices: Iterable[tuple[str, str]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._title = title
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self)
        everything = menu.addAction(f"All {plural}")
        everything.triggered.connect(lambda: self.set_selected(frozenset(), notify=True))
        menu.addSeparator()
        self._actions: dict[str, QAction] = {}
        for key, text in choices:
            action = menu.addAction(text)
            action.setCheckable(True)
            action.setData(key)
            action.toggled.connect(self._on_toggled)
            self._actions[key] = action
        self.setMenu(menu)
        self._quiet = False
        self._update_text()

    def selected(self) -> frozenset[str]:
        return frozenset(key for key, action in self._actions.items() if action.isChecked())

    def set_selected(self, keys: frozenset[str], notify: bool = False) -> None:
        self._quiet = True
        for key, action in self._actions.items():
            action.setChecked(key in keys)
        self._quiet = False
        self._update_text()
        if notify:
            self.changed.emit()

    def _on_toggled(self) -> None:
        self._update_text()
        if not self._quiet:
            self.changed.emit()

    def _update_text(self) -> None:
        chosen = [a.text() for a in self._actions.values() if a.isChecked()]
        self.setText(f"{self._title}: {', '.join(chosen) if chosen else 'All'} ▾")
        self.setProperty("filtered", bool(chosen))
        self.style().unpolish(self)  # re-read the [filtered] style
        self.style().polish(self)


class QueueFilterBar(QWidget):
    """Emits `filters_changed(QueueFilters)` whenever the operator changes a filter."""

    filters_changed = Signal(object)
    search_submitted = Signal()
    """Enter or Down in the search box: the queue moves focus to the results."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("QueueFilterBar")
        self.setStyleSheet(_STYLE)
        # One line when there is room; on a narrow screen the search box takes a second line
        # (the bar never forces the window wider than its screen).
        rows = QVBoxLayout(self)
        rows.setContentsMargins(6, 6, 6, 6)
        rows.setSizeConstraint(QVBoxLayout.SizeConstraint.SetNoConstraint)
        layout = self._top = QHBoxLayout()
        self._bottom = QHBoxLayout()
        rows.addLayout(self._top)
        rows.addLayout(self._bottom)
        self._two_lines = False
        self._status = QButtonGroup(self)
        for group in StatusGroup:
            button = QToolButton(self)
            button.setText(_STATUS_TEXT[group])
            button.setCheckable(True)
            button.setToolTip(f"Show {_STATUS_TEXT[group].lower()} incidents")
            self._status.addButton(button)
            button.setProperty("group", group.value)
            layout.addWidget(button)
        self._status.buttonClicked.connect(lambda _button: self._emit())
        self.category = ChoiceButton("Category", "categories", _CATEGORY_CHOICES, self)
        self.severity = ChoiceButton("Severity", "severities", _SEVERITY_CHOICES, self)
        self.category.changed.connect(self._emit)
        self.severity.changed.connect(self._emit)
        self.drills = QComboBox(self)
        for drill in DrillFilter:
            self.drills.addItem(_DRILL_TEXT[drill], drill.value)
        self.drills.currentIndexChanged.connect(lambda _index: self._emit())
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search name, phone, reference, address, id  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(SEARCH_MIN_WIDTH)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._emit)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self._submit_search)
        self.count = QLabel(self)
        self.count.setProperty("role", "muted")
        for widget in (self.category, self.severity, self.drills):
            layout.addWidget(widget)
        layout.addWidget(self.search, 1)
        layout.addWidget(self.count)
        self._filters = QueueFilters()
        self.set_filters(self._filters)

    def filters(self) -> QueueFilters:
        return self._filters

    @property
    def two_lines(self) -> bool:
        """True while the search box sits on a second line (a narrow queue)."""
        return self._two_lines

    def _filter_widgets(self) -> list[QWidget]:
        return [*self._status.buttons(), self.category, self.severity, self.drills]

    def _row_width(self, widgets: list[QWidget]) -> int:
        shown = [w for w in widgets if not w.isHidden()]
        spacing = self._top.spacing() if self._top.spacing() >= 0 else 6
        return (
            sum(
                max(w.minimumSizeHint().width(), w.sizeHint().width() if w is not self.search else 0)
                for w in shown
            )
            + spacing * max(0, len(shown) - 1)
            + 12
        )

    def minimumSizeHint(self) -> QSize:
        """As narrow as the wider of the two lines (the search box can always move down)."""
        hint = super().minimumSizeHint()
        filters = self._row_width(self._filter_widgets())
        search = self._row_width([self.search, self.count])
        return QSize(max(filters, search), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.arrange(event.size().width())

    def arrange(self, width: int) -> None:
        """Search on the same line when everything fits in `width`, else on a second line."""
        two_lines = width < self._row_width([*self._filter_widgets(), self.search, self.count])
        if two_lines == self._two_lines:
            return
        self._two_lines = two_lines
        target, source = (self._bottom, self._top) if two_lines else (self._top, self._bottom)
        for widget, stretch in ((self.search, 1), (self.count, 0)):
            source.removeWidget(widget)
            target.addWidget(widget, stretch)
        self.updateGeometry()

    def set_filters(self, filters: QueueFilters) -> None:
        """Show `filters` in the controls without emitting `filters_changed`."""
        self._filters = filters
        for button in self._status.buttons():
            button.setChecked(button.property("group") == filters.status.value)
        self.category.set_selected(filters.categories)
        self.severity.set_selected(filters.severities)
        self.drills.blockSignals(True)
        self.drills.setCurrentIndex(max(0, self.drills.findData(filters.drills.value)))
        self.drills.blockSignals(False)
        if self.search.text() != filters.search:
            self.search.blockSignals(True)
            self.search.setText(filters.search)
            self.search.blockSignals(False)
        self._search_timer.stop()

    def set_counts(self, shown: int, total: int) -> None:
        if total == 0:
            self.count.setText("No incidents yet")
        elif shown == 0:
            self.count.setText(f"None of {total:,} match")
        else:
            self.count.setText(f"{shown:,} of {total:,}")

    def _current(self) -> QueueFilters:
        checked = self._status.checkedButton()
        status = StatusGroup(checked.property("group")) if checked else StatusGroup.ACTIVE
        return QueueFilters(
            status=status,
            categories=self.category.selected(),
            severities=self.severity.selected(),
            drills=DrillFilter(self.drills.currentData()),
            search=self.search.text().strip(),
        )

    def _emit(self) -> None:
        self._search_timer.stop()
        filters = self._current()
        if filters != self._filters:
            self._filters = filters
            self.filters_changed.emit(filters)

    def _submit_search(self) -> None:
        self._emit()
        self.search_submitted.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.search.hasFocus() and self.search.text():
            self.search.clear()
            self._emit()
            return
        if event.key() == Qt.Key.Key_Down and self.search.hasFocus():  # into the list, like Enter
            self._submit_search()
            return
        super().keyPressEvent(event)
