"""Sums over the points within a radius of many places at once, exact and fast at any radius.

The distance test is a flat-earth one in metres (`within`), the same as `geo.distances_m`; the
points are bucketed in square cells so that only the cells a circle cuts are tested point by point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .geo import METRES_PER_DEGREE
from .grid import REFERENCE_LAT
from .records import Columns, FloatArray, IntArray

__all__ = ["cos_lat", "sum_within", "within"]

_SPAN = 1 << 24
_OFFSET = 1 << 23
"""Cell keys: (row + offset) × span + column + offset (cells of 100 m or more over the globe fit)."""


def cos_lat(lats: FloatArray) -> FloatArray:
    """cos(latitude) per place, computed as `geo.distances_m` does (so both agree to the last bit)."""
    return np.array([math.cos(math.radians(lat)) for lat in lats.tolist()], dtype=np.float64)


def within(
    lats: FloatArray,
    lngs: FloatArray,
    k: FloatArray,
    point_lats: FloatArray,
    point_lngs: FloatArray,
    radius_m: float,
) -> np.ndarray:
    """Places × points: True where the point lies within `radius_m` of the place (flat-earth metres)."""
    dx = (point_lngs[None, :] - lngs[:, None]) * (METRES_PER_DEGREE * k)[:, None]
    dy = (point_lats[None, :] - lats[:, None]) * METRES_PER_DEGREE
    result: np.ndarray = dx * dx + dy * dy <= radius_m * radius_m
    return result


def _expand(starts: IntArray, sizes: IntArray) -> IntArray:
    """The positions `starts[i] … starts[i] + sizes[i] - 1`, one run after the other."""
    total = int(sizes.sum())
    offsets = np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    result: IntArray = np.repeat(starts, sizes) + offsets
    return result


@dataclass(frozen=True, slots=True)
class _Cells:
    """Points bucketed in square cells: cell keys (sorted), their bounds, and the points of each."""

    keys: IntArray
    order: IntArray
    starts: IntArray
    sizes: IntArray
    sums: FloatArray
    bounds: tuple[FloatArray, FloatArray, FloatArray, FloatArray]
    """South, north, west, east edge of each cell (degrees, widened by a hair)."""
    step_lat: float
    step_lng: float


def _cells(cols: Columns, channels: FloatArray, cell_m: float) -> _Cells:
    step_lat = cell_m / METRES_PER_DEGREE
    step_lng = step_lat / math.cos(math.radians(REFERENCE_LAT))
    rows = np.floor(cols.lat / step_lat).astype(np.int64)
    columns_ = np.floor(cols.lng / step_lng).astype(np.int64)
    keys, inverse = np.unique((rows + _OFFSET) * _SPAN + columns_ + _OFFSET, return_inverse=True)
    sizes = np.bincount(inverse, minlength=len(keys))
    sums = np.column_stack(
        [np.bincount(inverse, weights=channels[:, c], minlength=len(keys)) for c in range(channels.shape[1])]
    ).astype(np.float64)
    cell_rows, cell_cols = keys // _SPAN - _OFFSET, keys % _SPAN - _OFFSET
    hair = 1e-9  # a point that rounding puts a hair outside its cell is still inside its box
    bounds = (
        cell_rows * step_lat - hair,
        (cell_rows + 1) * step_lat + hair,
        cell_cols * step_lng - hair,
        (cell_cols + 1) * step_lng + hair,
    )
    order = np.argsort(inverse, kind="stable")
    return _Cells(
        keys=keys,
        order=order,
        starts=np.cumsum(sizes) - sizes,
        sizes=sizes,
        sums=sums,
        bounds=bounds,
        step_lat=step_lat,
        step_lng=step_lng,
    )


def _candidates(cells: _Cells, lats: FloatArray, lngs: FloatArray, reach: int) -> tuple[IntArray, IntArray]:
    """(place, cell) pairs of the occupied cells up to `reach` cells from each place, place by place."""
    rows = np.floor(lats / cells.step_lat).astype(np.int64) + _OFFSET
    columns_ = np.floor(lngs / cells.step_lng).astype(np.int64) + _OFFSET
    starts, ends = [], []
    for step in range(-reach, reach + 1):
        row = (rows + step) * _SPAN
        starts.append(np.searchsorted(cells.keys, row + columns_ - reach, side="left"))
        ends.append(np.searchsorted(cells.keys, row + columns_ + reach, side="right"))
    start, end = np.concatenate(starts), np.concatenate(ends)
    owner = np.tile(np.arange(len(lats)), 2 * reach + 1)
    sizes = np.maximum(end - start, 0)
    place, cell = np.repeat(owner, sizes), _expand(start, sizes)
    by_place = np.lexsort((cell, place))
    return place[by_place], cell[by_place]


def sum_within(
    lats: FloatArray, lngs: FloatArray, cols: Columns, channels: FloatArray, radius_m: float
) -> FloatArray:
    """Places × channels: the sum of each channel over the points within `radius_m` of each place.

    The points are bucketed in square cells (a quarter of the radius, 100 m to 1 km, on a grid fixed
    to the service area): a cell whose far corner is within the radius is added whole, a cell whose
    near edge is beyond it is skipped, and only the points of the cells the circle cuts are tested
    one by one (`within`'s test). Sums run place by place in a fixed order, so one place alone gets
    exactly the figures it gets among all the city's places.
    """
    totals = np.zeros((len(lats), channels.shape[1]))
    if not len(lats) or not len(cols):
        return totals
    finite = math.isfinite(radius_m)
    cell_m = min(max(radius_m / 4.0, 100.0), 1000.0) if finite else 1e7
    cells = _cells(cols, channels, cell_m)
    if finite:
        place, cell = _candidates(cells, lats, lngs, math.ceil(radius_m / cell_m) + 1)
    else:
        place, cell = (
            np.repeat(np.arange(len(lats)), len(cells.keys)),
            np.tile(np.arange(len(cells.keys)), len(lats)),
        )
    south, north, west, east = (edge[cell] for edge in cells.bounds)
    lat, lng = lats[place], lngs[place]
    scale = (METRES_PER_DEGREE * cos_lat(lats))[place]
    near_x = np.maximum(np.maximum(west - lng, lng - east), 0.0) * scale
    near_y = np.maximum(np.maximum(south - lat, lat - north), 0.0) * METRES_PER_DEGREE
    far_x = np.maximum(np.abs(west - lng), np.abs(east - lng)) * scale
    far_y = np.maximum(np.abs(south - lat), np.abs(north - lat)) * METRES_PER_DEGREE
    limit = radius_m * radius_m
    whole = far_x * far_x + far_y * far_y <= limit
    cut = (near_x * near_x + near_y * near_y <= limit) & ~whole
    for c in range(channels.shape[1]):
        totals[:, c] += np.bincount(place[whole], weights=cells.sums[cell[whole], c], minlength=len(lats))
    owner = np.repeat(place[cut], cells.sizes[cell[cut]])
    point = cells.order[_expand(cells.starts[cell[cut]], cells.sizes[cell[cut]])]
    dx = (cols.lng[point] - lngs[owner]) * (METRES_PER_DEGREE * cos_lat(lats))[owner]
    dy = (cols.lat[point] - lats[owner]) * METRES_PER_DEGREE
    keep = dx * dx + dy * dy <= limit
    for c in range(channels.shape[1]):
        totals[:, c] += np.bincount(owner[keep], weights=channels[point[keep], c], minlength=len(lats))
    return totals
