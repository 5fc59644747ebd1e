"""Saved places (name, lat, lng) kept per workstation in QSettings, typed points, and their list widget."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

__all__ = ["PlaceError", "PlacesList", "PlacesStore", "SavedPlace", "parse_lat_lng"]

from sety_console.config import SettingsList

log = logging.getLogger(__name__)
_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_POINT = re.compile(rf"^\s*({_NUMBER})\s*[,;\s]\s*({_NUMBER})\s*$")
EXAMPLE = "6.4550, 3.3841"


class PlaceError(ValueError):
    """A typed point or place name that cannot be used; the message says how to fix it."""


@dataclass(frozen=True, slots=True)
class SavedPlace:
    """A named point a supervisor comes back to."""

    name: str
    lat: float
    lng: float

    @property
    def coordinates_text(self) -> str:
        return f"{self.lat:.4f}, {self.lng:.4f}"


def check_point(lat: float, lng: float) -> None:
    """Raise `PlaceError` in words when the point is off the globe."""
    if not -90 <= lat <= 90:
        hint = " Did you type the longitude first?" if -180 <= lng <= 180 and -90 <= lng <= 90 else ""
        raise PlaceError(f"Latitude must be between -90 and 90; {lat:g} is not.{hint}")
    if not -180 <= lng <= 180:
        raise PlaceError(f"Longitude must be between -180 and 180; {lng:g} is not.")


def parse_lat_lng(text: str) -> tuple[float, float]:
    """`"6.4550, 3.3841"` (comma, semicolon or space between) → `(lat, lng)`; `PlaceError` otherwise."""
    match = _POINT.match(text)
    if match is None:
        raise PlaceError(f"Type the point as latitude, longitude — for example {EXAMPLE}.")
    lat, lng = float(match.group(1)), float(match.group(2))
    check_point(lat, lng)
    return lat, lng


class PlacesStore:
    """The workstation's saved places (settings.json), in the order they were added."""

    def __init__(self, slot: SettingsList) -> None:
        self._slot = slot

    def load(self) -> list[SavedPlace]:
        places: list[SavedPlace] = []
        for item in self._slot.load():
            try:
                place = SavedPlace(str(item["name"]), float(item["lat"]), float(item["lng"]))
                check_point(place.lat, place.lng)
            except (KeyError, TypeError, ValueError) as exc:
                log.warning("Skipping a saved place that cannot be read (%s): %r", exc, item)
                continue
            places.append(place)
        return places

    def save(self, places: list[SavedPlace]) -> None:
        self._slot.store([asdict(p) for p in places])

    def add(self, place: SavedPlace) -> list[SavedPlace]:
        """Add `place` (a place with the same name is replaced); returns the new list."""
        name = place.name.strip()
        if not name:
            raise PlaceError("Give the place a name.")
        check_point(place.lat, place.lng)
        places = [p for p in self.load() if p.name.casefold() != name.casefold()]
        places.append(SavedPlace(name, place.lat, place.lng))
        self.save(places)
        return places

    def remove(self, name: str) -> list[SavedPlace]:
        places = [p for p in self.load() if p.name != name]
        self.save(places)
        return places


def _ask_name(parent: QWidget, suggestion: str) -> str | None:
    name, ok = QInputDialog.getText(parent, "Save place", "Name of this place:", text=suggestion)
    return name if ok else None


class PlacesList(QWidget):
    """The saved places; activating one emits `place_activated`, and `add_point` saves a new one."""

    place_activated = Signal(object)
    """A `SavedPlace` was clicked or chosen with Enter."""
    places_changed = Signal()

    def __init__(
        self,
        store: PlacesStore,
        parent: QWidget | None = None,
        *,
        ask_name: Callable[[QWidget, str], str | None] = _ask_name,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._ask_name = ask_name
        self.list = QListWidget()
        self.list.setAlternatingRowColors(True)
        self.list.setSpacing(3)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        self.empty_hint = QLabel("No saved places yet. Analyse a point, then press “Save this point…”.")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setProperty("role", "muted")
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self._remove_selected)
        title = QLabel("Saved places")
        title.setStyleSheet("font-weight: 700; font-size: 11pt;")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty_hint)
        layout.addLayout(buttons)
        self.reload()

    def places(self) -> list[SavedPlace]:
        return self._store.load()

    def reload(self) -> None:
        self.list.clear()
        places = self._store.load()
        for place in places:
            item = QListWidgetItem(f"{place.name}\n{place.coordinates_text}")
            item.setData(Qt.ItemDataRole.UserRole, place)
            item.setToolTip(f"{place.name}: lat {place.lat:.5f}, lng {place.lng:.5f}")
            self.list.addItem(item)
        self.empty_hint.setVisible(not places)
        self.remove_button.setEnabled(bool(places))
        self.places_changed.emit()

    def add_point(self, lat: float, lng: float, suggestion: str = "") -> SavedPlace | None:
        """Ask for a name and save the point; None when the supervisor cancelled."""
        name = self._ask_name(self, suggestion or f"Point {lat:.4f}, {lng:.4f}")
        if name is None or not name.strip():
            return None
        place = SavedPlace(name.strip(), lat, lng)
        self._store.add(place)
        self.reload()
        return place

    def _activated(self, item: QListWidgetItem) -> None:
        place = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(place, SavedPlace):
            self.place_activated.emit(place)

    def _remove_selected(self) -> None:
        item = self.list.currentItem()
        place = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if isinstance(place, SavedPlace):
            self._store.remove(place.name)
            self.reload()
