"""Property tests: over many points of the service area, the sandbox's answer agrees with itself.

The percentile is the share of the city's places (same radius, same 90 days) with a lower score;
a higher score never has a lower percentile; the busy hours and days the words name are the bars
the charts draw; the outlook explains itself when it differs from the score; a trend is told only
when the history covers the whole period before.
"""

from __future__ import annotations

import math
import re
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sety_console.api.models import DangerAnalytics, DangerZone
from sety_console.sandbox.intel import IncidentPoint, danger_analytics, danger_zones, safety_score
from sety_console.sandbox.intel.city import _centres, city_places
from sety_console.sandbox.intel.prediction import LEVEL_TO_RISK, WEEKDAYS
from sety_console.sandbox.intel.records import columns

from .conftest import NOW

CHECKS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
lats = st.floats(min_value=6.42, max_value=6.66)
lngs = st.floats(min_value=3.28, max_value=3.62)
radii = st.sampled_from([0.5, 1.0, 2.0, 5.0])
windows = st.sampled_from([7, 30, 90, 180])
CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")


@pytest.fixture(scope="module")
def zones(demo: list[IncidentPoint]) -> list[DangerZone]:
    return danger_zones(demo, NOW)


def ask(
    demo: list[IncidentPoint], zones: list[DangerZone], lat: float, lng: float, r: float, days: int
) -> DangerAnalytics:
    return danger_analytics(demo, lat, lng, r, days, NOW, zones)


@CHECKS
@given(lat=lats, lng=lngs, radius=radii)
def test_the_percentile_is_the_share_of_places_with_a_lower_score(
    demo: list[IncidentPoint], zones: list[DangerZone], lat: float, lng: float, radius: float
) -> None:
    result = ask(demo, zones, lat, lng, radius, 90)
    every = columns(demo, NOW)
    city = city_places(every.subset(every.within_days(90)), radius, NOW, zones)
    lower = int(np.count_nonzero(city.scores < result.safety_score.score))
    assert result.comparison.percentile == math.floor(100 * lower / len(city.scores))
    assert result.comparison.city_average_score == round(float(city.scores.mean()))


@CHECKS
@given(first=st.tuples(lats, lngs), second=st.tuples(lats, lngs), radius=radii, days=windows)
def test_a_higher_score_never_has_a_lower_percentile(
    demo: list[IncidentPoint],
    zones: list[DangerZone],
    first: tuple[float, float],
    second: tuple[float, float],
    radius: float,
    days: int,
) -> None:
    a, b = ask(demo, zones, *first, radius, days), ask(demo, zones, *second, radius, days)
    if a.safety_score.score > b.safety_score.score:
        assert a.comparison.percentile >= b.comparison.percentile
    if a.safety_score.score == b.safety_score.score:
        assert a.comparison.percentile == b.comparison.percentile
    assert a.comparison.city_average_score == b.comparison.city_average_score


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(index=st.integers(min_value=0, max_value=10_000), radius=radii)
def test_a_city_place_scores_exactly_what_the_ranking_gave_it(
    demo: list[IncidentPoint], zones: list[DangerZone], index: int, radius: float
) -> None:
    place_lats, place_lngs, _ = _centres()
    at = index % len(place_lats)
    every = columns(demo, NOW)
    city = city_places(every.subset(every.within_days(90)), radius, NOW, zones)
    score = safety_score(demo, float(place_lats[at]), float(place_lngs[at]), radius, NOW, zones)
    assert score.score == int(city.scores[at])


@CHECKS
@given(lat=lats, lng=lngs, radius=radii, days=windows)
def test_the_words_name_the_bars_the_charts_draw(
    demo: list[IncidentPoint], zones: list[DangerZone], lat: float, lng: float, radius: float, days: int
) -> None:
    result = ask(demo, zones, lat, lng, radius, days)
    time = result.time_analysis
    by_hour = time.by_hour
    assert time.riskiest_hours == [
        h for h in sorted(range(24), key=lambda h: (-by_hour[h], h))[:3] if by_hour[h]
    ]
    assert sum(by_hour) == sum(time.by_weekday) == result.incident_analytics.total
    busiest = [f for f in result.prediction.factors if f.endswith("s have the most incidents in this area")]
    if busiest:
        day = max(range(7), key=lambda d: (time.by_weekday[d], -d))
        assert busiest == [f"{WEEKDAYS[day]}s have the most incidents in this area"]
    texts = [f.description for f in result.safety_score.factors] + result.prediction.factors
    assert not [t for t in texts if CLOCK.search(t)], "server sentences name no clock time"
    if days == 90:
        assert result.safety_score.incident_count == result.incident_analytics.total


@CHECKS
@given(lat=lats, lng=lngs, radius=radii, days=windows)
def test_the_outlook_explains_itself_when_it_differs_from_the_score(
    demo: list[IncidentPoint], zones: list[DangerZone], lat: float, lng: float, radius: float, days: int
) -> None:
    result = ask(demo, zones, lat, lng, radius, days)
    level, risk = result.safety_score.level.value, result.prediction.next_24h_risk.value
    explained = [f for f in result.prediction.factors if " on average, but the next 24 hours look " in f]
    if LEVEL_TO_RISK[level] == risk:
        assert explained == []
    else:
        assert explained == [result.prediction.factors[0]]
        assert explained[0].startswith(f"{level.capitalize()} on average, but the next 24 hours look {risk}")


@CHECKS
@given(lat=lats, lng=lngs, radius=radii, days=windows)
def test_a_trend_only_with_a_previous_period(
    demo: list[IncidentPoint], zones: list[DangerZone], lat: float, lng: float, radius: float, days: int
) -> None:
    result = ask(demo, zones, lat, lng, radius, days)
    oldest = min(p.created_at for p in demo)
    covered = oldest <= NOW - timedelta(days=2 * days)
    comparison = result.comparison
    if not covered:
        assert comparison.change_percent is None
    if comparison.change_percent is None:
        assert comparison.trend.value == "stable"
        assert not [f for f in result.prediction.factors if f.startswith("Incident count")]
