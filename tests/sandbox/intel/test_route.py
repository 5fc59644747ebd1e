"""Route safety: stretches of at most 2 km, length-weighted overall score, danger zones crossed."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from sety_console.api.models import RouteSegment
from sety_console.sandbox.intel import IncidentPoint, danger_zones, route_safety, safety_level
from sety_console.sandbox.intel.geo import haversine_m

from .conftest import NOW, OJUELEGBA, cluster, offset, scattered, schema_errors

YABA, VI = (6.5095, 3.3841), (6.4281, 3.4219)


def _ends(segment: RouteSegment) -> tuple[tuple[float, float], tuple[float, float]]:
    return (segment.start.lat, segment.start.lng), (segment.end.lat, segment.end.lng)


def test_route_is_cut_into_consecutive_stretches_of_at_most_2_km() -> None:
    waypoint = (6.4969, 3.3515)
    result = route_safety([], [], [YABA, waypoint, VI], None, NOW)
    ends = [_ends(s) for s in result.segments]
    assert ends[0][0] == YABA
    assert ends[-1][1] == VI
    for (_, end), (start, _) in itertools.pairwise(ends):
        assert end == start
    assert waypoint in [start for start, _ in ends]  # a waypoint always starts a stretch
    lengths = [haversine_m(*start, *end) for start, end in ends]
    assert max(lengths) <= 2000.0
    legs = haversine_m(*YABA, *waypoint) + haversine_m(*waypoint, *VI)
    assert result.distance_meters == pytest.approx(legs, abs=1.0)
    assert len(result.segments) == 3 + 5  # 3.9 km and 8.3 km legs
    assert schema_errors(result, "RouteSafety") == []


def test_the_contract_example_trip_has_five_stretches() -> None:
    result = route_safety([], [], [YABA, VI], None, NOW)
    assert result.distance_meters == pytest.approx(9968.4, abs=0.5)
    assert len(result.segments) == 5


def test_overall_score_is_the_length_weighted_mean_of_the_stretches() -> None:
    points = cluster(60, OJUELEGBA) + scattered(200)
    route = [offset(*OJUELEGBA, 0, -3000), OJUELEGBA, offset(*OJUELEGBA, 700, 0), offset(*OJUELEGBA, 0, 4500)]
    result = route_safety(points, [], route, None, NOW)
    lengths = [haversine_m(*start, *end) for start, end in map(_ends, result.segments)]
    mean = sum(s.score * w for s, w in zip(result.segments, lengths, strict=True)) / sum(lengths)
    assert result.overall_score == round(mean)
    assert len({s.score for s in result.segments}) > 1
    assert result.level == safety_level(result.overall_score)


def test_a_stretch_through_a_danger_zone_is_flagged_and_named_in_the_advice() -> None:
    points = cluster(60, OJUELEGBA) + scattered(60)
    zones = danger_zones(points, NOW)
    assert len(zones) == 1
    route = [offset(*OJUELEGBA, -100, -5000), offset(*OJUELEGBA, 100, 5000)]  # 10 km straight through
    result = route_safety(points, zones, route, NOW.replace(hour=21), NOW)
    flagged = [i for i, s in enumerate(result.segments) if s.danger_zone_ids]
    assert flagged
    assert all(result.segments[i].danger_zone_ids == [zones[0].zone_id] for i in flagged)
    assert [z.zone_id for z in result.danger_zones_crossed] == [zones[0].zone_id]
    assert result.danger_zones_crossed[0].name == "Ojuelegba Underbridge"
    assert result.riskiest_segment_index in flagged
    worst = result.segments[result.riskiest_segment_index]
    assert worst.score == min(s.score for s in result.segments)
    assert worst.level.value in ("caution", "danger")
    assert "Ojuelegba Underbridge" in result.recommendation
    assert "prefer a daytime trip" in result.recommendation  # leaving at night
    numbers = [str(i + 1) for i in flagged]
    which = (
        f"Segment {numbers[0]} passes" if len(numbers) == 1 else f"Segments {', '.join(numbers[:-1])} and "
    )
    assert result.recommendation.startswith(which)


def test_a_trip_far_from_any_incident_is_safe() -> None:
    result = route_safety(cluster(60, OJUELEGBA), [], [(6.62, 3.50), (6.60, 3.53)], None, NOW)
    assert result.level.value == "safe"
    assert result.danger_zones_crossed == []
    assert result.recommendation.startswith("No danger zones on the way")


def test_departure_time_moves_the_time_of_day_risk() -> None:
    points = cluster(80, OJUELEGBA, hours=(20, 21, 22))
    route = [offset(*OJUELEGBA, 0, -800), offset(*OJUELEGBA, 0, 800)]
    night = route_safety(points, [], route, NOW.replace(hour=21), NOW)
    morning = route_safety(points, [], route, NOW.replace(hour=9), NOW)
    assert night.overall_score < morning.overall_score
    default = route_safety(points, [], route, None, NOW)
    assert default == route_safety(points, [], route, NOW, NOW)


def test_a_route_without_length_is_scored_as_a_point() -> None:
    result = route_safety([], [], [YABA, YABA], None, NOW)
    assert len(result.segments) == 1
    assert result.distance_meters == 0.0
    assert result.riskiest_segment_index == 0


@pytest.mark.parametrize("route", [[YABA], [YABA, (95.0, 3.4)], [YABA, (6.5, -190.0)]])
def test_impossible_routes_are_refused_in_words(route: list[tuple[float, float]]) -> None:
    with pytest.raises(ValueError, match=r"origin and a destination|latitude"):
        route_safety([], [], route, None, NOW)


def test_demo_route_answer_matches_the_contract(demo: list[IncidentPoint]) -> None:
    zones = danger_zones(demo, NOW)
    oshodi = (6.5555, 3.3440)
    result = route_safety(
        demo, zones, [(6.5400, 3.3300), oshodi, (6.5700, 3.3600)], NOW + timedelta(hours=6), NOW
    )
    assert "Oshodi Interchange" in {z.name for z in result.danger_zones_crossed}
    assert schema_errors(result, "RouteSafety") == []
