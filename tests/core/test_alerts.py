"""Alert policy: what rings, acknowledgement, snooze, mute, persistence with who and when."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from sety_console.api.models import Incident
from sety_console.core.alerts import AlertAction, AlertBook, AlertError, AlertReason
from sety_console.core.stores import IncidentStore

from .factories import T0, incident


@pytest.fixture
def store() -> IncidentStore:
    store = IncidentStore()
    store.apply(
        [
            incident(1, severity="critical", category="sos"),
            incident(2, severity="high", category="vehicle"),
            incident(3, severity="high", category="medical"),  # not high priority: no ring until SLA
            incident(4, severity="critical", category="sos", status="resolved"),  # closed: silent
        ]
    )
    return store


def ids(alerts: list) -> list[str]:
    return [a.incident_id for a in alerts]


def test_new_high_priority_open_incidents_ring_most_urgent_first(
    store: IncidentStore, tmp_path: Path
) -> None:
    book = AlertBook(store, tmp_path / "alerts.sqlite3")
    ringing = book.ringing(T0 + timedelta(seconds=1))
    assert ids(ringing) == [incident(1).incident_id, incident(2).incident_id]
    assert ringing[0].critical
    assert not ringing[0].can_snooze
    assert ringing[0].reasons == (AlertReason.NEW_HIGH_PRIORITY,)


def test_sla_breach_rings_even_for_other_categories(store: IncidentStore, tmp_path: Path) -> None:
    book = AlertBook(store, tmp_path / "alerts.sqlite3")
    later = T0 + timedelta(seconds=121)  # high: 120 s to assign
    assert incident(3).incident_id in ids(book.ringing(later))
    by_id = {a.incident_id: a for a in book.ringing(later)}
    assert by_id[incident(2).incident_id].reasons == (AlertReason.NEW_HIGH_PRIORITY, AlertReason.SLA_BREACH)


def test_acknowledge_stops_ringing_until_a_new_reason(store: IncidentStore, tmp_path: Path) -> None:
    book = AlertBook(store, tmp_path / "alerts.sqlite3")
    now = T0 + timedelta(seconds=1)
    book.acknowledge(incident(2).incident_id, "Op Ada", now)
    assert incident(2).incident_id not in ids(book.ringing(now))
    assert incident(2).incident_id in ids(book.ringing(T0 + timedelta(seconds=130)))  # SLA breach rings again


def test_snooze_for_non_critical_only(store: IncidentStore, tmp_path: Path) -> None:
    book = AlertBook(store, tmp_path / "alerts.sqlite3")
    now = T0 + timedelta(seconds=1)
    with pytest.raises(AlertError, match="critical"):
        book.snooze(incident(1).incident_id, 5, "Op Ada", now)
    with pytest.raises(AlertError, match="5, 15 or 60"):
        book.snooze(incident(2).incident_id, 7, "Op Ada", now)
    book.snooze(incident(2).incident_id, 5, "Op Ada", now)
    assert incident(2).incident_id not in ids(book.ringing(now + timedelta(minutes=4)))
    assert incident(2).incident_id in ids(book.ringing(now + timedelta(minutes=5, seconds=1)))


def test_mute_is_bounded_and_only_silences(store: IncidentStore, tmp_path: Path) -> None:
    book = AlertBook(store, tmp_path / "alerts.sqlite3")
    now = T0 + timedelta(seconds=1)
    with pytest.raises(AlertError):
        book.mute(120, "Op Ada", now)
    book.mute(10, "Op Ada", now)
    assert all(not a.audible for a in book.ringing(now))
    assert all(a.audible for a in book.ringing(now + timedelta(minutes=11)))
    book.mute(10, "Op Ada", now)
    book.unmute("Op Ada", now)
    assert not book.is_muted(now)


def test_acknowledgements_survive_a_restart_with_who_and_when(store: IncidentStore, tmp_path: Path) -> None:
    path = tmp_path / "alerts.sqlite3"
    book = AlertBook(store, path)
    now = T0 + timedelta(seconds=1)
    book.acknowledge(incident(1).incident_id, "Op Ada", now)
    book.close()
    reopened = AlertBook(store, path)
    assert incident(1).incident_id not in ids(reopened.ringing(now))
    [record] = reopened.history(incident(1).incident_id)
    assert (record.action, record.by, record.at) == (AlertAction.ACKNOWLEDGED, "Op Ada", now)
    reopened.close()


def test_evaluate_emits_only_when_the_ringing_set_changes(store: IncidentStore, tmp_path: Path) -> None:
    book = AlertBook(store, tmp_path / "alerts.sqlite3")
    seen: list[None] = []
    book.changed.connect(seen.append)
    now = T0 + timedelta(seconds=1)
    assert book.evaluate(now)
    assert not book.evaluate(now)
    book.acknowledge(incident(1).incident_id, "Op Ada", now)
    assert len(seen) == 2


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


def test_an_eta_past_the_target_rings_as_at_risk_before_the_breach(tmp_path: Path) -> None:
    store = IncidentStore()
    store.apply([_on_the_way(eta_seconds=3600)])  # 60 min to come, 29 min left at T0 + 1 min
    book = AlertBook(store, tmp_path / "alerts.sqlite3")
    now = T0 + timedelta(seconds=60)
    (alert,) = book.ringing(now)
    assert alert.reasons == (AlertReason.SLA_AT_RISK,)
    book.acknowledge(alert.incident_id, "Op Ada", now)
    assert book.ringing(now + timedelta(minutes=5)) == []  # acknowledged: silent while only at risk
    assert book.history(alert.incident_id)[0].reasons == (AlertReason.SLA_AT_RISK,)
    breached = book.ringing(T0 + timedelta(minutes=31))  # the breach itself rings again
    assert [a.reasons for a in breached] == [(AlertReason.SLA_BREACH,)]


def test_an_eta_that_fits_never_rings(tmp_path: Path) -> None:
    store = IncidentStore()
    store.apply([_on_the_way(eta_seconds=600)])
    book = AlertBook(store, tmp_path / "alerts.sqlite3")
    assert book.ringing(T0 + timedelta(seconds=60)) == []
    # later, the responder is stuck: the same ETA no longer fits what is left
    assert [a.reasons for a in book.ringing(T0 + timedelta(minutes=25))] == [(AlertReason.SLA_AT_RISK,)]
