"""The queue widget: selection by id that survives updates, keyboard, filters and search."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractItemView
from pytestqt.qtbot import QtBot

from sety_console.api.models import Incident
from sety_console.core.changes import ChangeSet
from sety_console.ui.incidents.queue_cells import INCIDENT_ID_ROLE
from sety_console.ui.incidents.queue_columns import Column
from sety_console.ui.incidents.queue_filters import DrillFilter, FilterPart, QueueFilters, StatusGroup
from sety_console.ui.incidents.queue_model import IncidentQueueModel
from sety_console.ui.incidents.queue_view import _WIDTHS, IncidentQueue, fit_widths

from .factory import Store, make_incident


@pytest.fixture
def queue(qtbot: QtBot, model: IncidentQueueModel) -> IncidentQueue:
    widget = IncidentQueue(model)
    qtbot.addWidget(widget)
    widget.resize(1400, 700)
    widget.show()
    return widget


def test_selection_is_by_id_and_survives_updates_that_move_it(
    qtbot: QtBot, queue: IncidentQueue, model: IncidentQueueModel, store: Store
) -> None:
    seen: list[object] = []
    queue.selection_changed.connect(seen.append)
    target = model.incident_at(6)
    assert target is not None
    assert queue.select(target.incident_id)
    assert seen == [target.incident_id]
    assert queue.current_id() == target.incident_id
    data = target.model_dump(mode="json") | {"severity": "critical", "status": "created"}
    model.apply(ChangeSet(updated=store.put(Incident.model_validate(data))))  # moves up
    model.apply(ChangeSet(added=store.put(make_incident(severity="critical", status="created"))))
    assert queue.current_id() == target.incident_id
    assert seen == [target.incident_id]  # a move is not a new selection
    assert queue.table.selectionModel().selectedRows()[0].row() == model.row_of(target.incident_id)


def test_selection_clears_when_its_incident_leaves_the_view(
    queue: IncidentQueue, model: IncidentQueueModel, store: Store
) -> None:
    seen: list[object] = []
    target = model.incident_at(2)
    assert target is not None
    queue.select(target.incident_id)
    queue.selection_changed.connect(seen.append)
    data = target.model_dump(mode="json") | {"status": "resolved"}
    model.apply(ChangeSet(updated=store.put(Incident.model_validate(data))))
    assert queue.current_id() is None
    assert seen == [None]


def test_next_previous_and_their_shortcuts(
    qtbot: QtBot, queue: IncidentQueue, model: IncidentQueueModel
) -> None:
    queue.select_next()
    assert queue.current_id() == model.incident_at(0).incident_id
    queue.select_next()
    queue.select_next()
    queue.select_previous()
    assert queue.current_id() == model.incident_at(1).incident_id
    queue.table.setFocus()
    qtbot.keyClick(queue.table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert queue.current_id() == model.incident_at(2).incident_id
    keys = {a.text(): a.shortcut() for a in queue.shortcut_actions()}
    assert keys == {
        "Next incident": QKeySequence("Alt+Down"),
        "Previous incident": QKeySequence("Alt+Up"),
        "Search incidents": QKeySequence("Ctrl+F"),
    }


def test_search_focus_typing_and_enter(qtbot: QtBot, queue: IncidentQueue, model: IncidentQueueModel) -> None:
    queue.focus_search()
    assert queue.filter_bar.search.hasFocus()
    qtbot.keyClicks(queue.filter_bar.search, "Chioma")
    qtbot.waitUntil(lambda: queue.filters().search == "Chioma", timeout=2000)
    names = {model.incident_at(r).subject.name for r in range(model.rowCount())}
    assert names == {"Chioma Okafor"}
    activated: list[str] = []
    queue.activated.connect(activated.append)
    qtbot.keyClick(queue.filter_bar.search, Qt.Key.Key_Return)
    assert queue.table.hasFocus()
    assert queue.current_id() == model.incident_at(0).incident_id
    qtbot.keyClick(queue.table, Qt.Key.Key_Return)
    assert activated == [queue.current_id()]
    assert "of 40" in queue.filter_bar.count.text()


def test_set_filters_moves_the_controls_and_keeps_a_visible_selection(
    queue: IncidentQueue, model: IncidentQueueModel
) -> None:
    queue.select_next()
    first = queue.current_id()
    assert first is not None
    severity = model.incident_at(0).severity.value
    saved = QueueFilters(status=StatusGroup.ALL, severities=frozenset({severity}), drills=DrillFilter.HIDDEN)
    queue.set_filters(QueueFilters.from_dict(saved.to_dict()))
    assert queue.filters() == saved
    assert queue.current_id() == first
    bar = queue.filter_bar
    assert bar.severity.selected() == {severity}
    assert bar.drills.currentData() == "hidden"
    assert bar.severity.text().startswith("Severity: Critical")
    queue.set_filters(QueueFilters(status=StatusGroup.CLOSED))
    assert queue.current_id() is None


def test_filter_bar_controls_change_the_model(
    qtbot: QtBot, queue: IncidentQueue, model: IncidentQueueModel
) -> None:
    bar = queue.filter_bar
    closed = next(b for b in bar._status.buttons() if b.text() == "Closed")
    qtbot.mouseClick(closed, Qt.MouseButton.LeftButton)
    assert model.filters().status is StatusGroup.CLOSED
    assert all(model.incident_at(r).status.is_terminal for r in range(model.rowCount()))
    bar.category._actions["medical"].setChecked(True)
    assert model.filters().categories == {"medical"}
    bar.drills.setCurrentIndex(bar.drills.findData("only"))
    assert model.filters().drills is DrillFilter.ONLY
    assert bar.count.text().startswith("None of")
    everything = bar.category.menu().actions()[0]
    assert everything.text() == "All categories"
    everything.trigger()
    assert model.filters().categories == frozenset()
    assert bar.category.text() == "Category: All ▾"


def test_clock_timer_drives_refresh(qtbot: QtBot, queue: IncidentQueue, model: IncidentQueueModel) -> None:
    changed: list[object] = []
    model.dataChanged.connect(lambda *a: changed.append(a))
    qtbot.waitUntil(lambda: bool(changed), timeout=2500)


def top_id(queue: IncidentQueue) -> str:
    index = queue.table.indexAt(queue.table.viewport().rect().topLeft() + QPoint(1, 1))
    return str(queue.model().data(index, INCIDENT_ID_ROLE))


def test_scrolled_view_keeps_its_top_row_through_updates(
    qtbot: QtBot, queue: IncidentQueue, model: IncidentQueueModel, store: Store
) -> None:
    queue.resize(1400, 300)
    qtbot.waitUntil(lambda: queue.table.verticalScrollBar().maximum() > 10, timeout=2000)
    queue.table.scrollTo(model.index(12, 0), QAbstractItemView.ScrollHint.PositionAtTop)
    anchor = top_id(queue)
    urgent = [make_incident(severity="critical", status="created") for _ in range(3)]
    model.apply(ChangeSet(added=store.put(*urgent)))  # above the anchor
    assert top_id(queue) == anchor
    first = model.incident_at(0)
    assert first is not None
    model.apply(ChangeSet(removed=store.drop(first.incident_id)))
    assert top_id(queue) == anchor
    queue.table.scrollToTop()
    newest = make_incident(severity="critical", status="created", age=timedelta(hours=9))
    model.apply(ChangeSet(added=store.put(newest)))
    assert top_id(queue) == newest.incident_id  # at the top, new urgent rows show up


def test_header_click_sorts_and_shows_the_selection(
    qtbot: QtBot, queue: IncidentQueue, model: IncidentQueueModel
) -> None:
    queue.resize(1400, 300)
    target = model.incident_at(30)
    assert target is not None
    queue.select(target.incident_id)
    header = queue.table.horizontalHeader()
    x = header.sectionViewportPosition(Column.SUBJECT) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert model.sort_column() == Column.SUBJECT
    assert queue.current_id() == target.incident_id
    row = model.row_of(target.incident_id)
    assert row is not None
    assert queue.table.visualRect(model.index(row, 0)).intersects(queue.table.viewport().rect())
    queue.table.selectionModel().clearSelection()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))  # descending
    assert queue.table.verticalScrollBar().value() == 0


@pytest.mark.parametrize("width", [700, 880, 1090, 1500, 2400])
def test_columns_share_the_width_subject_and_address_first(width: int) -> None:
    widths = fit_widths(width)
    assert set(widths) == set(Column)
    assert widths[Column.ADDRESS] >= 146
    assert widths[Column.SUBJECT] >= 116
    assert widths[Column.SLA] >= 120  # "Breached 1:24:24 ago" in bold, on two lines
    smallest = sum(low for low, _ in _WIDTHS.values())
    if width >= smallest:
        assert sum(widths.values()) == width  # no sideways scrolling once every column fits
    others = [c for c in Column if c not in (Column.SUBJECT, Column.ADDRESS)]
    if any(widths[c] > _WIDTHS[c][0] for c in others):  # another column grew: subject and address did first
        assert widths[Column.SUBJECT] >= _WIDTHS[Column.SUBJECT][1]
        assert widths[Column.ADDRESS] >= _WIDTHS[Column.ADDRESS][1]


def test_a_hidden_column_gives_its_width_to_the_others() -> None:
    direct = frozenset({Column.TAKEN})  # "Taken by" shows only on a control-room hub
    shown = fit_widths(880, direct | {Column.DRILL})
    assert Column.DRILL not in shown
    assert sum(shown.values()) == 880
    assert shown[Column.SUBJECT] > fit_widths(880, direct)[Column.SUBJECT]


def test_the_search_box_takes_a_second_line_on_a_narrow_queue(
    qtbot: QtBot, model: IncidentQueueModel
) -> None:
    queue = IncidentQueue(model)
    qtbot.addWidget(queue)
    queue.resize(1400, 500)
    queue.show()
    qtbot.waitUntil(lambda: not queue.filter_bar.two_lines, timeout=1000)
    one_line = queue.filter_bar.height()
    queue.resize(640, 500)
    qtbot.waitUntil(lambda: queue.filter_bar.two_lines, timeout=1000)
    qtbot.waitUntil(lambda: queue.filter_bar.height() > one_line, timeout=1000)  # the second line shows
    assert queue.filter_bar.search.width() >= 200  # still a usable search box
    assert queue.minimumSizeHint().width() <= 640  # the bar never makes the window wider


def test_an_empty_queue_says_which_filters_hide_how_many_and_clears_one(
    qtbot: QtBot, queue: IncidentQueue, model: IncidentQueueModel, store: Store
) -> None:
    """Issue 13.6: a search that finds only a cancelled incident, with “Active” on: not a bare
    "None of 40 match" but which filter hides how many, and a button that clears it."""
    cancelled = next(i for i in store.items.values() if i.status.value == "cancelled")
    closed = sum(1 for i in store.items.values() if i.status.value in ("resolved", "cancelled"))
    queue.activateWindow()
    qtbot.waitUntil(queue.isActiveWindow, timeout=3000)
    assert not queue.empty_notice.isVisible()
    qtbot.keyClick(queue, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    search = queue.filter_bar.search
    qtbot.waitUntil(search.hasFocus, timeout=3000)
    qtbot.keyClicks(search, cancelled.incident_id)
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert model.rowCount() == 0
    notice = queue.empty_notice
    assert notice.isVisible()
    text = notice.text.text()
    assert f"Of {len(store.items)} incidents, the “Active” filter hides {closed}" in text
    assert f"the search “{cancelled.incident_id}” hides {len(store.items) - 1}." in text
    assert set(notice.buttons) == {FilterPart.STATUS, FilterPart.SEARCH}
    assert notice.buttons[FilterPart.STATUS].text() == "Clear the “Active” filter"
    assert queue.grab().save("/tmp/sety-empty-queue.png")
    qtbot.mouseClick(notice.buttons[FilterPart.STATUS], Qt.MouseButton.LeftButton)
    assert model.rowCount() == 1
    assert model.incident_at(0) == cancelled
    assert queue.filters().status is StatusGroup.ALL
    assert queue.filter_bar.search.text() == cancelled.incident_id  # the search stays
    assert not notice.isVisible()
