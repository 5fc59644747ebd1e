"""Danger analytics on a hand-built history whose answers are known, and on the demo history."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import pytest

from sety_console.sandbox.intel import IncidentPoint, danger_analytics, danger_zones, safety_score
from sety_console.sandbox.intel.geo import haversine_m

from .conftest import FAR_AWAY, NOW, OJUELEGBA, offset, point, schema_errors

MONDAY = NOW - timedelta(days=1)  # Monday 2026-03-09 14:00 UTC
ARRIVALS = [300.0, 400.0, 500.0, 600.0, 700.0, 800.0, None, None, None, None]


def _history() -> list[IncidentPoint]:
    """10 SOS on Monday evenings (20:xx UTC) of the last 28 days; 5 vehicle incidents the 28 days before;
    one far away 80 days ago, so the history reaches back over the period before."""
    mondays = [MONDAY.replace(hour=20) - timedelta(days=7 * k) for k in (1, 2, 3)]
    current = [
        point(
            k,
            *offset(*OJUELEGBA, 20.0 * k, -15.0 * k),
            mondays[k % 3].replace(minute=5 * k),
            category="sos",
            status="cancelled" if k in (3, 7) else "resolved",
            arrive=ARRIVALS[k],
        )
        for k in range(10)
    ]
    previous = [
        point(
            100 + k, *offset(*OJUELEGBA, 0.0, 30.0 * k), MONDAY - timedelta(days=40 + k), category="vehicle"
        )
        for k in range(5)
    ]
    return [point(999, *FAR_AWAY, MONDAY - timedelta(days=80)), *current, *previous]


def test_breakdown_time_analysis_and_trend_are_exact() -> None:
    result = danger_analytics(_history(), *OJUELEGBA, 1.0, 28, MONDAY)
    stats = result.incident_analytics
    assert stats.total == 10
    assert stats.by_category.as_dict() == {"sos": 10, "vehicle": 0, "location_threat": 0, "medical": 0}
    assert stats.by_status.resolved == 8
    assert stats.by_status.cancelled == 2
    assert stats.resolution_rate == 0.8
    assert stats.average_response_seconds == 550.0
    times = result.time_analysis
    assert times.by_hour[20] == 10
    assert sum(times.by_hour) == 10
    assert times.by_weekday == [10, 0, 0, 0, 0, 0, 0]
    assert times.riskiest_hours == [20]
    assert times.safest_hours == [0, 1, 2]
    assert result.comparison.trend.value == "worsening"
    assert result.comparison.change_percent == 100.0
    assert result.period_days == 28
    assert result.radius_km == 1.0


def test_prediction_is_a_poisson_outlook_from_same_hour_and_weekday_rates() -> None:
    prediction = danger_analytics(_history(), *OJUELEGBA, 1.0, 28, MONDAY).prediction
    rate = 0.5 * 10 / 28 + 0.5 * 10 / 4  # Monday 20:00 falls within the next 24 hours
    assert prediction.expected_incidents == round(rate, 2)
    assert prediction.probability == round(1 - math.exp(-rate), 2)
    assert 0 < prediction.confidence < 1
    assert "Mondays have the most incidents in this area" in prediction.factors
    assert "Incident count up 100% on the previous 28 days" in prediction.factors
    assert prediction.factors[-1] == "Based on 10 incidents over 28 days"
    assert prediction.next_24h_risk.value in ("moderate", "high", "severe")
    tomorrow = danger_analytics(_history(), *OJUELEGBA, 1.0, 28, MONDAY + timedelta(hours=8)).prediction
    assert tomorrow.expected_incidents < prediction.expected_incidents  # Monday evening is behind us


def test_patterns_find_the_hotspot_and_the_recurring_slot() -> None:
    patterns = danger_analytics(_history(), *OJUELEGBA, 1.0, 28, MONDAY).patterns
    assert [(h.incident_count, h.dominant_category) for h in patterns.hotspots] == [(10, "sos")]
    hotspot = patterns.hotspots[0].center
    assert haversine_m(hotspot.lat, hotspot.lng, *OJUELEGBA) < 150
    assert [(r.category.value, r.weekday, r.hour, r.count) for r in patterns.recurring] == [
        ("sos", 0, 20, 10)
    ]
    assert [c.value for c in patterns.common_categories] == ["sos"]


def test_safe_zones_are_the_nearest_places_to_seek_help() -> None:
    zones = danger_analytics([], *OJUELEGBA, 2.0, 90, NOW).safe_zones.zones
    assert 1 <= len(zones) <= 5
    distances = [z.distance_meters for z in zones]
    assert distances == sorted(distances)
    assert all(d <= 5000 for d in distances)
    assert {z.kind.value for z in zones} <= {"police_station", "hospital", "fire_station"}
    for zone in zones:
        true_distance = haversine_m(OJUELEGBA[0], OJUELEGBA[1], zone.location.lat, zone.location.lng)
        assert zone.distance_meters == pytest.approx(true_distance, abs=20)


def test_an_empty_history_gives_a_complete_quiet_answer() -> None:
    result = danger_analytics([], *OJUELEGBA, 2.0, 90, NOW)
    assert result.incident_analytics.total == 0
    assert result.incident_analytics.resolution_rate is None
    assert result.incident_analytics.average_response_seconds is None
    assert (result.time_analysis.riskiest_hours, result.time_analysis.safest_hours) == ([], [])
    assert result.comparison.trend.value == "stable"
    assert result.comparison.change_percent is None
    assert result.prediction.next_24h_risk.value == "low"
    assert result.prediction.probability == 0.0
    assert result.prediction.factors == ["No incidents within 2 km in the last 90 days"]
    assert result.patterns.hotspots == []
    assert schema_errors(result, "DangerAnalytics") == []


def test_demo_history_answer_matches_the_contract_and_compares_with_the_city(
    demo: list[IncidentPoint],
) -> None:
    zones = danger_zones(demo, NOW)
    result = danger_analytics(demo, 6.5095, 3.3841, 2.0, 90, NOW, zones)
    assert schema_errors(result, "DangerAnalytics") == []
    assert result.safety_score == safety_score(demo, 6.5095, 3.3841, 2.0, NOW, zones)
    comparison = result.comparison
    assert 0 <= comparison.percentile <= 100
    assert 0 <= comparison.area_average_score <= 100
    assert 0 <= comparison.city_average_score <= 100
    quiet = danger_analytics(demo, 6.4520, 3.4350, 2.0, 90, NOW, zones).comparison  # Ikoyi
    assert quiet.percentile > comparison.percentile
    assert quiet.city_average_score == comparison.city_average_score
    assert result.incident_analytics.total == result.safety_score.incident_count
    assert len(result.patterns.hotspots) == 5
    assert len(result.safe_zones.zones) == 5


def test_no_trend_without_a_whole_previous_period() -> None:
    young = [p for p in _history() if p.incident_id != "inc_0000000000000999"]  # begins 44 days ago
    comparison = danger_analytics(young, *OJUELEGBA, 1.0, 28, MONDAY).comparison
    assert comparison.change_percent is None
    assert comparison.trend.value == "stable"
    assert danger_analytics(young, *OJUELEGBA, 1.0, 14, MONDAY).comparison.change_percent is not None


def test_trend_compares_with_the_period_just_before(demo: list[IncidentPoint]) -> None:
    week = danger_analytics(demo, 6.5095, 3.3841, 2.0, 7, NOW).comparison
    assert week.change_percent is not None  # the demo history covers the previous week too
    assert week.trend.value in ("improving", "stable", "worsening")


@pytest.mark.parametrize("days", [0, 366])
def test_days_outside_1_to_365_are_refused(days: int) -> None:
    with pytest.raises(ValueError, match="days must be between 1 and 365"):
        danger_analytics([], 6.5, 3.4, 2.0, days, NOW)


def test_now_is_taken_from_the_caller_not_the_clock() -> None:
    later = datetime(2031, 1, 1, tzinfo=NOW.tzinfo)
    assert danger_analytics(_history(), *OJUELEGBA, 1.0, 28, later).incident_analytics.total == 0
