"""The object the map page sees as `bridge` through QWebChannel (web/map.js connects to it).

Python → JS: `push(json)` carries one batch. JS → Python: the slots below, re-emitted as
snake_case Qt signals so the rest of the UI never deals with the web channel.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)


class MapBridge(QObject):
    """Registered as `bridge` on the page's web channel."""

    push = Signal(str)
    """A batch for the page, as JSON (see `state.MapState.take_batch`)."""

    page_ready = Signal()
    rendered = Signal(int, float)  # batch seq, milliseconds the page spent applying it
    incident_clicked = Signal(str)
    map_clicked = Signal(float, float)
    new_incident_requested = Signal(float, float)
    area_check_requested = Signal(float, float)
    basemap_status = Signal(bool)

    # The slots keep the camelCase names the page calls them by.
    @Slot()
    def pageReady(self) -> None:
        self.page_ready.emit()

    @Slot(int, float)
    def ack(self, seq: int, ms: float) -> None:
        self.rendered.emit(seq, ms)

    @Slot(str)
    def incidentClicked(self, incident_id: str) -> None:
        self.incident_clicked.emit(incident_id)

    @Slot(float, float)
    def mapClicked(self, lat: float, lng: float) -> None:
        self.map_clicked.emit(lat, lng)

    @Slot(float, float)
    def newIncidentHere(self, lat: float, lng: float) -> None:
        self.new_incident_requested.emit(lat, lng)

    @Slot(float, float)
    def areaCheckHere(self, lat: float, lng: float) -> None:
        self.area_check_requested.emit(lat, lng)

    @Slot(bool)
    def basemapStatus(self, online: bool) -> None:
        log.info("Map basemap %s", "online" if online else "offline (tiles not loading)")
        self.basemap_status.emit(online)
