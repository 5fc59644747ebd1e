"""A fixed square grid over the ground, and density clusters found on it.

The grid is anchored at 0° N 0° E and its cells are square at the service area's latitude, so a
cell's key never depends on the data: the same incidents always fall in the same cells, and
clusters (and the ids derived from them) stay put when the history grows.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable

import numpy as np

from ..geodata import SERVICE_AREA
from .geo import METRES_PER_DEGREE
from .records import FloatArray, IntArray

Cell = tuple[int, int]
"""(row, column): row counts latitude steps, column longitude steps."""

REFERENCE_LAT = (SERVICE_AREA[1] + SERVICE_AREA[3]) / 2
_SPAN = 1 << 26
_OFFSET = 1 << 25
"""Cells of 1 m or more over the whole globe fit: keys stay far below 2⁶³."""
_NEIGHBOURS = [(di, dj) for di in (-1, 0, 1) for dj in (-1, 0, 1)]


class Grid:
    """Square cells of `cell_m` metres."""

    def __init__(self, cell_m: float) -> None:
        if cell_m <= 0:
            raise ValueError("a grid cell must be larger than 0 metres")
        self.cell_m = cell_m
        self.dlat = cell_m / METRES_PER_DEGREE
        self.dlng = self.dlat / math.cos(math.radians(REFERENCE_LAT))

    def cell_of(self, lat: float, lng: float) -> Cell:
        """The cell holding a point."""
        return (math.floor(lat / self.dlat), math.floor(lng / self.dlng))

    def centre(self, cell: Cell) -> tuple[float, float]:
        """`(lat, lng)` of a cell's centre."""
        return ((cell[0] + 0.5) * self.dlat, (cell[1] + 0.5) * self.dlng)

    def keys(self, lats: FloatArray, lngs: FloatArray) -> IntArray:
        """One int64 per point naming its cell (rows and columns packed; see `unpack`)."""
        rows = np.floor(lats / self.dlat).astype(np.int64) + _OFFSET
        cols = np.floor(lngs / self.dlng).astype(np.int64) + _OFFSET
        result: IntArray = rows * _SPAN + cols
        return result

    def group(self, lats: FloatArray, lngs: FloatArray) -> dict[Cell, IntArray]:
        """Row indexes of the points (ascending), by cell."""
        if len(lats) == 0:
            return {}
        unique, inverse, counts = np.unique(self.keys(lats, lngs), return_inverse=True, return_counts=True)
        order = np.argsort(inverse, kind="stable")
        parts = np.split(order, np.cumsum(counts)[:-1])
        return {unpack(int(key)): part for key, part in zip(unique.tolist(), parts, strict=True)}


def pack(cell: Cell) -> int:
    """The key `Grid.keys` gives the points of `cell` (keys sort like cells)."""
    return (cell[0] + _OFFSET) * _SPAN + cell[1] + _OFFSET


def unpack(key: int) -> Cell:
    """The cell named by a key of `Grid.keys`."""
    rows, cols = divmod(key, _SPAN)
    return (rows - _OFFSET, cols - _OFFSET)


def block_sums(counts: dict[Cell, int]) -> dict[Cell, int]:
    """For each occupied cell, the count of its 3 × 3 block (itself and its 8 neighbours)."""
    return {(i, j): sum(counts.get((i + di, j + dj), 0) for di, dj in _NEIGHBOURS) for (i, j) in counts}


def components(cells: Iterable[Cell]) -> list[list[Cell]]:
    """Groups of cells touching each other (sides or corners), each sorted, in sorted order."""
    remaining = set(cells)
    groups: list[list[Cell]] = []
    for seed in sorted(remaining):
        if seed not in remaining:
            continue
        remaining.discard(seed)
        queue, group = deque([seed]), [seed]
        while queue:
            i, j = queue.popleft()
            for di, dj in _NEIGHBOURS:
                neighbour = (i + di, j + dj)
                if neighbour in remaining:
                    remaining.discard(neighbour)
                    group.append(neighbour)
                    queue.append(neighbour)
        groups.append(sorted(group))
    return groups


def dense_clusters(
    grid: Grid, lats: FloatArray, lngs: FloatArray, *, threshold: float, min_size: int
) -> list[tuple[Cell, IntArray]]:
    """Clusters of points where incidents are dense, as `(peak cell, row indexes)`.

    A cell is dense when its 3 × 3 block holds at least `threshold` points; touching dense cells form
    one cluster, kept when it holds at least `min_size` points. The peak cell is the cluster's fullest
    (ties: smallest key).
    """
    members = grid.group(lats, lngs)
    counts = {cell: len(rows) for cell, rows in members.items()}
    dense = [cell for cell, total in block_sums(counts).items() if total >= threshold]
    clusters: list[tuple[Cell, IntArray]] = []
    for group in components(dense):
        rows = np.sort(np.concatenate([members[cell] for cell in group]))
        if len(rows) >= min_size:
            peak = min(group, key=lambda cell: (-counts[cell], cell))
            clusters.append((peak, rows))
    return clusters
