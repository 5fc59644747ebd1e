"""The queue model updates in place, sorts, filters, ticks its clocks and flashes new rows."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt

from sety_console.api.models import Incident
from sety_console.core.changes import ChangeSet
from sety_console.core.rules import SlaUrgency, priority_key
from sety_console.ui.common.palette import colors
from sety_console.ui.incidents.queue_cells import INCIDENT_ID_ROLE
from sety_console.ui.incidents.queue_columns import Column, QueueRow, column_sort_key
from sety_console.ui.incidents.queue_filters import DrillFilter, QueueFilters, StatusGroup
from sety_console.ui.incidents.queue_model import MOVES_PER_LAYOUT, IncidentQueueModel

from .conftest import FakeClock, SignalLog
from .factory import Store, make_incident

STATUSES = ["created", "dispatching", "assigned", "responding", "on_scene", "resolved", "cancelled"]


def shown_ids(model: IncidentQueueModel) -> list[str]:
    return [model.data(model.index(row, 0), INCIDENT_ID_ROLE) for row in range(model.rowCount())]


def expected_ids(
    store: Store, filters: QueueFilters, column: int = -1, descending: bool = False
) -> list[str]:
    """The order the model must show, computed the slow, obvious way."""
    rows = [QueueRow(i) for i in store.items.values() if filters.matches(i)]
    rows.sort(key=lambda r: (column_sort_key(column, r), r.pkey), reverse=descending)
    return [r.incident_id for r in rows]


def mutate(incident: Incident, rng: random.Random) -> Incident:
    """A new version: another status, severity or ETA, as polls bring them."""
    data = incident.model_dump(mode="json")
    roll = rng.random()
    if roll < 0.4:
        data["status"] = rng.choice(STATUSES)
    elif roll < 0.7:
        data["severity"] = rng.choice(["low", "medium", "high", "critical"])
    elif data["responder"]:
        data["responder"]["eta_seconds"] = rng.randint(10, 900)
    data["subject"]["name"] = rng.choice(["Ada", "Bola", "Chidi", "Dayo", data["subject"]["name"]])
    return Incident.model_validate(data)


def random_change(store: Store, rng: random.Random, keep: str, size: int) -> ChangeSet:
    ids = [i for i in store.items if i != keep]
    removed = store.drop(*rng.sample(ids, min(2, len(ids))))
    updated_ids = rng.sample([i for i in store.items], min(size, len(store.items)))
    updated = store.put(*(mutate(store.items[i], rng) for i in updated_ids))
    added = store.put(
        *(make_incident(severity=rng.choice(["low", "critical", "high"]), status="created") for _ in range(2))
    )
    return ChangeSet(added=added, updated=updated, removed=removed)


@pytest.mark.parametrize(
    ("column", "descending", "size"),
    [(-1, False, 6), (Column.SLA, True, 6), (Column.SUBJECT, False, MOVES_PER_LAYOUT + 10)],
    ids=["priority", "sla-descending", "subject-many-moves"],
)
def test_twenty_applies_update_in_place_and_keep_the_selection(
    model: IncidentQueueModel, store: Store, column: int, descending: bool, size: int
) -> None:
    rng = random.Random(column * 7 + size)
    filters = QueueFilters(status=StatusGroup.ALL, drills=DrillFilter.SHOWN)
    model.set_filter(filters)
    model.sort(column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)
    keep = shown_ids(model)[5]
    selected = QPersistentModelIndex(model.index(5, 2))
    log = SignalLog()
    for name in (
        "modelReset",
        "modelAboutToBeReset",
        "rowsInserted",
        "rowsRemoved",
        "rowsMoved",
        "layoutChanged",
    ):
        log.watch(name, getattr(model, name))
    for _ in range(20):
        model.apply(random_change(store, rng, keep, size))
        assert shown_ids(model) == expected_ids(store, filters, column, descending)
        assert model.rowCount() == len(store.items)
        assert selected.isValid()
        assert model.data(model.index(selected.row(), 0), INCIDENT_ID_ROLE) == keep
        assert selected.column() == 2
    assert "modelReset" not in log.names()
    assert "modelAboutToBeReset" not in log.names()
    assert {"rowsInserted", "rowsRemoved"} <= set(log.names())
    assert ("layoutChanged" if size > MOVES_PER_LAYOUT else "rowsMoved") in log.names()


def test_apply_with_a_filter_removes_rows_that_no_longer_match(
    model: IncidentQueueModel, store: Store
) -> None:
    filters = QueueFilters(status=StatusGroup.ACTIVE, search="lekki")
    model.set_filter(filters)
    target = shown_ids(model)[0]
    log = SignalLog()
    log.watch("removed", model.rowsRemoved)
    resolved = store.items[target].model_dump(mode="json") | {"status": "resolved"}
    model.apply(ChangeSet(updated=store.put(Incident.model_validate(resolved))))
    assert target not in shown_ids(model)
    assert model.row_of(target) is None
    assert log.names() == ["removed"]
    assert shown_ids(model) == expected_ids(store, filters)


def test_insert_lands_at_its_sorted_position(
    model: IncidentQueueModel, store: Store, clock: FakeClock
) -> None:
    log = SignalLog()
    log.watch("inserted", model.rowsInserted)
    urgent = make_incident(severity="critical", category="sos", status="created", age=timedelta(hours=5))
    model.apply(ChangeSet(added=store.put(urgent)))
    assert log.calls[0][1][1:] == (0, 0)  # the oldest critical unassigned SOS goes to the top
    assert model.row_of(urgent.incident_id) == 0
    model.sort(Column.AGE, Qt.SortOrder.DescendingOrder)  # youngest first
    newest = make_incident(age=timedelta(seconds=1))
    log.clear()
    model.apply(ChangeSet(added=store.put(newest)))
    assert log.calls[0][1][1:] == (0, 0)
    model.sort(Column.AGE, Qt.SortOrder.AscendingOrder)
    assert model.row_of(newest.incident_id) == model.rowCount() - 1


def test_unchanged_place_is_announced_with_data_changed_only(model: IncidentQueueModel, store: Store) -> None:
    model.set_filter(QueueFilters(status=StatusGroup.ALL))
    target = shown_ids(model)[3]
    log = SignalLog()
    for name in ("rowsMoved", "rowsInserted", "rowsRemoved", "layoutChanged", "dataChanged"):
        log.watch(name, getattr(model, name))
    data = store.items[target].model_dump(mode="json")
    data["responder"] = data["responder"] or {"responder_id": "r", "name": "Sgt. Musa"}
    data["responder"]["eta_seconds"] = 61
    model.apply(ChangeSet(updated=store.put(Incident.model_validate(data))))
    assert log.names() == ["dataChanged"]
    top_left, bottom_right = log.calls[0][1][:2]
    assert (top_left.row(), bottom_right.row()) == (3, 3)  # type: ignore[attr-defined]
    assert "ETA 2 min" in model.data(model.index(3, Column.RESPONDER))


@pytest.mark.parametrize("column", list(Column))
def test_every_column_sorts_both_ways(model: IncidentQueueModel, store: Store, column: Column) -> None:
    model.set_filter(QueueFilters(status=StatusGroup.ALL))
    model.sort(column, Qt.SortOrder.AscendingOrder)
    ascending = shown_ids(model)
    assert ascending == expected_ids(store, model.filters(), column)
    model.sort(column, Qt.SortOrder.DescendingOrder)
    assert shown_ids(model) == list(reversed(ascending))
    model.sort(-1)
    assert shown_ids(model) == [i.incident_id for i in sorted(store.items.values(), key=priority_key)]


def test_sort_keys_mean_what_the_headers_say(model: IncidentQueueModel) -> None:
    model.set_filter(QueueFilters(status=StatusGroup.ALL))

    def column_after_sort(column: Column) -> list[str]:
        model.sort(column, Qt.SortOrder.AscendingOrder)
        return [model.data(model.index(r, column)) for r in range(model.rowCount())]

    assert column_after_sort(Column.SEVERITY)[0] == "Critical"
    assert column_after_sort(Column.SEVERITY)[-1].startswith("Unknown (")
    assert column_after_sort(Column.CATEGORY)[0] == "SOS"
    assert column_after_sort(Column.STATUS)[0] == "Created"
    names = [n for n in column_after_sort(Column.SUBJECT) if n != "—"]
    assert names == sorted(names, key=str.casefold)
    assert column_after_sort(Column.SUBJECT)[-1] == "—"  # no name: last
    assert column_after_sort(Column.SLA)[0].startswith("Breached")
    assert column_after_sort(Column.RESPONDER)[0].startswith("Patrol 7")
    assert column_after_sort(Column.DRILL)[0] == "DRILL"
    model.sort(Column.AGE, Qt.SortOrder.AscendingOrder)
    ages = [model.incident_at(r).created_at for r in range(model.rowCount())]
    assert ages == sorted(ages)  # oldest first


@pytest.mark.parametrize(
    ("filters", "check"),
    [
        (QueueFilters(status=StatusGroup.ACTIVE), lambda i: not i.status.is_terminal),
        (QueueFilters(status=StatusGroup.CLOSED), lambda i: i.status.is_terminal),
        (QueueFilters(status=StatusGroup.ALL, categories=frozenset({"sos"})), lambda i: i.category == "sos"),
        (
            QueueFilters(status=StatusGroup.ALL, categories=frozenset({"unknown"})),
            lambda i: i.category.is_unknown,
        ),
        (
            QueueFilters(status=StatusGroup.ALL, severities=frozenset({"critical", "high"})),
            lambda i: i.severity in ("critical", "high"),
        ),
        (QueueFilters(status=StatusGroup.ALL, drills=DrillFilter.HIDDEN), lambda i: not i.is_drill),
        (QueueFilters(status=StatusGroup.ALL, drills=DrillFilter.ONLY), lambda i: i.is_drill),
        (QueueFilters(status=StatusGroup.ALL, search="chioma"), lambda i: i.subject.name == "Chioma Okafor"),
        (
            QueueFilters(status=StatusGroup.ALL, search="0803 111 2233"),
            lambda i: i.subject.phone == "+2348031112233",
        ),
        (
            QueueFilters(status=StatusGroup.ALL, search="USER-10407"),
            lambda i: i.subject.reference == "USER-10407",
        ),
        (
            QueueFilters(status=StatusGroup.ALL, search="surulere bode"),
            lambda i: "Surulere" in (i.location.address or ""),
        ),
        (QueueFilters(status=StatusGroup.ALL, search="demo0012"), lambda i: i.incident_id == "inc_demo0012"),
        (
            QueueFilters(status=StatusGroup.ALL, search="eko hotel"),
            lambda i: "Eko Hotel" in (i.location.landmark or ""),
        ),
    ],
    ids=[
        "active",
        "closed",
        "category",
        "unknown-category",
        "severity",
        "drills-hidden",
        "drills-only",
        "name",
        "phone-local-format",
        "reference",
        "address-words",
        "id",
        "landmark",
    ],
)
def test_filters(model: IncidentQueueModel, store: Store, filters: QueueFilters, check: object) -> None:
    model.set_filter(filters)
    wanted = {i.incident_id for i in store.items.values() if check(i)}  # type: ignore[operator]
    assert wanted, "the test data must contain a match"
    assert set(shown_ids(model)) == wanted
    assert model.incident_count() == len(store.items)


def test_active_shows_unknown_statuses_rather_than_hiding_them(model: IncidentQueueModel) -> None:
    model.set_filter(QueueFilters(status=StatusGroup.ACTIVE))
    statuses = {model.data(model.index(r, Column.STATUS)) for r in range(model.rowCount())}
    assert "Unknown (escalated_review)" in statuses
    assert not statuses & {"Resolved", "Cancelled"}


def test_unknown_values_read_as_unknown_raw(model: IncidentQueueModel) -> None:
    model.set_filter(QueueFilters(status=StatusGroup.ALL))
    texts = {model.data(model.index(r, c)) for r in range(model.rowCount()) for c in Column}
    assert {"Unknown (flood)", "Unknown (urgent)", "Unknown (escalated_review)"} <= texts


def test_refresh_clocks_repaints_age_and_sla_only(model: IncidentQueueModel, clock: FakeClock) -> None:
    row = model.row_of("inc_demo0001")  # critical SOS dispatching, 1 min old: "Assign in 0:…"
    assert row is not None
    before = model.data(model.index(row, Column.SLA))
    assert before.startswith("Assign in")
    log = SignalLog()
    log.watch("changed", model.dataChanged)
    clock.advance(90)
    model.refresh_clocks()
    (top_left, bottom_right, _roles) = log.calls[0][1]
    assert (top_left.column(), bottom_right.column()) == (Column.AGE, Column.SLA)  # type: ignore[attr-defined]
    assert (top_left.row(), bottom_right.row()) == (0, model.rowCount() - 1)  # type: ignore[attr-defined]
    after = model.data(model.index(row, Column.SLA))
    assert after.startswith("Breached 1:")
    background = model.data(model.index(row, Column.SLA), Qt.ItemDataRole.BackgroundRole)
    assert background.name() == colors("dark").sla_swatch(SlaUrgency.BREACHED).bg


def test_added_rows_flash_then_stop(
    qtbot: object, model: IncidentQueueModel, store: Store, clock: FakeClock
) -> None:
    new = make_incident(severity="medium", status="created")
    model.apply(ChangeSet(added=store.put(new)))
    row = model.row_of(new.incident_id)
    assert row is not None
    assert model.is_flashing(new.incident_id)
    flashing = model.data(model.index(row, Column.SUBJECT), Qt.ItemDataRole.BackgroundRole)
    assert flashing is not None
    assert flashing.name() == colors("dark").flash
    clock.advance(3.5)
    qtbot.waitUntil(lambda: not model.is_flashing(new.incident_id), timeout=2000)  # type: ignore[attr-defined]
    assert model.data(model.index(row, Column.SUBJECT), Qt.ItemDataRole.BackgroundRole) is None
    model.flash([shown_ids(model)[2]])
    assert model.is_flashing(shown_ids(model)[2])


def test_lookup_returning_none_removes_the_row(model: IncidentQueueModel, store: Store) -> None:
    model.set_filter(QueueFilters(status=StatusGroup.ALL))
    gone = shown_ids(model)[0]
    store.drop(gone)
    model.apply(ChangeSet(updated=(gone,)))
    assert model.row_of(gone) is None
    assert model.incident_count() == len(store.items)


def test_incident_at_and_row_of_agree(model: IncidentQueueModel) -> None:
    for row in range(model.rowCount()):
        incident = model.incident_at(row)
        assert incident is not None
        assert model.row_of(incident.incident_id) == row
    assert model.incident_at(model.rowCount()) is None
    assert model.row_of("inc_missing") is None
