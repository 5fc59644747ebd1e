"""MapWorkspace: the map with its layer, area-check and route panels, wired to each other.

The shell connects the workspace's signals to the core (fetch a heatmap, a safety score, a route)
and hands the answers back through the `show_*` / `set_*` methods. Incidents, zones, selection and
acknowledgements go straight to `map_view`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QTabWidget, QVBoxLayout, QWidget

from sety_console.api.models import DangerAnalytics, HeatmapResponse, RouteSafety, SafetyScore
from sety_console.core.map_text import LatLng
from sety_console.tiles.library import TileLibrary
from sety_console.tiles.tilemath import BBox

from .area_panel import AreaPanel
from .layers_panel import LayersPanel
from .offline_dialog import OfflineDialog
from .offline_panel import OfflinePanel
from .page import DEFAULT_SERVICE_AREA, BasemapConfig
from .route_panel import RoutePanel
from .view import MapView

SIDE_WIDTH = 380


class MapWorkspace(QWidget):
    """Map + side panels. Signals are what the shell acts on; all carry (lat, lng) as floats."""

    incident_clicked = Signal(str)
    """A marker was clicked: select this incident in the queue."""
    map_clicked = Signal(float, float)
    area_requested = Signal(float, float)
    """Fetch the safety score and danger analytics here, then call `show_area` (or `show_area_error`)."""
    new_incident_requested = Signal(float, float)
    """Open the create dialog with these coordinates."""
    route_requested = Signal(object, object, object)
    """(origin, destination, [waypoints]) as (lat, lng) tuples: fetch route safety, then `show_route`."""
    heatmap_requested = Signal(int, list, list)
    """(window days, categories, severities): fetch the heatmap, then `set_heatmap`."""
    page_ready = Signal()
    """The map page is up: a good moment to fetch the heatmap of `layers_panel.heatmap_query()`."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        basemap: BasemapConfig | None = None,
        page_dir: Path | None = None,
        tiles: TileLibrary | None = None,
        service_area: BBox = DEFAULT_SERVICE_AREA,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("MapWorkspace")
        self.tiles = tiles
        self.service_area = service_area
        self.offline_server = ("", "")
        self.map_view = MapView(basemap=basemap, page_dir=page_dir, tiles=tiles, service_area=service_area)
        self.layers_panel = LayersPanel()
        self.offline_panel = OfflinePanel(available=tiles is not None)
        self.offline_dialog: OfflineDialog | None = None
        self.area_panel = AreaPanel()
        self.route_panel = RoutePanel()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.area_panel, "Area check")
        self.tabs.addTab(self.route_panel, "Route safety")
        self.tabs.addTab(self.offline_panel, "Offline streets")
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.layers_panel)
        side_layout.addWidget(self.tabs, 1)
        side.setMinimumWidth(300)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.map_view)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setSizes([1200, SIDE_WIDTH])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._wire()

    def _wire(self) -> None:
        view, route = self.map_view, self.route_panel
        self.layers_panel.layer_toggled.connect(view.set_layer_visible)
        self.layers_panel.heatmap_requested.connect(self.heatmap_requested)
        view.map_clicked.connect(self._on_map_clicked)
        view.area_check_requested.connect(self.request_area)
        view.incident_clicked.connect(self.incident_clicked)
        view.new_incident_requested.connect(self.new_incident_requested)
        view.page_ready.connect(self.page_ready)
        route.points_changed.connect(view.set_route_points)
        route.route_requested.connect(self._on_route_requested)
        route.pick_changed.connect(self._on_pick_changed)
        view.tile_server_changed.connect(self.offline_panel.show_network)
        self.offline_panel.prepare_requested.connect(self.open_offline_dialog)

    def set_offline_server(self, url: str, attribution: str = "") -> None:
        """The tile server (allowing bulk downloads) that 'Prepare for offline use' downloads from."""
        self.offline_server = (url, attribution)

    def open_offline_dialog(self) -> OfflineDialog | None:
        """Show 'Prepare this area for offline use' (one at a time); None without a tile library."""
        if self.tiles is None:
            return None
        if self.offline_dialog is None or not self.offline_dialog.isVisible():
            url, attribution = self.offline_server
            self.offline_dialog = OfflineDialog(
                self.tiles, url, self.service_area, attribution=attribution, parent=self
            )
            self.offline_dialog.finished_with.connect(lambda _result: self.map_view.reopen_tiles())
        self.offline_dialog.show()
        self.offline_dialog.raise_()
        return self.offline_dialog

    def _on_pick_changed(self, role: str) -> None:
        if role:
            self.tabs.setCurrentWidget(self.route_panel)

    def _on_map_clicked(self, lat: float, lng: float) -> None:
        self.map_clicked.emit(lat, lng)
        if not self.route_panel.accept_pick(lat, lng):
            self.request_area(lat, lng)

    def request_area(self, lat: float, lng: float) -> None:
        """Mark the point, show the panel loading, and ask the shell for the area's figures."""
        self.map_view.set_probe((lat, lng))
        self.area_panel.show_loading((lat, lng))
        self.tabs.setCurrentWidget(self.area_panel)
        self.area_requested.emit(lat, lng)

    def _on_route_requested(self, origin: LatLng, destination: LatLng, waypoints: Sequence[LatLng]) -> None:
        self.route_panel.show_loading()
        self.route_requested.emit(origin, destination, list(waypoints))

    # -- answers from the shell ----------------------------------------------------------------

    def show_area(self, score: SafetyScore, analytics: DangerAnalytics | None = None) -> None:
        """The safety score (and analytics) of the last `area_requested` point; safe zones go on the map."""
        self.area_panel.show_area(score, analytics)
        self.map_view.set_safe_zones(analytics.safe_zones.zones if analytics else [])
        self.tabs.setCurrentWidget(self.area_panel)

    def show_area_error(self, message: str) -> None:
        self.area_panel.show_error(message)

    def show_route(self, route: RouteSafety | None) -> None:
        """Draw the route on the map and its verdict in the route panel (None: clear both)."""
        self.map_view.show_route(route)
        if route is None:
            self.route_panel.clear_result()
        else:
            self.route_panel.show_route(route)
            self.tabs.setCurrentWidget(self.route_panel)

    def show_route_error(self, message: str) -> None:
        self.route_panel.show_error(message)

    def set_heatmap(self, heatmap: HeatmapResponse | None) -> None:
        self.map_view.set_heatmap(heatmap)
        self.layers_panel.set_heatmap_summary(heatmap)

    def show_heatmap_error(self, message: str) -> None:
        self.layers_panel.set_heatmap_summary(None, error=message)

    def set_layer_visible(self, name: str, visible: bool) -> None:
        """Show or hide a layer on the map and in the layer panel."""
        self.map_view.set_layer_visible(name, visible)
        self.layers_panel.set_layer_checked(name, visible)
