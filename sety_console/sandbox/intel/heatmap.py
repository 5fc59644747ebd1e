"""Heatmap: incidents counted on a square grid laid over the requested box."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np

from sety_console.api.models import HeatmapResponse, Period

from .geo import METRES_PER_DEGREE, BBox
from .records import BoolArray, FloatArray, IncidentPoint, IntArray, columns, epoch

_SPAN = 1 << 31
"""Packs a cell's (column, row) into one int64; a box holds far fewer than 2³¹ cells a side."""


def heatmap(
    points: Sequence[IncidentPoint],
    *,
    bbox: BBox,
    grid_meters: int,
    period_from: datetime,
    period_to: datetime,
    categories: set[str] | None,
    severities: set[str] | None,
    now: datetime,
) -> HeatmapResponse:
    """Cells of `grid_meters` with at least one incident of the period (edges included) in `bbox`.

    The grid starts at the box's south-west corner; a cell is `grid_meters` high and, at the box's
    middle latitude, `grid_meters` wide. `coordinates` is the cell centre, `weight` is
    `count / max_count` to three decimals. Cells come fullest first (ties: west to east, then south
    to north). `categories` / `severities` of None mean all.
    """
    _check(bbox, grid_meters, period_from, period_to)
    cols = columns(points, now)
    keep = cols.in_bbox(bbox)
    keep &= (cols.timestamp >= epoch(period_from)) & (cols.timestamp <= epoch(period_to))
    keep &= _matching(cols.category, cols.labels.category, categories)
    keep &= _matching(cols.severity, cols.labels.severity, severities)
    cells = _cells(cols.lat[keep], cols.lng[keep], bbox, grid_meters)
    return HeatmapResponse.model_validate(
        {
            "points": cells,
            "max_count": max((cell["count"] for cell in cells), default=0),
            "total_incidents": int(np.count_nonzero(keep)),
            "bbox": [float(v) for v in bbox],
            "grid_meters": grid_meters,
            "period": Period(from_=period_from, to=period_to),
            "generated_at": now,
        }
    )


def _cells(lats: FloatArray, lngs: FloatArray, bbox: BBox, grid_meters: int) -> list[dict[str, Any]]:
    """The occupied cells as `HeatmapPoint` fields, fullest first (ties: west to east, south to north)."""
    min_lng, min_lat, max_lng, max_lat = bbox
    dlat = grid_meters / METRES_PER_DEGREE
    dlng = dlat / max(math.cos(math.radians((min_lat + max_lat) / 2)), 1e-6)
    across = np.floor((lngs - min_lng) / dlng).astype(np.int64)
    up = np.floor((lats - min_lat) / dlat).astype(np.int64)
    keys, counts = np.unique(
        across * _SPAN + up, return_counts=True
    )  # sorted west to east, then south to north
    order = np.argsort(-counts, kind="stable")
    keys, counts = keys[order], counts[order]
    centre_lngs = np.round(np.minimum(max_lng, min_lng + (keys // _SPAN + 0.5) * dlng), 6).tolist()
    centre_lats = np.round(np.minimum(max_lat, min_lat + (keys % _SPAN + 0.5) * dlat), 6).tolist()
    weights = np.round(counts / max(int(counts.max()) if len(counts) else 1, 1), 3).tolist()
    return [
        {"coordinates": (x, y), "weight": w, "count": n}
        for x, y, w, n in zip(centre_lngs, centre_lats, weights, counts.tolist(), strict=True)
    ]


def _matching(codes: IntArray, labels: tuple[str, ...], wanted: set[str] | None) -> BoolArray:
    """Mask of the rows whose coded value is in `wanted` (every row when `wanted` is None)."""
    if wanted is None:
        return np.ones(len(codes), dtype=np.bool_)
    result: BoolArray = np.isin(codes, [i for i, name in enumerate(labels) if name in wanted])
    return result


def _check(bbox: BBox, grid_meters: int, period_from: datetime, period_to: datetime) -> None:
    min_lng, min_lat, max_lng, max_lat = bbox
    if not (-180 <= min_lng < max_lng <= 180 and -90 <= min_lat < max_lat <= 90):
        raise ValueError("bbox must be min_lng,min_lat,max_lng,max_lat with each minimum below its maximum")
    if grid_meters <= 0:
        raise ValueError("grid_meters must be a positive number of metres")
    if period_from > period_to:
        raise ValueError("the period must not start after it ends")
