"""Heatmap: grid binning with the box, period and filters; weights relative to the fullest cell."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from sety_console.api.models import HeatmapResponse
from sety_console.sandbox.intel import IncidentPoint, bbox_around, heatmap
from sety_console.sandbox.intel.geo import haversine_m

from .conftest import NOW, offset, point, schema_errors

BOX = (3.34, 6.48, 3.40, 6.53)
START, END = NOW - timedelta(days=90), NOW


def _heat(points: list[IncidentPoint], **changes: Any) -> HeatmapResponse:
    """`heatmap` over `BOX`, 250 m cells, the last 90 days, every category and severity, with `changes`."""
    arguments: dict[str, Any] = {
        "bbox": BOX,
        "grid_meters": 250,
        "period_from": START,
        "period_to": END,
        "categories": None,
        "severities": None,
        "now": NOW,
    }
    return heatmap(points, **(arguments | changes))


def _known_points() -> list[IncidentPoint]:
    inside = (6.5010, 3.3620)
    other = (6.5200, 3.3900)
    day = NOW - timedelta(days=3)
    return [
        point(1, *inside, day),
        point(2, *offset(*inside, 5, 5), day, category="vehicle", severity="low"),
        point(3, *offset(*inside, -5, 3), day),
        point(4, *other, day, category="medical"),
        point(5, 6.60, 3.36, day),  # north of the box
        point(6, *other, NOW - timedelta(days=120)),  # before the period
        point(7, *other, NOW + timedelta(days=1)),  # after the period
    ]


def test_cells_count_incidents_in_box_and_period_with_weights_relative_to_the_fullest() -> None:
    result = _heat(_known_points())
    assert [p.count for p in result.points] == [3, 1]
    assert [p.weight for p in result.points] == [1.0, 0.333]
    assert result.max_count == 3
    assert result.total_incidents == 4
    assert result.bbox == list(BOX)
    assert result.grid_meters == 250
    assert result.period is not None
    assert (result.period.from_, result.period.to) == (START, END)
    assert result.generated_at == NOW
    lng, lat = result.points[0].coordinates
    assert haversine_m(lat, lng, 6.5010, 3.3620) <= 250 * 0.75  # the centre of the cell holding them
    for cell in result.points:
        assert BOX[0] <= cell.coordinates[0] <= BOX[2]
        assert BOX[1] <= cell.coordinates[1] <= BOX[3]
    assert schema_errors(result, "HeatmapResponse") == []


def test_category_and_severity_filters_and_a_box_around_a_point() -> None:
    points = _known_points()
    only_vehicle = _heat(points, categories={"vehicle"})
    assert [p.count for p in only_vehicle.points] == [1]
    high_only = _heat(points, categories={"sos", "medical"}, severities={"high"})
    assert [p.count for p in high_only.points] == [2, 1]
    around = _heat(points, bbox=bbox_around(6.5010, 3.3620, 0.5), grid_meters=1000)
    assert around.total_incidents == 3


def test_nothing_in_the_box_gives_an_empty_but_complete_answer() -> None:
    result = _heat([], grid_meters=500)
    assert (result.points, result.max_count, result.total_incidents) == ([], 0, 0)
    assert schema_errors(result, "HeatmapResponse") == []


def test_larger_cells_merge_counts(demo: list[IncidentPoint]) -> None:
    fine = _heat(demo, grid_meters=100)
    coarse = _heat(demo, grid_meters=2000)
    assert fine.total_incidents == coarse.total_incidents > 100
    assert len(coarse.points) < len(fine.points)
    assert coarse.max_count > fine.max_count
    counts = [p.count for p in fine.points]
    assert counts == sorted(counts, reverse=True)


def test_bbox_around_is_min_lng_min_lat_max_lng_max_lat_covering_the_circle() -> None:
    min_lng, min_lat, max_lng, max_lat = bbox_around(6.5, 3.4, 2.0)
    assert min_lng < 3.4 < max_lng
    assert min_lat < 6.5 < max_lat
    assert haversine_m(6.5, 3.4, max_lat, 3.4) == pytest.approx(2000, rel=1e-3)
    assert haversine_m(6.5, 3.4, 6.5, max_lng) == pytest.approx(2000, rel=1e-3)


@pytest.mark.parametrize(
    ("bbox", "grid", "start", "end", "words"),
    [
        ((3.40, 6.48, 3.34, 6.53), 250, START, END, "minimum below its maximum"),
        (BOX, 0, START, END, "grid_meters"),
        (BOX, 250, END, START, "must not start after it ends"),
    ],
)
def test_impossible_requests_are_refused_in_words(
    bbox: tuple[float, float, float, float], grid: int, start: datetime, end: datetime, words: str
) -> None:
    with pytest.raises(ValueError, match=words):
        _heat([], bbox=bbox, grid_meters=grid, period_from=start, period_to=end)
