"""The numbers behind incident analytics, checked without Qt."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from sety_console.core.analytics.histogram import Bin, histogram, percentile
from sety_console.core.analytics.stats import CATEGORY_ORDER, aggregate, is_breached, ordered_counts
from sety_console.core.local_time import LocalZone
from tests.ui.supervisor.fakes import make_incident

MONDAY_9 = datetime(2026, 3, 9, 9, 30, tzinfo=UTC)  # a Monday


def test_counts_by_category_severity_status_and_duplicates_once() -> None:
    incidents = [
        make_incident(1, MONDAY_9, category="sos", severity="critical", status="resolved"),
        make_incident(2, MONDAY_9, category="vehicle", severity="high", status="responding", arrive_s=None),
        make_incident(3, MONDAY_9, category="sos", severity="high", status="cancelled"),
    ]
    stats = aggregate([*incidents, incidents[0]])  # a page overlap repeats incident 1
    assert stats.total == 3
    assert stats.by_category == Counter({"sos": 2, "vehicle": 1})
    assert stats.by_severity == Counter({"high": 2, "critical": 1})
    assert stats.by_status == Counter({"resolved": 1, "responding": 1, "cancelled": 1})
    assert stats.add([incidents[1]]) == 0


def test_sla_figures_and_breach_rate() -> None:
    stats = aggregate(
        [
            make_incident(1, MONDAY_9, assign_s=30, arrive_s=400),
            make_incident(2, MONDAY_9, assign_s=95, arrive_s=None, breached=True),
            make_incident(3, MONDAY_9, assign_s=None, arrive_s=None),
            make_incident(4, MONDAY_9, sla=False),  # no SLA block: not in the rate
        ]
    )
    assert stats.assign_seconds == [30, 95]
    assert stats.arrive_seconds == [400]
    assert (stats.breached, stats.with_sla) == (1, 3)
    assert stats.breach_rate == pytest.approx(1 / 3)


def test_a_breach_only_in_the_timeline_counts() -> None:
    incident = make_incident(1, MONDAY_9, breached=True, sla=False)
    assert is_breached(incident)
    stats = aggregate([incident])
    assert (stats.breached, stats.with_sla, stats.breach_rate) == (1, 1, 1.0)


def test_no_sla_figures_means_no_rate() -> None:
    assert aggregate([make_incident(1, MONDAY_9, sla=False)]).breach_rate is None
    assert aggregate([]).breach_rate is None


def test_hour_weekday_is_local_and_monday_first() -> None:
    sunday_late = datetime(2026, 3, 15, 23, 59, tzinfo=UTC)  # Monday 00:59 in Lagos
    incidents = [make_incident(1, MONDAY_9), make_incident(2, MONDAY_9), make_incident(3, sunday_late)]
    utc = aggregate(incidents, LocalZone("UTC"))
    assert utc.hour_weekday[0][9] == 2
    assert utc.hour_weekday[6][23] == 1
    assert sum(map(sum, utc.hour_weekday)) == 3
    assert utc.busiest_slot == (0, 9, 2)
    lagos = aggregate(incidents, LocalZone("Africa/Lagos"))
    assert lagos.hour_weekday[0][10] == 2
    assert lagos.hour_weekday[0][0] == 1
    assert lagos.busiest_slot == (0, 10, 2)
    assert aggregate([]).busiest_slot is None


def test_ordered_counts_keeps_known_order_then_unknown_values() -> None:
    counts = Counter({"medical": 2, "sos": 5, "drone": 1})
    assert ordered_counts(counts, CATEGORY_ORDER) == [
        ("sos", 5),
        ("vehicle", 0),
        ("location_threat", 0),
        ("medical", 2),
        ("drone", 1),
    ]


def test_percentile_interpolates() -> None:
    assert percentile([], 50) is None
    assert percentile([10.0], 90) == 10.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == pytest.approx(2.5)
    assert percentile([5.0, 1.0, 3.0], 100) == 5.0


def test_histogram_uses_round_widths_and_an_open_last_bar() -> None:
    values = [10, 20, 40, 50, 70, 80, 100, 110, 3000]  # one very slow incident
    bins = histogram(values, max_bins=12)
    assert bins[0] == Bin(0, 15, 1)
    assert all(b.end is not None and b.end - b.start == 15 for b in bins[:-1])
    assert bins[-1].end is None
    assert bins[-1].count == 1
    assert sum(b.count for b in bins) == len(values)
    assert len(bins) <= 12


def test_histogram_edge_cases() -> None:
    assert histogram([]) == []
    single = histogram([60.0])
    assert sum(b.count for b in single) == 1
    assert all(b.end is not None for b in single)  # one value is never an "overflow"
    many = histogram([float(s) for s in range(0, 7200, 30)])
    assert sum(b.count for b in many) == 240
    assert len(many) <= 12


def test_a_tuesday_morning_lands_in_its_cell() -> None:
    later = make_incident(7, MONDAY_9 + timedelta(days=1), status="responding", arrive_s=None)
    stats = aggregate([later], LocalZone("UTC"))
    assert stats.hour_weekday[1][9] == 1
