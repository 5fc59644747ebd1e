"""Who is inside: live rows from change sets, minutes ticking, overstays, filters, one-key checkout."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QPersistentModelIndex, Qt
from pytestqt.qtbot import QtBot

from sety_console.api.models import AccessLogStatus
from sety_console.core.actions import ActionKind, ActionState, OutboxEntry
from sety_console.core.changes import ChangeSet
from sety_console.ui.gate.inside import InsideList
from sety_console.ui.gate.inside_model import Column
from sety_console.ui.gate.style import Tone

from .conftest import finished
from .fakes import FakeGateSession


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _list(qtbot: QtBot, session: FakeGateSession, clock: Clock | None = None) -> InsideList:
    widget = InsideList(session, "Main Gate", clock=clock or Clock(session.now))
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    widget.show()
    widget.activateWindow()  # shortcuts fire only in the active window
    qtbot.waitUntil(widget.isActiveWindow, timeout=3000)
    return widget


def _cell(widget: InsideList, key: str, column: Column, role: int = Qt.ItemDataRole.DisplayRole) -> object:
    row = widget.model.row_of(key)
    assert row is not None, f"{key} not listed"
    return widget.model.data(widget.model.index(row, column), role)


def test_lists_everyone_inside_with_overstays_first_in_words_and_colour(
    qtbot: QtBot, fake: FakeGateSession
) -> None:
    widget = _list(qtbot, fake)
    assert widget.model.rowCount() == 8
    top = [widget.model.row_at(i) for i in range(2)]
    assert all(row is not None and row.overstay(fake.now) for row in top)
    first = widget.model.visible_keys()[0]
    assert _cell(widget, first, Column.STATUS) == "OVERSTAY"
    assert _cell(widget, first, Column.VISITOR, Qt.ItemDataRole.BackgroundRole) == Tone.WARN.background
    assert widget.summary.text() == "8 inside  ·  2 OVERSTAY"


def test_rows_update_in_place_and_the_selection_survives(qtbot: QtBot, fake: FakeGateSession) -> None:
    widget = _list(qtbot, fake)
    chosen = widget.model.visible_keys()[4]
    assert widget.select_key(chosen)
    persistent = QPersistentModelIndex(widget.model.index(4, 0))
    resets: list[bool] = []
    widget.model.modelReset.connect(lambda: resets.append(True))
    fake.add_log(visitor_name="Late Arrival", host_name="Ms Lawal", gate="North Gate")  # emits added
    victim = widget.model.visible_keys()[6]
    log = fake.logs[victim]
    fake.visitors.by_id[victim] = fake.visitors.by_id[victim].model_copy(update={"vehicle_plate": "NEW-111"})
    fake.visitors_changed.emit(ChangeSet(updated=(victim,)))
    assert _cell(widget, victim, Column.PLATE) == "NEW-111"
    assert log.log_id == victim
    assert widget.model.rowCount() == 9
    assert resets == []
    assert widget.selected_row() is not None
    assert widget.selected_row().key == chosen
    assert widget.model.visible_keys()[persistent.row()] == chosen


def test_minutes_inside_tick_locally_and_an_overstay_appears_between_polls(
    qtbot: QtBot, empty_fake: FakeGateSession
) -> None:
    fake = empty_fake
    clock = Clock(fake.now)
    code = fake.add_code(
        code="123456",
        visitor_name="Bayo",
        host_name="Mr Danjuma",
        valid_until=fake.now + timedelta(minutes=30),
    )
    log = fake.add_log(
        visitor_name="Bayo", host_name="Mr Danjuma", access_code=code.code, checked_in_at=fake.now
    )
    widget = _list(qtbot, fake, clock)
    assert _cell(widget, log.log_id, Column.INSIDE) == "0 min"
    clock.now += timedelta(minutes=95)
    widget.tick()
    assert _cell(widget, log.log_id, Column.INSIDE) == "1 h 35 min"
    assert _cell(widget, log.log_id, Column.STATUS) == "OVERSTAY"
    assert "OVERSTAY" in widget.summary.text()


def test_filter_by_gate_and_search(qtbot: QtBot, fake: FakeGateSession) -> None:
    widget = _list(qtbot, fake)
    gates = [widget.gate_filter.itemText(i) for i in range(widget.gate_filter.count())]
    assert gates == ["All gates", "Main Gate", "North Gate", "Service Gate"]
    widget.gate_filter.setCurrentText("North Gate")
    rows = [widget.model.row_at(i) for i in range(widget.model.rowCount())]
    assert rows
    assert all(row is not None and row.gate == "North Gate" for row in rows)
    widget.gate_filter.setCurrentText("All gates")
    qtbot.keyClicks(widget.search, "lag-")  # plates
    assert widget.model.rowCount() == 8
    widget.search.clear()
    qtbot.keyClicks(widget.search, "okonkwo")  # host
    assert {row.host for row in map(widget.model.row_at, range(widget.model.rowCount())) if row} == {
        "Dr Okonkwo"
    }
    assert "shown" in widget.summary.text()


def test_checkout_with_one_key_and_a_note_then_the_row_goes(qtbot: QtBot, fake: FakeGateSession) -> None:
    widget = _list(qtbot, fake)
    key = widget.model.visible_keys()[3]
    name = widget.model.row_at(3).name
    widget.select_key(key)
    qtbot.keyClicks(widget.note, "left with a parcel")
    widget.table.setFocus()
    with qtbot.waitSignal(widget.checked_out, timeout=3000) as sent:
        qtbot.keyClick(widget.table, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    entry: OutboxEntry = sent.args[0]
    assert entry.kind is ActionKind.CHECK_OUT
    assert entry.target_id == key
    assert entry.payload == {"checkout_notes": "left with a parcel", "checkout_gate": "Main Gate"}
    assert _cell(widget, key, Column.STATUS) == "Pending checkout (queued)"
    qtbot.waitUntil(lambda: widget.model.row_of(key) is None, timeout=3000)
    assert fake.logs[key].checkout_notes == "left with a parcel"
    assert widget.note.text() == ""
    assert name in widget.feedback.text()
    assert "Ctrl+O" in widget.checkout_button.text()


def test_already_checked_out_409_is_shown_as_done_not_as_an_error(
    qtbot: QtBot, fake: FakeGateSession
) -> None:
    fake.auto_deliver = False
    widget = _list(qtbot, fake)
    key = widget.model.visible_keys()[2]
    out = {"status": AccessLogStatus.checked_out}
    fake.logs[key] = fake.logs[key].model_copy(update=out)  # already out through another gate
    widget.select_key(key)
    entry = finished(qtbot, widget.check_out_selected())
    assert entry is not None
    fake.deliver(entry.action_id)
    assert fake.outbox[entry.action_id].state is ActionState.DONE
    assert _cell(widget, key, Column.STATUS) == "Already out ✓"
    assert _cell(widget, key, Column.STATUS, Qt.ItemDataRole.BackgroundRole) == Tone.DONE.background
    # an outbox that reports the 409 as failed is read the same way
    failed = replace(entry, state=ActionState.FAILED, error="Visitor already checked out (HTTP 409).")
    fake.outbox_changed.emit(failed)
    assert _cell(widget, key, Column.STATUS) == "Already out ✓"
    assert _cell(widget, key, Column.STATUS, Qt.ItemDataRole.BackgroundRole) == Tone.DONE.background
    assert finished(qtbot, widget.check_out_selected()) is None  # a second Ctrl+O sends nothing more
    assert "already checked out" in widget.feedback.text()


def test_checkout_needs_a_selection(qtbot: QtBot, fake: FakeGateSession) -> None:
    widget = _list(qtbot, fake)
    assert finished(qtbot, widget.check_out_selected()) is None
    assert "Select a visitor first" in widget.feedback.text()
    assert fake.outbox == {}


def test_search_then_arrow_then_checkout_with_the_keyboard_only(qtbot: QtBot, fake: FakeGateSession) -> None:
    widget = _list(qtbot, fake)
    qtbot.keyClick(widget, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(widget.search, "Kemi")
    qtbot.keyClick(widget.search, Qt.Key.Key_Down)
    row = widget.selected_row()
    assert row is not None
    assert row.name == "Kemi Ogunleye"
    with qtbot.waitSignal(widget.checked_out, timeout=3000):
        qtbot.keyClick(widget.table, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)


def test_pending_check_in_is_a_row_until_the_store_has_it(qtbot: QtBot, empty_fake: FakeGateSession) -> None:
    from sety_console.api.models import CreateAccessLogRequest

    fake = empty_fake
    fake.auto_deliver = False
    widget = _list(qtbot, fake)
    entry = fake.queue_check_in(
        CreateAccessLogRequest(visitor_name="Musa Bello", host_name="Dr Okonkwo", gate="Main Gate")
    )
    assert widget.model.visible_keys() == [entry.action_id]
    assert _cell(widget, entry.action_id, Column.STATUS) == "Pending check-in (queued)"
    assert (
        _cell(widget, entry.action_id, Column.STATUS, Qt.ItemDataRole.BackgroundRole)
        == Tone.PENDING.background
    )
    fake.deliver(entry.action_id)
    [log_id] = list(fake.visitors.by_id)
    assert widget.model.visible_keys() == [log_id]
    assert _cell(widget, log_id, Column.STATUS) == "Inside"


def test_failed_check_in_stays_red_until_dismissed(qtbot: QtBot, empty_fake: FakeGateSession) -> None:
    from sety_console.api.models import CreateAccessLogRequest

    fake = empty_fake
    fake.auto_deliver = False
    widget = _list(qtbot, fake)
    entry = fake.queue_check_in(CreateAccessLogRequest(access_code="999999", gate="Main Gate"))
    fake.deliver(entry.action_id)
    assert _cell(widget, entry.action_id, Column.STATUS) == "Check-in FAILED"
    tip = _cell(widget, entry.action_id, Column.STATUS, Qt.ItemDataRole.ToolTipRole)
    assert isinstance(tip, str)
    assert tip.startswith("Check-in FAILED: Access code not valid: not_found")
    assert _cell(widget, entry.action_id, Column.VISITOR) == "Code 999999"
    widget.select_key(entry.action_id)
    assert finished(qtbot, widget.check_out_selected()) is None
    qtbot.keyClick(widget.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert widget.model.rowCount() == 0


def test_screenshot_inside_list(qtbot: QtBot, fake: FakeGateSession, screenshots: Path) -> None:
    from sety_console.api.models import CreateAccessLogRequest

    fake.auto_deliver = False
    widget = _list(qtbot, fake)
    fake.online = False
    entry = fake.queue_check_in(
        CreateAccessLogRequest(visitor_name="Offline Visitor", host_name="Ms Lawal", gate="Main Gate")
    )
    fake.deliver(entry.action_id)
    widget.select_key(widget.model.visible_keys()[4])
    widget.resize(1000, 480)
    assert widget.grab().save(str(screenshots / "inside-list.png"))
    assert datetime.now(UTC) - fake.now < timedelta(minutes=5)
