"""The alarm model after ISA-18.2: states, reasons in words, a stable priority, shelving and clearing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sety_console.api.models import Incident
from sety_console.core.alarm_book import AlarmAction, AlarmBook, AlarmError, AlarmRecord
from sety_console.core.alarm_model import AlarmReason, AlarmState, reason_words
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
    assert reason_words(ringing[1].reason, ringing[1].incident) == "new critical SOS"
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


def _on_the_way(eta_seconds: int) -> Incident:
    """A medium location threat (not high priority; arrival target 30 min) assigned after 60 s."""
    assigned = T0 + timedelta(seconds=60)
    return incident(
        7,
        severity="medium",
        category="location_threat",
        status="responding",
        sla={
            "response_target_seconds": 300,
            "arrival_target_seconds": 1800,
            "assigned_at": assigned,
            "arrived_at": None,
            "time_to_assign_seconds": 60,
            "time_to_arrive_seconds": None,
            "breached": False,
            "breach_reason": None,
        },
        responder={
            "responder_id": "rsp_1",
            "name": "Sgt. Musa",
            "assigned_at": assigned,
            "eta_seconds": eta_seconds,
        },
    )


async def test_an_eta_past_the_target_rings_as_at_risk_before_the_breach() -> None:
    book, _ = await book_with(_on_the_way(eta_seconds=3600))  # 60 min to come, 29 min left at T0 + 1 min
    now = T0 + timedelta(seconds=60)
    (alarm,) = book.ringing(now)
    assert alarm.reasons == (AlarmReason.SLA_AT_RISK,)
    await book.acknowledge(alarm.incident_id, "Op Ada", now)
    assert book.ringing(now + timedelta(minutes=5)) == []  # acknowledged: silent while only at risk
    assert book.history(alarm.incident_id)[0].reasons == (AlarmReason.SLA_AT_RISK,)
    breached = book.ringing(T0 + timedelta(minutes=31))  # the breach itself rings again
    assert [a.unacknowledged for a in breached] == [(AlarmReason.SLA_BREACHED,)]


async def test_an_eta_that_fits_never_rings() -> None:
    book, _ = await book_with(_on_the_way(eta_seconds=600))
    assert book.ringing(T0 + timedelta(seconds=60)) == []
    # later, the responder is stuck: the same ETA no longer fits what is left
    assert [a.reasons for a in book.ringing(T0 + timedelta(minutes=25))] == [(AlarmReason.SLA_AT_RISK,)]


async def test_evaluate_emits_only_when_an_alarm_changes() -> None:
    sos = incident(1, severity="critical")
    book, _ = await book_with(sos)
    seen: list[None] = []
    book.changed.connect(seen.append)
    now = T0 + timedelta(seconds=1)
    assert book.evaluate(now)
    assert not book.evaluate(now)
    await book.acknowledge(sos.incident_id, "Op Ada", now)
    assert len(seen) == 2


async def test_the_sound_mute_is_bounded() -> None:
    book, _ = await book_with(incident(1, severity="critical"))
    now = T0 + timedelta(seconds=1)
    with pytest.raises(AlarmError, match="1 to 30 minutes"):
        await book.mute(45, "Ada", now)
    await book.mute(5, "Ada", now)
    assert book.ringing(now)  # muted alarms still show and flash
    assert book.is_muted(now)
    await book.unmute("Ada", now)
    assert not book.is_muted(now)


async def test_a_new_critical_alarm_clears_once_help_is_on_scene() -> None:
    """The demo showed an on-scene incident with its SLA met as 'CRITICAL SOS (new)' on the banner."""
    book, store = await book_with(incident(1, severity="critical", status="responding"))
    now = T0 + timedelta(seconds=30)
    assert [a.reason for a in book.ringing(now)] == [AlarmReason.NEW_CRITICAL]
    store.apply([incident(1, severity="critical", status="on_scene", updated=40)])
    assert book.ringing(now) == []
    cleared = book.get(incident(1).incident_id, now)
    assert cleared is not None
    assert cleared.state is AlarmState.CLEARED
