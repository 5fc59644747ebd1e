"""Names of the areas the incidents fall in, drawn where the map has no street tiles.

Areas come from `resources/map/places.json` (name, centre, radius; built for Lagos by
`tools/build_places.py`). An incident outside every listed area is named by the locality in its
address ("12 Bode Thomas Street, Surulere, Lagos" → Surulere), labelled where those incidents are.
The index is updated per incident, so a diff costs only its own incidents.
"""

from __future__ import annotations

import json
import logging
import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sety_console.assets import asset_path

log = logging.getLogger(__name__)

METRES_PER_DEGREE = 111_320.0
REACH = 1.6
"""An incident belongs to the nearest area within this many of its radii."""
MIN_REACH_M = 1200.0
CELL_CACHE = 50_000


@dataclass(frozen=True, slots=True)
class Area:
    name: str
    lat: float
    lng: float
    radius_m: float


@lru_cache(maxsize=4)
def load_areas(path: Path | None = None) -> tuple[Area, ...]:
    """The bundled areas (read once); none, logged, when the file is missing or malformed."""
    path = path or asset_path("map", "places.json")
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return tuple(
            Area(str(r["name"]), float(r["lat"]), float(r["lng"]), float(r["radius_m"])) for r in rows
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("Area names unavailable (%s): the offline map shows no names", exc)
        return ()


def locality(address: str | None) -> str | None:
    """The district in an address written 'number street, district, city' (None if there is none)."""
    if not address:
        return None
    parts = [p.strip() for p in address.split(",") if p.strip()]
    if len(parts) < 3:
        return None
    candidate = parts[-2]
    return None if any(ch.isdigit() for ch in candidate) or len(candidate) > 40 else candidate


class AreaIndex:
    """Which area each shown incident is in, and the labels that follow from it."""

    def __init__(self, areas: tuple[Area, ...]) -> None:
        self._areas = areas
        self._by_name = {a.name: a for a in areas}
        self._of: dict[str, tuple[str, float, float]] = {}
        self._counts: Counter[str] = Counter()
        self._sums: dict[str, list[float]] = {}
        self._cells: dict[tuple[float, float], Area | None] = {}

    def nearest(self, lat: float, lng: float) -> Area | None:
        """The area whose reach holds the point (to within ~100 m: looked up per 0.001° cell)."""
        cell = (round(lat, 3), round(lng, 3))
        if cell not in self._cells:
            if len(self._cells) > CELL_CACHE:
                self._cells.clear()
            self._cells[cell] = self._nearest(*cell)
        return self._cells[cell]

    def _nearest(self, lat: float, lng: float) -> Area | None:
        best, best_d = None, math.inf
        scale = math.cos(math.radians(lat))
        for area in self._areas:
            d = math.hypot(lat - area.lat, (lng - area.lng) * scale) * METRES_PER_DEGREE
            if d < best_d and d <= max(area.radius_m * REACH, MIN_REACH_M):
                best, best_d = area, d
        return best

    def update(self, incident_id: str, lat: float, lng: float, address: str | None) -> None:
        area = self.nearest(lat, lng)
        name = area.name if area else locality(address)
        self.remove(incident_id)
        if name is None:
            return
        self._of[incident_id] = (name, lat, lng)
        self._counts[name] += 1
        sums = self._sums.setdefault(name, [0.0, 0.0])
        sums[0] += lat
        sums[1] += lng

    def remove(self, incident_id: str) -> None:
        old = self._of.pop(incident_id, None)
        if old is None:
            return
        name, lat, lng = old
        self._counts[name] -= 1
        self._sums[name][0] -= lat
        self._sums[name][1] -= lng
        if self._counts[name] <= 0:
            del self._counts[name]
            del self._sums[name]

    def clear(self) -> None:
        self._of.clear()
        self._counts.clear()
        self._sums.clear()

    def rows(self) -> list[list[object]]:
        """[[name, lat, lng]…]: a listed area at its centre, another where its incidents are (to ~100 m,
        so that incidents moving about do not move the label on every diff)."""
        rows: list[list[object]] = []
        for name in sorted(self._counts):
            area = self._by_name.get(name)
            if area is not None:
                rows.append([name, area.lat, area.lng])
            else:
                count = self._counts[name]
                lat, lng = self._sums[name]
                rows.append([name, round(lat / count, 3), round(lng / count, 3)])
        return rows
