"""What the supervisor reads: durations, distances, trends, labels, histogram axes."""

from __future__ import annotations

import pytest

from sety_console.api.models import Category, Severity, TimelineEventType, Trend
from sety_console.core.analytics.area import trend_words
from sety_console.core.analytics.histogram import Bin, bin_label, histogram_axis
from sety_console.core.wording import (
    distance_text,
    duration_text,
    enum_label,
    percent_text,
    plural,
    signed_percent,
    weekday_name,
)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, "—"), (0, "0 s"), (48.2, "48 s"), (60, "1 min"), (95, "1 min 35 s"), (7500, "2 h 05 min")],
)
def test_duration_text(seconds: float | None, text: str) -> None:
    assert duration_text(seconds) == text


def test_distances_percentages_hours_and_days() -> None:
    assert distance_text(850) == "850 m"
    assert distance_text(2010) == "2.0 km"
    assert percent_text(0.62) == "62 %"
    assert percent_text(None) == "—"
    assert signed_percent(12.5) == "+12.5 %"
    assert signed_percent(-3) == "-3.0 %"
    assert weekday_name(4) == "Friday"
    assert weekday_name(6, short=True) == "Sun"
    assert (plural(1, "incident"), plural(3, "incident")) == ("1 incident", "3 incidents")


def test_trend_words_say_what_the_arrow_means() -> None:
    worse, _ = trend_words(Trend.worsening, 12.5, 90)
    assert worse is not None
    assert (worse.arrow, worse.headline, worse.tone) == ("▲", "Getting worse", "bad")
    assert worse.detail == "incidents up 12.5 % on the 90 days before"
    better, _ = trend_words(Trend.improving, -18, 30)
    assert better is not None
    assert (better.headline, better.tone) == ("Getting better", "good")
    assert "down 18.0 %" in better.detail
    unknown, _ = trend_words(Trend("volatile"), 1.0, 7)
    assert unknown is not None
    assert unknown.headline == "Unknown (volatile)"


def test_no_previous_period_means_no_trend_at_all() -> None:
    trend, why = trend_words(Trend.stable, None, 90)
    assert trend is None
    assert why == "No trend: nothing to compare with in the 90 days before."


def test_a_big_change_on_few_incidents_is_not_called_stable() -> None:
    trend, _ = trend_words(Trend.stable, 150.0, 7)
    assert trend is not None
    assert trend.headline == "No clear trend"
    assert "too few to call a trend" in trend.detail


def test_enum_labels() -> None:
    assert enum_label(Category.sos) == "SOS"
    assert enum_label(Category.location_threat) == "Location threat"
    assert enum_label(TimelineEventType.sla_breached) == "SLA breached"
    assert enum_label(Severity("extreme")) == "Unknown (extreme)"
    assert enum_label(None, "mixed") == "mixed"


def test_bin_labels_and_histogram_axis() -> None:
    assert bin_label(Bin(0, 30, 2)) == "0–30 s"
    assert bin_label(Bin(60, 120, 2)) == "1–2 min"
    assert bin_label(Bin(30, 60, 2)) == "30 s–1 min"
    assert bin_label(Bin(600, None, 1)) == "≥ 10 min"
    unit, edges = histogram_axis([Bin(0, 60, 1), Bin(60, 120, 3), Bin(120, None, 1)])
    assert (unit, edges) == ("seconds", ["0", "60", "120"])
    unit, edges = histogram_axis([Bin(0, 120, 1), Bin(120, 240, 3)])
    assert (unit, edges) == ("minutes", ["0", "2", "4"])
