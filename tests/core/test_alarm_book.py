"""The alarm model after ISA-18.2: states, reasons in words, a stable priority, shelving and clearing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sety_console.core.alarm_book import AlarmAction, AlarmBook, AlarmError, AlarmRecord
from sety_console.core.alarm_model import AlarmReason, AlarmState
from sety_console.core.stores import IncidentStore

from .factories import T0, incident

pytestmark = pytest.mark.asyncio


class MemoryLog:
    """An AlarmLog in memory (what the SQLite one and the hub do, minus the disk)."""

    def __init__(self, records: list[AlarmRecord] | None = None) -> None:
        self.records = list(records or [])

    async def load(self) -> list[AlarmRecord]:
        return list(self.records)

    async def append(self, record: AlarmRecord) -> None:
        self.records.append(record)


async def book_with(*incidents: object, log: MemoryLog | None = None) -> tuple[AlarmBook, IncidentStore]:
    store = IncidentStore()
    store.apply(list(incidents))  # type: ignore[arg-type]
    book = AlarmBook(store, log or MemoryLog(), workstation="desk-1")
    await book.open()
    return book, store


async def test_priority_breached_critical_then_new_critical_then_by_age() -> None:
    new_critical = incident(1, severity="critical", created=600)
    breached_critical = incident(2, severity="critical", created=0)  # the assign target (2 min) passed
    new_high = incident(3, severity="high", created=590)
    book, _ = await book_with(new_high, new_critical, breached_critical)
    now = T0 + timedelta(seconds=660)
    ringing = book.ringing(now)
    assert [a.incident_id for a in ringing] == [
        breached_critical.incident_id,
        new_critical.incident_id,
        new_high.incident_id,
    ]
    assert ringing[0].reason is AlarmReason.SLA_BREACHED
    assert ringing[1].words(now) == "new critical SOS"
    # the same order on every evaluation (no dependence on set order or the clock's jitter)
    for later in range(1, 20):
        again = book.ringing(now + timedelta(milliseconds=later))
        assert [a.incident_id for a in again] == [a.incident_id for a in ringing]


async def test_a_cleared_alarm_stops_ringing_and_cannot_be_acknowledged() -> None:
    sos = incident(1, severity="critical")
    book, store = await book_with(sos)
    now = T0 + timedelta(seconds=30)
    assert book.ringing(now)[0].state is AlarmState.UNACKNOWLEDGED
    store.apply([incident(1, severity="critical", status="cancelled", updated=40)])
    later = T0 + timedelta(seconds=50)
    assert book.ringing(later) == []
    cleared = book.get(sos.incident_id, later)
    assert cleared is not None
    assert cleared.state is AlarmState.CLEARED
    assert not cleared.can_acknowledge
    with pytest.raises(AlarmError, match="cleared"):
        await book.acknowledge(sos.incident_id, "Ada", later)


async def test_acknowledge_then_a_new_reason_rings_again_and_everything_is_logged() -> None:
    high = incident(1, severity="high", category="vehicle")
    log = MemoryLog()
    book, _ = await book_with(high, log=log)
    now = T0 + timedelta(seconds=10)
    record = await book.acknowledge(high.incident_id, "Ada", now)
    assert record.workstation == "desk-1"
    alarm = book.get(high.incident_id, now)
    assert alarm is not None
    assert alarm.state is AlarmState.ACKNOWLEDGED
    assert alarm.acknowledged is not None
    assert alarm.acknowledged.by == "Ada"
    breached = T0 + timedelta(seconds=400)  # high: assign within 5 min
    ringing = book.ringing(breached)
    assert [a.incident_id for a in ringing] == [high.incident_id]
    assert ringing[0].unacknowledged == (AlarmReason.SLA_BREACHED,)
    assert [r.action for r in log.records] == [AlarmAction.ACKNOWLEDGED]


async def test_shelving_is_for_non_critical_alarms_and_expires() -> None:
    critical, high = incident(1, severity="critical"), incident(2, severity="high")
    book, _ = await book_with(critical, high)
    now = T0 + timedelta(seconds=10)
    with pytest.raises(AlarmError, match="critical alarm cannot be shelved"):
        await book.shelve(critical.incident_id, 5, "Ada", now)
    await book.shelve(high.incident_id, 5, "Ada", now)
    shelved = book.get(high.incident_id, now)
    assert shelved is not None
    assert shelved.state is AlarmState.SHELVED
    assert [a.incident_id for a in book.ringing(now)] == [critical.incident_id]
    assert high.incident_id in [a.incident_id for a in book.ringing(now + timedelta(minutes=6))]


async def test_actions_survive_a_restart() -> None:
    sos = incident(1, severity="critical")
    log = MemoryLog()
    book, _ = await book_with(sos, log=log)
    now = T0 + timedelta(seconds=10)
    await book.acknowledge(sos.incident_id, "Ada", now)
    await book.mute(5, "Ada", now)
    again, _ = await book_with(sos, log=log)
    assert again.ringing(now) == []
    assert again.is_muted(now + timedelta(minutes=4))
    assert [r.by for r in again.history(sos.incident_id)] == ["Ada"]
