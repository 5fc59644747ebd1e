"""What the supervisor reads: durations, distances, trends, labels, histogram axes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sety_console.api.models import Category, Severity, TimelineEventType, Trend
from sety_console.ui.supervisor.analytics_math import Bin
from sety_console.ui.supervisor.wording import (
    bin_label,
    distance_text,
    duration_text,
    enum_label,
    histogram_axis,
    hour_range,
    percent_text,
    signed_percent,
    trend_text,
    utc_text,
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
    assert hour_range(23) == "23:00–00:00 UTC"
    assert weekday_name(4) == "Friday"
    assert weekday_name(6, short=True) == "Sun"
    assert utc_text(datetime(2026, 3, 10, 18, 5, tzinfo=UTC)) == "2026-03-10 18:05 UTC"


def test_trend_words_say_what_the_arrow_means() -> None:
    worse = trend_text(Trend.worsening, 12.5)
    assert (worse.arrow, worse.headline, worse.tone) == ("▲", "Getting worse", "bad")
    assert worse.detail == "incidents up 12.5 % on the previous period"
    better = trend_text(Trend.improving, -8)
    assert (better.headline, better.tone) == ("Getting better", "good")
    assert "down 8.0 %" in better.detail
    assert "no incidents in the previous period" in trend_text(Trend.stable, None).detail
    unknown = trend_text(Trend("volatile"), 1.0)
    assert unknown.headline == "Unknown (volatile)"


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
