"""What the map shows, kept in Python, and the diff since the last push to the page.

The page is a pure view of this state: pushes carry only what changed (`take_batch`), and a page
that (re)loads gets everything at once (`full_batch`). No Qt here, so it is cheap to test.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from sety_console.api.models import Incident

from .areas import AreaIndex, load_areas
from .payload import IncidentRow, incident_row, on_earth

LAYERS = ("incidents", "responders", "zones", "heatmap", "safe_zones", "route")
"""Names accepted by `set_layer`, in the order the layer panel lists them."""

log = logging.getLogger(__name__)

SECTIONS = ("basemap", "tileNet", "areas", "zones", "heat", "safe", "routePoints", "route", "probe")
"""Whole-value sections of a batch; each replaces the page's previous value."""


class MapState:
    """The map's content and its pending changes; batches are plain JSON-ready dicts."""

    def __init__(self) -> None:
        self._incidents: dict[str, IncidentRow] = {}
        self._acknowledged: set[str] = set()
        self._upserted: set[str] = set()
        self._removed: set[str] = set()
        self._sections: dict[str, Any] = {}
        self._dirty_sections: set[str] = set()
        self._layers: dict[str, bool] = dict.fromkeys(LAYERS, True)
        self._layers_dirty = False
        self._selected: str | None = None
        self._selection: dict[str, Any] | None = None
        self._view: dict[str, Any] | None = None
        self._area_index = AreaIndex(load_areas())

    # -- incidents -------------------------------------------------------------------------

    @property
    def incident_ids(self) -> frozenset[str]:
        return frozenset(self._incidents)

    @property
    def selected(self) -> str | None:
        return self._selected

    def remember_selection(self, incident_id: str | None) -> None:
        """The page already selected `incident_id` itself (a click): record it, push nothing."""
        self._selected = incident_id

    def apply_incidents(self, changed: Iterable[Incident], removed: Iterable[str] = ()) -> int:
        """Add, move or restyle `changed` and drop `removed`; returns how many markers change."""
        count = 0
        removed = list(removed)
        for incident in changed:
            key = incident.incident_id
            if not on_earth(incident.location.lat, incident.location.lng):
                log.warning(
                    "Incident %s has an impossible location %s; not drawn", key, incident.location.coordinates
                )
                removed.append(key)
                continue
            row = incident_row(incident)
            old = self._incidents.get(key)
            if old != row:
                self._incidents[key] = row
                self._upserted.add(key)
                self._removed.discard(key)
                count += 1
                if old is None or old[1:3] != row[1:3]:
                    self._area_index.update(key, row[1], row[2], incident.location.address)
        for key in removed:
            if self._incidents.pop(key, None) is not None:
                self._upserted.discard(key)
                self._removed.add(key)
                self._area_index.remove(key)
                count += 1
        if count:
            self.set_section("areas", self._area_index.rows())
        return count

    def replace_incidents(self, incidents: Iterable[Incident]) -> int:
        """Make `incidents` the whole incident layer (first load, resync)."""
        fresh = {i.incident_id: i for i in incidents}
        gone = [key for key in self._incidents if key not in fresh]
        return self.apply_incidents(fresh.values(), gone)

    def set_acknowledged(self, ids: Iterable[str]) -> None:
        """The complete set of acknowledged incidents: the others, if critical and open, pulse."""
        wanted = set(ids)
        for key in wanted ^ self._acknowledged:
            if key in self._incidents:
                self._upserted.add(key)
        self._acknowledged = wanted

    def acknowledge(self, incident_id: str) -> None:
        self.set_acknowledged(self._acknowledged | {incident_id})

    def _pulses(self, key: str, row: IncidentRow) -> bool:
        return row[3] == "critical" and bool(row[5]) and key not in self._acknowledged

    def _out_row(self, key: str) -> list[Any]:
        row = self._incidents[key]
        return [*row, 1 if self._pulses(key, row) else 0]

    def pulsing_ids(self) -> set[str]:
        return {key for key, row in self._incidents.items() if self._pulses(key, row)}

    # -- everything else -------------------------------------------------------------------

    def set_section(self, name: str, value: Any) -> bool:
        """Replace a whole section (zones, heat, route, …); False when nothing changed."""
        if name not in SECTIONS:
            raise ValueError(f"unknown map section {name!r}")
        if name in self._sections and self._sections[name] == value:
            return False
        self._sections[name] = value
        self._dirty_sections.add(name)
        return True

    def section(self, name: str) -> Any:
        return self._sections.get(name)

    def set_layer(self, name: str, visible: bool) -> None:
        if name not in self._layers:
            raise ValueError(f"unknown map layer {name!r}; known layers: {', '.join(LAYERS)}")
        if self._layers[name] != visible:
            self._layers[name] = visible
            self._layers_dirty = True

    def layer_visible(self, name: str) -> bool:
        return self._layers[name]

    def select(self, incident_id: str | None, pan: bool) -> None:
        self._selected = incident_id
        self._selection = {"id": incident_id, "pan": pan}

    def set_view(self, view: dict[str, Any]) -> None:
        """A one-shot camera command: `{"center": [lat, lng], "zoom": z}` or `{"fit": "incidents"}`."""
        self._view = view

    # -- batches ---------------------------------------------------------------------------

    @property
    def has_changes(self) -> bool:
        return bool(
            self._upserted
            or self._removed
            or self._dirty_sections
            or self._layers_dirty
            or self._selection is not None
            or self._view is not None
        )

    def take_batch(self, seq: int) -> dict[str, Any] | None:
        """The changes since the last batch (then forgotten), or None when there are none."""
        if not self.has_changes:
            return None
        batch: dict[str, Any] = {"seq": seq}
        if self._upserted or self._removed:
            batch["inc"] = {
                "upsert": [self._out_row(key) for key in self._upserted],
                "remove": sorted(self._removed),
            }
        for name in SECTIONS:
            if name in self._dirty_sections:
                batch[name] = self._sections[name]
        if self._layers_dirty:
            batch["layers"] = dict(self._layers)
        if self._selection is not None:
            batch["select"] = self._selection
        if self._view is not None:
            batch["view"] = self._view
        self._forget_changes()
        return batch

    def full_batch(self, seq: int) -> dict[str, Any]:
        """Everything, for a page that just loaded (its previous content, if any, is reset)."""
        batch: dict[str, Any] = {
            "seq": seq,
            "inc": {"reset": True, "upsert": [self._out_row(key) for key in self._incidents], "remove": []},
            "layers": dict(self._layers),
            "select": {"id": self._selected, "pan": False},
        }
        batch.update(self._sections)
        if self._view is not None:
            batch["view"] = self._view
        self._forget_changes()
        return batch

    def _forget_changes(self) -> None:
        self._upserted.clear()
        self._removed.clear()
        self._dirty_sections.clear()
        self._layers_dirty = False
        self._selection = None
        self._view = None
