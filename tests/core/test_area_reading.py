"""Property tests of the area reading: whatever the server answers, the figures and words agree.

The red hour bars are the hours the words name, the red weekday is the day the words name, a trend
appears only with a previous period, and the outlook explains itself exactly when it differs from
what the score's level leads one to expect. Hours are local to the zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sety_console.api.models import DangerAnalytics, RiskLevel
from sety_console.core.analytics.area import LEVEL_TO_RISK, percentile_words, read_area
from sety_console.core.local_time import LocalZone, hour_axis, hours_text
from sety_console.core.wording import WEEKDAY_NAMES

from .analytics_strategies import analytics, moments, zones

MANY = settings(max_examples=300, deadline=None)


@MANY
@given(answer=analytics(), zone=zones, now=moments)
def test_the_red_hours_are_the_busiest_local_hours_and_the_words_name_them(
    answer: DangerAnalytics, zone: LocalZone, now: datetime
) -> None:
    reading = read_area(answer, zone, now)
    counts = reading.hours.counts
    assert sorted(counts) == sorted(answer.time_analysis.by_hour)
    risky = set(reading.riskiest_hours)
    assert len(risky) <= 3
    assert all(counts[h] > 0 for h in risky)
    assert all(counts[r] >= counts[h] for r in risky for h in range(24) if h not in risky)
    if any(counts):
        assert len(risky) == min(3, sum(1 for c in counts if c))
        assert (
            f"Most incidents at {hours_text(reading.riskiest_hours)} {reading.hours.label}"
            in reading.peak_sentence
        )
    quiet = set(reading.quietest_hours)
    assert len(quiet) <= 3
    assert all(counts[q] < counts[r] for q in quiet for r in risky)
    assert all(counts[q] <= counts[h] for q in quiet for h in range(24) if h not in quiet and h not in risky)


@MANY
@given(answer=analytics(), zone=zones, now=moments)
def test_the_red_weekday_is_the_day_the_words_name(
    answer: DangerAnalytics, zone: LocalZone, now: datetime
) -> None:
    reading = read_area(answer, zone, now)
    days = reading.weekday_counts
    if not any(days):
        assert reading.busiest_weekday is None
        return
    busiest = reading.busiest_weekday
    assert busiest is not None
    assert days[busiest] == max(days)
    assert all(days[d] < days[busiest] for d in range(busiest))  # ties go to the earlier day
    if reading.riskiest_hours:
        assert f"the busiest day is {WEEKDAY_NAMES[busiest]}." in reading.peak_sentence


@MANY
@given(answer=analytics(), zone=zones, now=moments)
def test_a_trend_only_with_a_previous_period(answer: DangerAnalytics, zone: LocalZone, now: datetime) -> None:
    reading = read_area(answer, zone, now)
    if answer.comparison.change_percent is None:
        assert reading.trend is None
        assert reading.no_trend.startswith("No trend")
    else:
        assert reading.trend is not None
        assert reading.no_trend == ""
        change = answer.comparison.change_percent
        assert f"{abs(change):.1f} %" in reading.trend.detail
        against = (reading.trend.tone == "bad" and change <= 0) or (
            reading.trend.tone == "good" and change >= 0
        )
        assert ("although" in reading.trend.detail) == against


@MANY
@given(answer=analytics(), zone=zones, now=moments)
def test_the_outlook_explains_itself_when_it_differs_from_the_score(
    answer: DangerAnalytics, zone: LocalZone, now: datetime
) -> None:
    reading = read_area(answer, zone, now)
    level, risk = answer.safety_score.level, answer.prediction.next_24h_risk
    explanation = reading.outlook.explanation
    if LEVEL_TO_RISK[level] is risk:
        assert explanation == ""
        return
    assert explanation.startswith(
        f"{level.label} on average, but the next 24 hours look {risk.label.lower()}"
    )
    worse = list(RiskLevel).index(risk) > list(RiskLevel).index(LEVEL_TO_RISK[level])
    if worse and reading.riskiest_hours:
        assert hours_text(reading.riskiest_hours) in explanation  # the very hours drawn red


@MANY
@given(answer=analytics(), zone=zones, now=moments)
def test_score_and_percentile_pass_through_untouched(
    answer: DangerAnalytics, zone: LocalZone, now: datetime
) -> None:
    reading = read_area(answer, zone, now)
    assert (reading.score, reading.level, reading.percentile) == (
        answer.safety_score.score,
        answer.safety_score.level,
        answer.comparison.percentile,
    )


@MANY
@given(answer=analytics(), zone=zones, now=moments)
def test_the_percentile_headline_never_says_safer_than_nobody_when_every_place_is_alike(
    answer: DangerAnalytics, zone: LocalZone, now: datetime
) -> None:
    reading = read_area(answer, zone, now)
    words = percentile_words(reading)
    if reading.percentile == 0 and reading.score == reading.city_average:
        assert words == "As safe as the city's other places"
    else:
        assert words == f"Safer than {reading.percentile} %"


@given(zone=st.sampled_from(["Africa/Lagos", "Asia/Tokyo", "America/Bogota"]).map(LocalZone), now=moments)
def test_whole_hour_zones_without_clock_changes_shift_the_bins_exactly(
    zone: LocalZone, now: datetime
) -> None:
    by_hour = list(range(24))
    axis = hour_axis(by_hour, zone, (now - timedelta(days=90), now))
    assert axis.exact
    shift = round(zone.offset(now).total_seconds() / 3600)
    assert [axis.counts[(h + shift) % 24] for h in range(24)] == by_hour
    assert axis.label == zone.abbreviation(now)


def test_a_half_hour_zone_keeps_utc_bins_and_says_so() -> None:
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    axis = hour_axis(list(range(24)), LocalZone("Asia/Kolkata"), (now - timedelta(days=30), now))
    assert (axis.label, axis.exact, axis.counts[5]) == ("UTC", False, 5)
    assert "UTC" in axis.note


def test_a_period_across_a_clock_change_is_flagged() -> None:
    now = datetime(2026, 4, 10, 12, tzinfo=UTC)  # London moved to BST on 29 March
    axis = hour_axis(list(range(24)), LocalZone("Europe/London"), (now - timedelta(days=90), now))
    assert axis.label == "BST"
    assert not axis.exact
    assert "clock change" in axis.note
