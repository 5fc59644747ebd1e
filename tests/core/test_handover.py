"""Handover data: which incidents fall in which section, filters, sources and partial failures."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sety_console.api.models import CurrentVisitor, DangerZone, Incident, IncidentPage, Pagination
from sety_console.core.handover import (
    HandoverFilters,
    HandoverSources,
    HandoverWindow,
    classify,
    gather_handover,
    sources_from_session,
)
from tests.ui.supervisor.fakes import FakeBackend, current_visitors, danger_zones, make_incident

DAY = datetime(2026, 3, 10, tzinfo=UTC)
WINDOW = HandoverWindow(DAY + timedelta(hours=6), DAY + timedelta(hours=18))


def at(hours: float) -> datetime:
    return DAY + timedelta(hours=hours)


def scenario() -> dict[str, Incident]:
    return {
        "closed_only": make_incident(1, at(5), closed_after=timedelta(hours=2)),
        "opened_open": make_incident(2, at(8), status="responding", arrive_s=None),
        "opened_closed": make_incident(3, at(9), closed_after=timedelta(hours=1)),
        "old_open_noted": make_incident(
            4,
            at(-48),
            status="dispatching",
            assign_s=None,
            arrive_s=None,
            notes=[(at(12), "Caller rang back")],
        ),
        "after_window": make_incident(5, at(19), status="responding"),
        "breached": make_incident(6, at(7), breached=True, category="vehicle", severity="critical"),
        "closed_after_end": make_incident(7, at(4), closed_after=timedelta(hours=16)),
        "note_outside": make_incident(8, at(-30), notes=[(at(-29), "Old note")]),
    }


def ids(incidents: list[Incident]) -> set[int]:
    return {int(i.incident_id.removeprefix("inc_")) for i in incidents}


def test_sections_follow_the_window() -> None:
    data = classify(scenario().values(), WINDOW, HandoverFilters(), now=at(18))
    assert ids(data.opened) == {2, 3, 6}
    assert ids(data.closed) == {1, 3, 6}
    assert ids(data.still_open) == {2, 4, 7}
    assert ids(data.breaches) == {6}
    assert [(n.incident_id, n.message) for n in data.notes] == [("inc_0000000000000004", "Caller rang back")]
    assert [i.created_at for i in data.opened] == sorted(i.created_at for i in data.opened)


def test_still_open_puts_breaches_first_then_priority() -> None:
    incidents = [
        make_incident(1, at(7), status="responding", severity="low"),
        make_incident(2, at(8), status="dispatching", severity="critical", assign_s=None),
        make_incident(3, at(6.5), status="responding", severity="critical"),
        make_incident(4, at(6.2), status="responding", severity="low", breached=True),
    ]
    data = classify(incidents, WINDOW, HandoverFilters())
    assert [int(i.incident_id[-1]) for i in data.still_open] == [4, 2, 3, 1]


def test_filters_and_duplicates() -> None:
    incidents = list(scenario().values())
    newer = incidents[5].model_copy(update={"updated_at": at(17)})
    data = classify([*incidents, newer], WINDOW, HandoverFilters(categories=("vehicle",)))
    assert ids(data.opened) == {6}
    assert data.opened[0].updated_at == at(17)  # the latest copy wins
    assert HandoverFilters(("sos", "vehicle"), ("critical",)).describe() == "SOS, Vehicle · Critical"
    assert HandoverFilters().describe() == "All categories · all severities"
    assert HandoverFilters(("sos",)).query() == {"category": ["sos"]}


def test_top_zones_and_visitors() -> None:
    data = classify(
        [], WINDOW, HandoverFilters(), visitors=current_visitors(), zones=danger_zones(), top_zones=1
    )
    assert [z.name for z in data.zones] == ["Ojuelegba Underbridge"]
    assert [v.visitor_name for v in data.visitors] == ["Musa Abdullahi", "Emeka Eze"]  # longest inside first


def test_window_must_be_aware_and_in_order() -> None:
    with pytest.raises(ValueError, match="time zone"):
        HandoverWindow(datetime(2026, 3, 10, 6), datetime(2026, 3, 10, 18))
    with pytest.raises(ValueError, match="end after it starts"):
        HandoverWindow(at(18), at(6))
    assert HandoverWindow.last_hours(8, now=at(18)).start == at(10)


class RecordingSources:
    """Sources over a fixed list, recording the queries the gatherer makes."""

    def __init__(self, incidents: list[Incident], *, fail_visitors: bool = False) -> None:
        self.incidents, self.fail_visitors = incidents, fail_visitors
        self.queries: list[dict[str, Any]] = []
        self.details: list[str] = []

    async def pages(self, **query: Any) -> AsyncIterator[IncidentPage]:
        self.queries.append(query)
        for start in range(0, len(self.incidents), 2):
            chunk = self.incidents[start : start + 2]
            more = start + 2 < len(self.incidents)
            yield IncidentPage(data=chunk, pagination=Pagination(has_more=more))

    async def visitors(self) -> list[CurrentVisitor]:
        if self.fail_visitors:
            raise PermissionError("this key may not read gate data (HTTP 403)")
        return current_visitors()

    async def zones(self) -> list[DangerZone]:
        return danger_zones()

    async def detail(self, incident_id: str) -> Incident:
        self.details.append(incident_id)
        return make_incident(int(incident_id.removeprefix("inc_")), at(8), status="responding")


@pytest.mark.asyncio
async def test_gather_with_updated_since_and_a_failed_section() -> None:
    bare = make_incident(9, at(8), status="responding").model_copy(update={"timeline": []})
    recorder = RecordingSources([*scenario().values(), bare], fail_visitors=True)
    sources = HandoverSources(
        recorder.pages, recorder.visitors, recorder.zones, incident_detail=recorder.detail, updated_since=True
    )
    data = await gather_handover(WINDOW, sources, HandoverFilters(severities=("critical", "high")))
    assert recorder.queries[0] == {
        "severity": ["critical", "high"],
        "limit": 100,
        "updated_since": WINDOW.start,
    }
    assert recorder.queries[1]["status"] == ["assigned", "created", "dispatching", "on_scene", "responding"]
    assert ids(data.still_open) == {2, 4, 7, 9}
    assert recorder.details == ["inc_0000000000000009"]  # listed without a timeline: fetched once
    assert next(i for i in data.still_open if i.incident_id.endswith("9")).timeline
    assert data.visitors == []
    assert data.warnings == [
        "Visitors inside could not be loaded: this key may not read gate data (HTTP 403)"
    ]
    assert len(data.zones) == 2


@pytest.mark.asyncio
async def test_gather_over_the_session_reads_a_lookback_and_the_store() -> None:
    backend = FakeBackend([])
    held = make_incident(11, at(-100), status="resolved", closed_after=timedelta(hours=109))
    backend.incidents.items[held.incident_id] = held  # only the live store knows it
    data = await gather_handover(WINDOW, sources_from_session(backend))
    window_query = backend.calls[0][1]
    assert window_query["from_date"] == WINDOW.start - timedelta(days=2)
    assert window_query["to_date"] == WINDOW.end
    assert ids(data.closed) == {11}
    assert len(data.visitors) == 2
