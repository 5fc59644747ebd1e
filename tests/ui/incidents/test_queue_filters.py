"""Queue filters: saved-view round trip, clear errors, the search rules."""

from __future__ import annotations

import json

import pytest

from sety_console.ui.incidents.queue_filters import (
    DrillFilter,
    FilterPart,
    QueueFilters,
    StatusGroup,
    count_hidden,
    filter_fields,
)

from .factory import make_incident


def test_round_trip_through_json() -> None:
    filters = QueueFilters(
        status=StatusGroup.CLOSED,
        categories=frozenset({"vehicle", "sos"}),
        severities=frozenset({"critical"}),
        drills=DrillFilter.ONLY,
        search="lekki",
    )
    data = json.loads(json.dumps(filters.to_dict()))
    assert data["categories"] == ["sos", "vehicle"]
    assert QueueFilters.from_dict(data) == filters
    assert QueueFilters.from_dict({}) == QueueFilters()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "open"}, "status must be one of active, all, closed, not 'open'"),
        ({"drills": "maybe"}, "drills must be one of shown, hidden, only"),
        ({"categories": "sos"}, "categories must be a list of names"),
    ],
)
def test_bad_saved_views_say_what_is_wrong(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        QueueFilters.from_dict(data)


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("adaeze", True),
        ("ADAEZE nwosu", True),
        ("adaeze lagos", True),
        ("adaeze ikeja", False),  # every word must match
        ("+234 805 234 5678", True),
        ("0805-234-5678", True),  # local format with the trunk 0
        ("(0805) 234", True),
        ("0803", False),
        ("user-10473", True),
        ("h3t8", True),
        ("lekki phase 1 gate", True),
    ],
)
def test_search(search: str, found: bool) -> None:
    incident = make_incident("inc_h3t8w1ne6vb0ys5c")
    assert QueueFilters(search=search).matches(incident) is found


def test_with_changes() -> None:
    assert QueueFilters().with_changes(search="x").search == "x"


def test_which_part_of_the_filters_hides_an_incident_and_how_to_open_it() -> None:
    filters = QueueFilters(
        categories=frozenset({"sos", "location_threat"}),
        severities=frozenset({"critical"}),
        drills=DrillFilter.HIDDEN,
        search="kelechi",
    )
    cancelled = make_incident(status="cancelled", category="medical", severity="high", name="Kelechi Obi")
    fields = filter_fields(cancelled)
    hiding = filters.hiding(fields)
    assert hiding == [FilterPart.STATUS, FilterPart.CATEGORIES, FilterPart.SEVERITIES]
    opened = filters.without(hiding)
    assert opened.matches(cancelled)
    assert opened.search == "kelechi"
    assert opened.drills is DrillFilter.HIDDEN  # what did not hide it stays
    assert filters.part_label(FilterPart.STATUS) == "the “Active” filter"
    assert filters.part_label(FilterPart.CATEGORIES) == "the category filter (Location threat, SOS)"
    assert filters.part_label(FilterPart.SEVERITIES) == "the severity filter (Critical)"
    assert filters.part_label(FilterPart.SEARCH) == "the search “kelechi”"
    assert filters.part_label(FilterPart.DRILLS) == "“Drills hidden”"
    others = [filter_fields(make_incident(status="created", name="Ada")) for _ in range(3)]
    assert count_hidden(filters, [fields, *others]) == {
        FilterPart.STATUS: 1,
        FilterPart.CATEGORIES: 1,  # the others are SOS
        FilterPart.SEVERITIES: 4,
        FilterPart.SEARCH: 3,
    }
