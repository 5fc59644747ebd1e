"""Web-Mercator tile arithmetic (the XYZ scheme Leaflet and every tile server use)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import NamedTuple

MAX_LAT = 85.0511287798
BBox = tuple[float, float, float, float]
"""(min_lng, min_lat, max_lng, max_lat), the order of `Settings.service_area`."""


class TileKey(NamedTuple):
    """One XYZ tile: zoom, column (x, from the west) and row (y, from the north)."""

    z: int
    x: int
    y: int

    @property
    def tms_row(self) -> int:
        """The row as MBTiles stores it (TMS: counted from the south)."""
        return (1 << self.z) - 1 - self.y

    def is_valid(self) -> bool:
        return 0 <= self.z <= 30 and 0 <= self.x < (1 << self.z) and 0 <= self.y < (1 << self.z)


def tile_at(lng: float, lat: float, z: int) -> tuple[int, int]:
    """The (x, y) of the tile holding a point at zoom `z`."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    n = 1 << z
    x = int((lng + 180.0) / 360.0 * n)
    rad = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(rad)) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def tile_range(bbox: BBox, z: int) -> tuple[int, int, int, int]:
    """(x_min, y_min, x_max, y_max), inclusive, of the tiles covering `bbox` at zoom `z`."""
    min_lng, min_lat, max_lng, max_lat = bbox
    x0, y0 = tile_at(min_lng, max_lat, z)
    x1, y1 = tile_at(max_lng, min_lat, z)
    return x0, y0, x1, y1


def count_tiles(bbox: BBox, zooms: range) -> int:
    """How many tiles cover `bbox` over `zooms`."""
    total = 0
    for z in zooms:
        x0, y0, x1, y1 = tile_range(bbox, z)
        total += (x1 - x0 + 1) * (y1 - y0 + 1)
    return total


def tiles_in(bbox: BBox, zooms: range) -> Iterator[TileKey]:
    """Every tile covering `bbox` over `zooms`, zoom by zoom, row by row."""
    for z in zooms:
        x0, y0, x1, y1 = tile_range(bbox, z)
        for y in range(y0, y1 + 1):
            for x in range(x0, x1 + 1):
                yield TileKey(z, x, y)
