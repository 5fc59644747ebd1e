"""Same inputs, same answers: every function is repeatable, and cached columns are never stale."""

from __future__ import annotations

import dataclasses
import time
from datetime import timedelta

import pytest

from sety_console.sandbox.intel import (
    IncidentPoint,
    danger_analytics,
    danger_zones,
    heatmap,
    nearby_safe_zones,
    route_safety,
    safety_score,
)
from sety_console.sandbox.intel.geo import haversine_m

from .conftest import NOW, OJUELEGBA, schema_errors

YABA, VI = (6.5095, 3.3841), (6.4281, 3.4219)
BOX = (3.20, 6.38, 3.66, 6.70)


def _answers(points: list[IncidentPoint]) -> list[str]:
    zones = danger_zones(points, NOW)
    results = [
        *zones,
        safety_score(points, *YABA, 2.0, NOW, zones),
        danger_analytics(points, *YABA, 2.0, 90, NOW, zones),
        heatmap(
            points,
            bbox=BOX,
            grid_meters=500,
            period_from=NOW - timedelta(days=90),
            period_to=NOW,
            categories={"sos"},
            severities=None,
            now=NOW,
        ),
        route_safety(points, zones, [YABA, OJUELEGBA, VI], None, NOW),
    ]
    return [r.model_dump_json(by_alias=True) for r in results]


def test_every_answer_is_identical_for_the_same_history(demo: list[IncidentPoint]) -> None:
    first = _answers(demo)
    assert _answers(demo) == first
    copies = [dataclasses.replace(p) for p in demo]  # equal points, new objects: columns rebuilt
    assert _answers(copies) == first
    assert _answers(list(reversed(demo))) == first  # the order of the history does not matter


def test_a_changed_history_is_never_answered_from_cached_columns(demo: list[IncidentPoint]) -> None:
    points = list(demo)
    before = safety_score(points, *YABA, 1.0, NOW)
    near = next(
        i
        for i, p in enumerate(points)
        if haversine_m(p.lat, p.lng, *YABA) < 1000 and NOW - p.created_at < timedelta(days=80)
    )
    points[near] = dataclasses.replace(points[near], lat=6.60, lng=3.50)  # moved 20 km away, in place
    after = safety_score(points, *YABA, 1.0, NOW)
    assert after.incident_count == before.incident_count - 1
    points.append(dataclasses.replace(demo[near], incident_id="inc_added000000000", created_at=NOW))
    assert safety_score(points, *YABA, 1.0, NOW).recent_incidents_7d == after.recent_incidents_7d + 1


def test_unknown_values_from_a_newer_server_are_tolerated() -> None:
    points = [
        IncidentPoint(
            "inc_a", OJUELEGBA[1], OJUELEGBA[0], "fire", "extreme", "escalating", NOW - timedelta(days=1)
        ),
        IncidentPoint(
            "inc_b", OJUELEGBA[1], OJUELEGBA[0], "sos", "high", "resolved", NOW - timedelta(days=1)
        ),
    ]
    result = danger_analytics(points, *OJUELEGBA, 1.0, 30, NOW)
    assert result.incident_analytics.by_category.as_dict()["fire"] == 1
    assert result.incident_analytics.by_status.as_dict()["escalating"] == 1
    assert result.incident_analytics.total == 2


def test_nearby_safe_zones_nearest_first_within_radius_and_limit() -> None:
    zones = nearby_safe_zones(*YABA, radius_km=3.0, limit=4)
    assert len(zones.zones) == 4
    distances = [z.distance_meters for z in zones.zones]
    assert distances == sorted(distances)
    assert distances[-1] <= 3000
    assert zones.zones[0].name == "68 Nigerian Army Reference Hospital, Yaba"
    assert nearby_safe_zones(4.0, 8.0).zones == []  # far from Lagos
    assert schema_errors(zones, "SafeZones") == []


def test_performance_is_sane_for_20000_points(demo: list[IncidentPoint]) -> None:
    """A loose guard only; benchmarks/bench_intel.py is the measure."""
    points = [dataclasses.replace(p, incident_id=f"{p.incident_id}{k}") for k in range(4) for p in demo]
    zones = danger_zones(points, NOW)
    started = time.perf_counter()
    for _ in range(3):
        safety_score(points, *YABA, 2.0, NOW, zones)
        danger_analytics(points, *YABA, 2.0, 90, NOW, zones)
        route_safety(points, zones, [YABA, VI], None, NOW)
    assert (time.perf_counter() - started) / 3 < 1.0


@pytest.mark.parametrize("radius", [0.1, 2.0, 50.0])
def test_every_radius_the_contract_allows_gives_a_valid_score(
    demo: list[IncidentPoint], radius: float
) -> None:
    assert schema_errors(safety_score(demo, *YABA, radius, NOW), "SafetyScore") == []
