"""The alarm history: the alarm book writes when each alarm was raised and cleared, once, with the
operator it alarmed; a restart does not raise again; the SQLite log keeps old rows readable."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from sety_console.core.alarm_book import ALL_INCIDENTS, AlarmAction, AlarmBook, AlarmRecord
from sety_console.core.alarm_log import SqliteAlarmLog
from sety_console.core.alarm_model import AlarmReason
from sety_console.core.audit import AuditLog
from sety_console.core.audit_recorder import AuditRecorder
from sety_console.core.clock import ManualClock
from sety_console.core.handover.activity import action_words
from sety_console.core.local_time import LocalZone, show_times_in
from sety_console.core.stores import IncidentStore

from .factories import T0, incident
from .test_alarm_book import MemoryLog

pytestmark = pytest.mark.asyncio


async def history_book(
    store: IncidentStore, actions: MemoryLog, history: MemoryLog, operator: str = "Ada"
) -> AlarmBook:
    book = AlarmBook(store, actions, workstation="desk-1", history=history, operator=lambda: operator)
    await book.open()
    return book


def kinds(log: MemoryLog) -> list[tuple[str, AlarmAction, tuple[AlarmReason, ...]]]:
    return [(r.incident_id[-1], r.action, r.reasons) for r in log.records]


async def test_raised_and_cleared_once_each_with_the_operator_alarmed() -> None:
    store = IncidentStore()
    store.apply([incident(1, severity="critical", category="vehicle")])
    actions, history = MemoryLog(), MemoryLog()
    book = await history_book(store, actions, history)
    now = T0 + timedelta(seconds=30)
    for step in range(5):  # many evaluations, one record
        book.evaluate(now + timedelta(milliseconds=step))
    await book.acknowledge(incident(1).incident_id, "Ada", now)
    store.apply([incident(1, severity="critical", status="on_scene", updated=60)])
    book.evaluate(T0 + timedelta(seconds=61))
    await book.flush()
    assert kinds(history) == [
        ("1", AlarmAction.RAISED, (AlarmReason.NEW_CRITICAL,)),
        ("1", AlarmAction.ACKNOWLEDGED, (AlarmReason.NEW_CRITICAL,)),
        ("1", AlarmAction.CLEARED, (AlarmReason.NEW_CRITICAL,)),
    ]
    raised = history.records[0]
    assert (raised.by, raised.workstation, raised.category, raised.at) == ("Ada", "desk-1", "vehicle", now)
    assert [r.action for r in actions.records] == [AlarmAction.ACKNOWLEDGED]  # the actions log: actions only


async def test_the_same_log_for_both_keeps_each_record_once() -> None:
    store = IncidentStore()
    store.apply([incident(1, severity="critical")])
    log = MemoryLog()
    book = AlarmBook(store, log, workstation="desk-1", history=log, operator=lambda: "Ada")
    await book.open()
    book.evaluate(T0 + timedelta(seconds=1))
    await book.acknowledge(incident(1).incident_id, "Ada", T0 + timedelta(seconds=2))
    await book.flush()
    # the action is written at once, the raise by the history's writer: both once, each with its time
    assert sorted((r.at, r.action.value) for r in log.records) == [
        (T0 + timedelta(seconds=1), "raised"), (T0 + timedelta(seconds=2), "acknowledged")
    ]  # fmt: skip


async def test_a_restart_does_not_raise_again_and_an_unknown_incident_stays_up() -> None:
    store = IncidentStore()
    store.apply([incident(1, severity="critical"), incident(2, severity="critical")])
    actions, history = MemoryLog(), MemoryLog()
    book = await history_book(store, actions, history)
    book.evaluate(T0 + timedelta(seconds=1))
    await book.flush()
    assert len(history.records) == 2
    empty = IncidentStore()  # the next start, before the first poll
    again = await history_book(empty, actions, history, operator="Bola")
    again.evaluate(T0 + timedelta(seconds=20))
    empty.apply([incident(1, severity="critical")])  # incident 2 not seen yet
    again.evaluate(T0 + timedelta(seconds=30))
    await again.flush()
    assert len(history.records) == 2  # nothing new: both were up, nobody cleared
    empty.apply([incident(2, severity="critical", status="resolved", updated=35)])
    again.evaluate(T0 + timedelta(seconds=40))
    await again.flush()
    assert kinds(history)[-1] == ("2", AlarmAction.CLEARED, (AlarmReason.NEW_CRITICAL,))
    assert history.records[-1].by == "Bola"


async def test_a_reason_that_comes_and_goes_is_raised_each_time() -> None:
    store = IncidentStore()
    actions, history = MemoryLog(), MemoryLog()
    book = await history_book(store, actions, history)
    late = incident(
        7,
        severity="medium",
        category="location_threat",
        status="responding",
        sla=_sla(),
        responder=_responder(3600),
    )
    fits = incident(
        7,
        severity="medium",
        category="location_threat",
        status="responding",
        updated=1,
        sla=_sla(),
        responder=_responder(600),
    )
    for step, version in enumerate([late, fits, late, fits]):
        store.apply([version.model_copy(update={"updated_at": T0 + timedelta(seconds=step + 2)})])
        book.evaluate(T0 + timedelta(seconds=70 + step))
    await book.flush()
    assert [r.action for r in history.records] == [
        AlarmAction.RAISED, AlarmAction.CLEARED, AlarmAction.RAISED, AlarmAction.CLEARED
    ]  # fmt: skip


async def test_the_console_notes_when_it_started_and_stopped_watching() -> None:
    """Open and close leave `started`/`stopped` marks with the operator in the history only; a restart
    reads them back without treating them as actions or alarms."""
    store = IncidentStore()
    store.apply([incident(1, severity="critical")])
    actions, history = MemoryLog(), MemoryLog()
    book = AlarmBook(store, actions, workstation="desk-1", history=history, operator=lambda: "Ada")
    await book.open(T0)
    book.evaluate(T0 + timedelta(seconds=1))
    await book.flush(stopped_at=T0 + timedelta(seconds=30))
    assert [(r.incident_id, r.action, r.by, r.workstation, r.at) for r in history.records] == [
        (ALL_INCIDENTS, AlarmAction.STARTED, "Ada", "desk-1", T0),
        (incident(1).incident_id, AlarmAction.RAISED, "Ada", "desk-1", T0 + timedelta(seconds=1)),
        (ALL_INCIDENTS, AlarmAction.STOPPED, "Ada", "desk-1", T0 + timedelta(seconds=30)),
    ]
    assert actions.records == []
    again = AlarmBook(store, actions, workstation="desk-1", history=history, operator=lambda: "Bola")
    await again.open(T0 + timedelta(seconds=40))
    again.evaluate(T0 + timedelta(seconds=41))  # still up: not raised again
    await again.flush()  # no `stopped_at`: no mark
    later = T0 + timedelta(seconds=42)
    assert not again.is_muted(later)  # the marks are neither mute records nor actions
    assert [a.incident_id for a in again.ringing(later)] == [incident(1).incident_id]
    assert [(r.action, r.by) for r in history.records[3:]] == [(AlarmAction.STARTED, "Bola")]


async def test_with_actions_elsewhere_a_copy_of_each_action_is_kept() -> None:
    """On a hub the actions live on the hub; the workstation's history keeps a copy of each."""
    store = IncidentStore()
    store.apply([incident(1, severity="high")])
    hub, history = MemoryLog(), MemoryLog()
    book = await history_book(store, hub, history)
    now = T0 + timedelta(seconds=5)
    book.evaluate(now)
    await book.shelve(incident(1).incident_id, 5, "Ada", now)
    shared = AlarmRecord(incident(1).incident_id, AlarmAction.ACKNOWLEDGED, (AlarmReason.NEW_CRITICAL,),
                         "Bola", now, workstation="desk-2")  # fmt: skip
    book.apply_shared(shared, now)
    await book.flush()
    assert [r.action for r in history.records] == [
        AlarmAction.RAISED, AlarmAction.SHELVED, AlarmAction.ACKNOWLEDGED
    ]  # fmt: skip
    assert [r.action for r in hub.records] == [AlarmAction.SHELVED]


async def test_sqlite_log_adds_the_category_column_to_an_old_file_and_reads_old_rows(tmp_path: Path) -> None:
    path = tmp_path / "alerts.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE alert_actions (seq INTEGER PRIMARY KEY AUTOINCREMENT, incident_id TEXT NOT NULL,"
        " action TEXT NOT NULL, reasons TEXT NOT NULL, by TEXT NOT NULL, at TEXT NOT NULL, until TEXT);"
    )
    old.execute(
        "INSERT INTO alert_actions (incident_id, action, reasons, by, at) VALUES (?, ?, ?, ?, ?)",
        ("inc_1", "snoozed", json.dumps(["sla_breach"]), "Ada", T0.isoformat()),
    )
    old.execute(
        "INSERT INTO alert_actions (incident_id, action, reasons, by, at) VALUES (?, ?, ?, ?, ?)",
        ("inc_1", "escalated_by_ai", json.dumps([]), "Ada", T0.isoformat()),  # a newer console's action
    )
    old.commit()
    old.close()
    log = SqliteAlarmLog(path)
    raised = AlarmRecord("inc_2", AlarmAction.RAISED, (AlarmReason.SLA_BREACHED,), "Bola", T0,
                         workstation="desk-1", category="vehicle")  # fmt: skip
    await log.append(raised)
    loaded = await log.load()
    await log.close()
    assert [r.action for r in loaded] == [AlarmAction.SHELVED, AlarmAction.RAISED]
    assert loaded[0].reasons == (AlarmReason.SLA_BREACHED,)
    assert loaded[1] == raised
    rows = (
        sqlite3.connect(path)
        .execute("SELECT action, by, category FROM alert_actions ORDER BY seq")
        .fetchall()
    )
    assert rows[-1] == ("raised", "Bola", "vehicle")  # readable with plain SQL


ASSIGNED = T0 + timedelta(seconds=60)


def _sla() -> dict[str, object]:
    return {
        "response_target_seconds": 300, "arrival_target_seconds": 1800, "assigned_at": ASSIGNED,
        "arrived_at": None, "time_to_assign_seconds": 60, "time_to_arrive_seconds": None,
        "breached": False, "breach_reason": None,
    }  # fmt: skip


def _responder(eta_seconds: int) -> dict[str, object]:
    return {"responder_id": "rsp_1", "name": "Sgt. Musa", "assigned_at": ASSIGNED, "eta_seconds": eta_seconds}


async def test_the_trail_says_how_long_an_alarm_was_shelved_in_any_zone(tmp_path: Path) -> None:
    """The audit summary of a shelve gives its length (zone-free) and the end with its zone's name."""
    audit = AuditLog(tmp_path / "audit.sqlite3")
    recorder = AuditRecorder(audit, ManualClock(T0), "desk-1", lambda: "Ada")
    show_times_in(LocalZone("Africa/Lagos"))
    try:
        recorder.on_alarm(
            AlarmRecord("inc_1", AlarmAction.SHELVED, (), "Ada", T0, T0 + timedelta(minutes=15), "desk-1")
        )
        await recorder.drain()
    finally:
        show_times_in(LocalZone())
    (entry,) = await audit.entries()
    await audit.close()
    assert entry.summary == "Alarm shelved for 15 min (until 13:15 WAT)"
    assert action_words(entry) == "Shelved the alarm for 15 min"
    older = replace(entry, summary="Alarm shelved until 08:36 (SLA at risk)")  # an older trail: zone unknown
    assert action_words(older) == "Shelved the alarm (SLA at risk)"
