"""Stores: change sets on apply/replace, newer copies win, open ids, pruning, freshness."""

from __future__ import annotations

from datetime import timedelta

from sety_console.core.changes import ChangeSet
from sety_console.core.stores import IncidentStore, VisitorStore, ZoneStore

from .factories import T0, incident, visitor, zone


def test_apply_adds_then_updates_only_newer_copies() -> None:
    store = IncidentStore()
    assert store.apply([incident(1), incident(2)]) == ChangeSet(
        added=(incident(1).incident_id, incident(2).incident_id)
    )
    assert not store.apply([incident(1)])  # same updated_at: nothing changed
    assert not store.apply([incident(1, updated=-5, status="resolved")])  # an older copy is ignored
    changes = store.apply([incident(1, updated=5, status="assigned")])
    assert changes.updated == (incident(1).incident_id,)
    assert not changes.added
    assert store.get(incident(1).incident_id).status == "assigned"


def test_a_new_id_applied_twice_in_one_batch_is_only_added() -> None:
    store = IncidentStore()
    changes = store.apply([incident(1), incident(1, updated=3)])
    assert changes.added == (incident(1).incident_id,)
    assert changes.updated == ()
    assert store.get(incident(1).incident_id).updated_at == T0 + timedelta(seconds=3)


def test_open_ids_follow_status_changes() -> None:
    store = IncidentStore()
    store.apply([incident(1), incident(2, status="resolved")])
    assert store.open_ids() == {incident(1).incident_id}
    store.apply([incident(1, updated=1, status="cancelled")])
    assert store.open_ids() == frozenset()


def test_replace_all_gives_the_precise_diff() -> None:
    store = IncidentStore()
    store.apply([incident(1), incident(2), incident(3)])
    changes = store.replace_all([incident(2), incident(3, updated=9), incident(4)])
    assert changes.added == (incident(4).incident_id,)
    assert changes.updated == (incident(3).incident_id,)
    assert changes.removed == (incident(1).incident_id,)
    assert not changes.full_resync
    assert len(store) == 3


def test_replace_all_imprecise_reports_a_full_resync() -> None:
    store = IncidentStore()
    store.apply([incident(1)])
    changes = store.replace_all([incident(2, status="resolved")], precise=False)
    assert changes.full_resync
    assert changes.added == (incident(2).incident_id,)
    assert store.open_ids() == frozenset()


def test_prune_closed_drops_only_old_closed_incidents() -> None:
    store = IncidentStore()
    store.apply([incident(1, status="resolved"), incident(2, status="resolved", updated=100), incident(3)])
    changes = store.prune_closed(T0 + timedelta(seconds=50))
    assert changes.removed == (incident(1).incident_id,)
    assert incident(3).incident_id in store  # open incidents are never pruned


def test_max_updated_at_and_freshness() -> None:
    store = IncidentStore()
    assert store.max_updated_at() is None
    assert store.stale
    store.apply([incident(1, updated=4), incident(2, updated=2)])
    assert store.max_updated_at() == T0 + timedelta(seconds=4)
    store.mark_fresh(T0)
    assert store.fresh_as_of == T0
    assert not store.stale
    store.mark_stale()
    assert store.stale
    assert store.fresh_as_of == T0


def test_visitor_replace_is_a_precise_diff_and_checked_out_visitors_leave() -> None:
    store = VisitorStore()
    assert store.replace([visitor("log_a"), visitor("log_b")]).added == ("log_a", "log_b")
    changes = store.replace([visitor("log_b", minutes=5), visitor("log_c")])
    assert changes == ChangeSet(added=("log_c",), updated=("log_b",), removed=("log_a",))
    assert not store.replace([visitor("log_b", minutes=5), visitor("log_c")])
    assert store.discard("log_c").removed == ("log_c",)
    assert not store.discard("log_c")
    assert store.upsert(visitor("log_d")).added == ("log_d",)


def test_zone_replace() -> None:
    store = ZoneStore()
    store.replace([zone("dz_1"), zone("dz_2")])
    changes = store.replace([zone("dz_1", score=80)])
    assert changes.updated == ("dz_1",)
    assert changes.removed == ("dz_2",)
    assert store.get("dz_1").risk_score == 80
