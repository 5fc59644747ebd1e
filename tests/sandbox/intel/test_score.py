"""Safety scores: density, severity and recency with readable factors and the contract's level bands."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sety_console.sandbox.intel import IncidentPoint, danger_zones, risk_level, safety_level, safety_score

from .conftest import FAR_AWAY, NOW, OJUELEGBA, cluster, offset, point, scattered, schema_errors


@pytest.mark.parametrize(
    ("score", "level"),
    [(100, "safe"), (80, "safe"), (79, "moderate"), (60, "moderate"), (59, "caution"), (40, "caution"),
     (39, "danger"), (0, "danger")],
)  # fmt: skip
def test_safety_levels_follow_the_contract_bands(score: int, level: str) -> None:
    assert safety_level(score).value == level


@pytest.mark.parametrize(
    ("score", "level"),
    [(0, "low"), (24, "low"), (25, "moderate"), (49, "moderate"), (50, "high"), (74, "high"), (75, "severe"),
     (100, "severe")],
)  # fmt: skip
def test_risk_levels_have_four_even_bands(score: int, level: str) -> None:
    assert risk_level(score).value == level


def test_a_place_inside_a_dense_cluster_scores_lower_than_a_quiet_place() -> None:
    points = cluster(60, OJUELEGBA) + scattered(40)
    inside = safety_score(points, *OJUELEGBA, 1.0, NOW)
    quiet = safety_score(points, *FAR_AWAY, 1.0, NOW)
    assert inside.score < quiet.score
    assert inside.incident_count >= 60
    assert quiet.level.value == "safe"
    for result in (inside, quiet):
        assert 0 <= result.score <= 100
        assert result.level == safety_level(result.score)
        assert schema_errors(result, "SafetyScore") == []


def test_score_is_100_plus_the_impacts_and_factors_come_most_harmful_first() -> None:
    result = safety_score(cluster(60, OJUELEGBA), *OJUELEGBA, 2.0, NOW)
    impacts = [f.impact for f in result.factors]
    assert impacts == sorted(impacts)
    assert result.score == max(0, min(100, 100 + sum(impacts)))
    names = {f.name for f in result.factors}
    assert {"recent_incidents", "incident_density", "incident_severity", "responder_coverage"} <= names
    density = next(f for f in result.factors if f.name == "incident_density")
    assert density.description == "60 incidents within 2 km in the last 90 days"
    assert all(-100 <= f.impact <= 100 and f.description for f in result.factors)


def test_only_the_last_90_days_within_the_radius_count_and_the_last_7_days_are_told_apart() -> None:
    centre = OJUELEGBA
    points = [
        point(1, *centre, NOW - timedelta(days=2)),
        point(2, *offset(*centre, 300, 0), NOW - timedelta(days=6, hours=23)),
        point(3, *offset(*centre, 0, 900), NOW - timedelta(days=30)),
        point(4, *centre, NOW - timedelta(days=91)),  # too old
        point(5, *offset(*centre, 0, 1100), NOW - timedelta(days=1)),  # outside 1 km
        point(6, *centre, NOW + timedelta(minutes=5)),  # not yet
    ]
    result = safety_score(points, *centre, 1.0, NOW)
    assert (result.incident_count, result.recent_incidents_7d) == (3, 2)
    recent = next(f for f in result.factors if f.name == "recent_incidents")
    assert recent.description == "2 incidents within 1 km in the last 7 days"


def test_recent_and_severe_incidents_weigh_more() -> None:
    def at(days_ago: float, severity: str) -> list[IncidentPoint]:
        return [
            point(k, *offset(*FAR_AWAY, k * 10.0, 0), NOW - timedelta(days=days_ago), severity=severity)
            for k in range(15)
        ]

    fresh, stale = (
        safety_score(at(2, "high"), *FAR_AWAY, 1.0, NOW),
        safety_score(at(80, "high"), *FAR_AWAY, 1.0, NOW),
    )
    assert fresh.score < stale.score
    critical, low = (
        safety_score(at(40, "critical"), *FAR_AWAY, 1.0, NOW),
        safety_score(at(40, "low"), *FAR_AWAY, 1.0, NOW),
    )
    assert critical.score < low.score


def test_false_alarms_weigh_less_than_real_incidents() -> None:
    real = [point(k, *FAR_AWAY, NOW - timedelta(days=20)) for k in range(20)]
    cancelled = [point(k, *FAR_AWAY, NOW - timedelta(days=20), status="cancelled") for k in range(20)]
    assert safety_score(cancelled, *FAR_AWAY, 1.0, NOW).score > safety_score(real, *FAR_AWAY, 1.0, NOW).score


def test_the_hour_matters_where_incidents_cluster_at_night() -> None:
    points = cluster(80, OJUELEGBA, hours=(20, 21, 22))
    night = safety_score(points, *OJUELEGBA, 1.0, NOW.replace(hour=21))
    day = safety_score(points, *OJUELEGBA, 1.0, NOW.replace(hour=9))
    assert night.score < day.score
    timing = next(f for f in night.factors if f.name == "time_of_day")
    assert timing.impact < 0
    assert timing.description.startswith("Around this hour of day incidents nearby are ")
    assert ":" not in timing.description  # no clock time: the console shows hours in local time


def test_a_nearby_danger_zone_is_named_when_zones_are_given() -> None:
    points = cluster(60, OJUELEGBA) + scattered(40)
    zones = danger_zones(points, NOW)
    near = offset(*OJUELEGBA, 1500, 0)
    with_zones = safety_score(points, *near, 2.0, NOW, zones)
    without = safety_score(points, *near, 2.0, NOW)
    factor = next(f for f in with_zones.factors if f.name == "danger_zone_nearby")
    assert factor.description.startswith("Ojuelegba Underbridge (")
    assert factor.description.endswith("km away")
    assert with_zones.score == max(0, without.score + factor.impact)
    inside = safety_score(points, *OJUELEGBA, 2.0, NOW, zones)
    assert any(f.description.startswith("Inside Ojuelegba Underbridge") for f in inside.factors)


def test_an_empty_history_is_safe_and_says_so() -> None:
    result = safety_score([], 6.45, 3.43, 2.0, NOW)
    assert result.incident_count == 0
    assert result.level.value == "safe"
    assert result.location is not None
    assert result.location.coordinates == (3.43, 6.45)
    assert result.radius_km == 2.0
    assert result.computed_at == NOW
    texts = [f.description for f in result.factors]
    assert "No incidents within 2 km in the last 7 days" in texts


@pytest.mark.parametrize(("lat", "lng", "radius"), [(91.0, 3.4, 2.0), (6.5, 181.0, 2.0), (6.5, 3.4, 0.0)])
def test_impossible_points_and_radii_are_refused(lat: float, lng: float, radius: float) -> None:
    with pytest.raises(ValueError, match=r"latitude|radius"):
        safety_score([], lat, lng, radius, NOW)


def test_demo_history_spreads_scores_over_the_bands(demo: list[IncidentPoint]) -> None:
    zones = danger_zones(demo, NOW)
    quiet = safety_score(demo, 6.4520, 3.4350, 2.0, NOW, zones)  # Ikoyi
    busy = safety_score(demo, 6.5555, 3.3440, 0.5, NOW.replace(hour=21), zones)  # Oshodi Interchange at night
    assert quiet.level.value == "safe"
    assert busy.level.value == "danger"
