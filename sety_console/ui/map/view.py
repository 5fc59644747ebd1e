"""MapView: the Leaflet map in a QWebEngineView, fed with diffs through QWebChannel.

Data goes in through plain Python methods; every change is recorded in a `MapState`, and all
changes made within one event-loop turn leave as a single batch. The page loads once; after a
(re)load it receives the whole state, so it never needs to reload on an update.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineSettings
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QVBoxLayout, QWidget

from sety_console.api.models import DangerZone, HeatmapResponse, Incident, RouteSafety, SafeZone
from sety_console.core.map_text import LatLng
from sety_console.tiles.library import TileLibrary
from sety_console.tiles.source import NetworkState
from sety_console.tiles.tilemath import BBox

from .bridge import MapBridge
from .page import DEFAULT_SERVICE_AREA, BasemapConfig, default_page_dir, ensure_page
from .payload import heat_payload, route_payload, route_points_payload, safe_zones_payload, zone_rows
from .state import MapState
from .tile_scheme import TileSchemeHandler, install_tile_handler
from .webpage import MapPage, map_profile

log = logging.getLogger(__name__)

RELOAD_AFTER_CRASH_MS = 1000


class MapView(QWidget):
    """The live map. Signals carry what the operator did; methods say what to show."""

    incident_clicked = Signal(str)
    """A marker was clicked (it is already highlighted on the map)."""
    map_clicked = Signal(float, float)
    """Left click on the map background: (lat, lng)."""
    new_incident_requested = Signal(float, float)
    """Right click → "New incident here": (lat, lng)."""
    area_check_requested = Signal(float, float)
    """Right click → "Check area safety here": (lat, lng)."""
    page_ready = Signal()
    """The page (re)loaded and holds the whole current state."""
    rendered = Signal(int)
    """The page applied and painted batch `seq` (see `flush`)."""
    basemap_status_changed = Signal(bool)
    """True when tiles load, False when the map fell back to the coastline."""
    tile_server_changed = Signal(object)
    """The tile server became reachable or unreachable (a `tiles.source.NetworkState`)."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        basemap: BasemapConfig | None = None,
        page_dir: Path | None = None,
        tiles: TileLibrary | None = None,
        service_area: BBox = DEFAULT_SERVICE_AREA,
    ) -> None:
        """`tiles`: where tiles come from (cache, packs, server); None: the page asks the server itself."""
        super().__init__(parent)
        page_dir = page_dir or default_page_dir()
        self._state = MapState()
        self._seq = 0
        self._rendered_seq = 0
        self._last_apply_ms = 0.0
        self._page_loads = 0
        self._ready = False
        self._basemap_online: bool | None = None
        self._flush_timer = QTimer(self, singleShot=True, interval=0)
        self._flush_timer.timeout.connect(self.flush)

        self._web = QWebEngineView(self)
        self._web.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        profile = map_profile(page_dir / "profile")
        page = MapPage(profile, self._web)
        self._tiles: TileSchemeHandler | None = None
        if tiles is not None:
            self._tiles = install_tile_handler(profile, tiles)
            self._tiles.network_changed.connect(self._on_tile_network)
            # A page from a file may then load tiles from the sety-tiles scheme (it never navigates).
            page.settings().setAttribute(
                QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, True
            )
        self._bridge = MapBridge(self)
        channel = QWebChannel(page)
        channel.registerObject("bridge", self._bridge)
        page.setWebChannel(channel)
        self._web.setPage(page)
        self._connect(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._web)

        page_file = ensure_page(self._page_basemap(basemap or BasemapConfig()), page_dir, service_area)
        self._page_url = QUrl.fromLocalFile(str(page_file))
        self._web.load(self._page_url)

    def _connect(self, page: QWebEnginePage) -> None:
        page.loadStarted.connect(self._on_load_started)
        page.loadFinished.connect(self._on_load_finished)
        page.renderProcessTerminated.connect(self._on_render_process_terminated)
        bridge = self._bridge
        bridge.page_ready.connect(self._on_page_ready)
        bridge.rendered.connect(self._on_rendered)
        bridge.incident_clicked.connect(self._on_incident_clicked)
        bridge.map_clicked.connect(self.map_clicked)
        bridge.new_incident_requested.connect(self.new_incident_requested)
        bridge.area_check_requested.connect(self.area_check_requested)
        bridge.basemap_status.connect(self._on_basemap_status)

    # -- what to show --------------------------------------------------------------------------

    def apply_incidents(self, changed: Iterable[Incident], removed: Iterable[str] = ()) -> None:
        """Add, move or restyle the `changed` incidents and remove the `removed` ids (a diff)."""
        if self._state.apply_incidents(changed, removed):
            self._schedule()

    def set_incidents(self, incidents: Iterable[Incident]) -> None:
        """Make `incidents` the whole incident layer (first load or resync); sent as a diff too."""
        if self._state.replace_incidents(incidents):
            self._schedule()

    def set_acknowledged(self, incident_ids: Iterable[str]) -> None:
        """The complete set of acknowledged incidents; other open critical incidents pulse."""
        self._state.set_acknowledged(incident_ids)
        self._schedule()

    def acknowledge(self, incident_id: str) -> None:
        """Stop one incident pulsing."""
        self._state.acknowledge(incident_id)
        self._schedule()

    def set_zones(self, zones: Sequence[DangerZone]) -> None:
        self._set("zones", zone_rows(zones))

    def set_heatmap(self, heatmap: HeatmapResponse | None) -> None:
        self._set("heat", heat_payload(heatmap))

    def set_safe_zones(self, zones: Sequence[SafeZone]) -> None:
        """Police, hospitals, fire stations… near the point being looked at."""
        self._set("safe", safe_zones_payload(zones))

    def show_route(self, route: RouteSafety | None) -> None:
        """Draw the route's segments coloured by level and highlight crossed zones (None: clear)."""
        self._set("route", route_payload(route))

    def set_route_points(
        self, origin: LatLng | None, destination: LatLng | None, waypoints: Sequence[LatLng] = ()
    ) -> None:
        """The A / B / numbered waypoint marks of the route being planned."""
        self._set("routePoints", route_points_payload(origin, destination, waypoints))

    def set_probe(self, point: LatLng | None) -> None:
        """Mark the point whose area safety is shown (None: remove the mark)."""
        self._set("probe", list(point) if point else None)

    def select_incident(self, incident_id: str | None, *, pan: bool = True) -> None:
        """Highlight one incident (None: none) and, with `pan`, bring it into view.

        A map nobody sees (another workspace is in front) only highlights: a row picked in the
        queue must not move the view the operator will come back to (it opens fitted to the
        open incidents); "Show on map" brings the map forward first, so it pans.
        """
        self._state.select(incident_id, pan and self.isVisible())
        self._schedule()

    def set_layer_visible(self, name: str, visible: bool) -> None:
        """Show or hide a layer: one of `state.LAYERS` (ValueError otherwise)."""
        self._state.set_layer(name, visible)
        self._schedule()

    def layer_visible(self, name: str) -> bool:
        return self._state.layer_visible(name)

    def set_basemap(self, basemap: BasemapConfig) -> None:
        """Switch the tile source without reloading the page."""
        shown = self._page_basemap(basemap)
        value = {"url": shown.tile_url, "attribution": shown.attribution, "maxZoom": shown.max_zoom}
        self._set("basemap", value)

    def reopen_tiles(self) -> None:
        """Pick up offline packs added since the start (after 'Prepare this area for offline use')."""
        if self._tiles is not None:
            self._tiles.reopen()

    def _page_basemap(self, basemap: BasemapConfig) -> BasemapConfig:
        """The basemap as the page sees it: through the console's tile handler when there is one."""
        if self._tiles is None or not basemap.tile_url:
            return basemap
        return BasemapConfig(
            self._tiles.page_template(basemap.tile_url), basemap.attribution, basemap.max_zoom
        )

    def _on_tile_network(self, state: NetworkState) -> None:
        since = ""
        if state.down_since is not None:
            since = datetime.fromtimestamp(state.down_since, UTC).strftime("%H:%M UTC")
        self._set("tileNet", {"up": state.up, "since": since})
        self.tile_server_changed.emit(state)

    def center_on(self, lat: float, lng: float, zoom: int | None = None) -> None:
        self._state.set_view({"center": [lat, lng], "zoom": zoom})
        self._schedule()

    def fit_incidents(self, *, active_only: bool = False) -> None:
        """Zoom to show every incident (the open ones with `active_only`), else the service area."""
        self._state.set_view({"fit": "active" if active_only else "incidents"})
        self._schedule()

    def fit_service_area(self) -> None:
        self._state.set_view({"fit": "area"})
        self._schedule()

    def _set(self, section: str, value: object) -> None:
        if self._state.set_section(section, value):
            self._schedule()

    # -- pushing -------------------------------------------------------------------------------

    def _schedule(self) -> None:
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def flush(self) -> int:
        """Send pending changes now (normally done once per event-loop turn); returns the sequence
        number whose `rendered` signal confirms them, or the last one if nothing was pending."""
        self._flush_timer.stop()
        if not self._ready:
            return self._seq
        batch = self._state.take_batch(self._seq + 1)
        if batch is not None:
            self._send(batch)
        return self._seq

    def _send(self, batch: dict[str, Any]) -> None:
        """Send a batch numbered `self._seq + 1` (the state numbers it when it builds it)."""
        self._seq += 1
        self._bridge.push.emit(json.dumps(batch, separators=(",", ":"), ensure_ascii=False))

    # -- page life -----------------------------------------------------------------------------

    def _on_load_started(self) -> None:
        self._page_loads += 1
        self._ready = False

    def _on_load_finished(self, ok: bool) -> None:
        if not ok:
            log.error("The map page failed to load from %s", self._page_url.toLocalFile())

    def _on_page_ready(self) -> None:
        self._ready = True
        self._send(self._state.full_batch(self._seq + 1))
        self.page_ready.emit()

    def _on_render_process_terminated(self, status: object, exit_code: int) -> None:
        log.error("The map's renderer stopped (%s, code %s); reloading the map", status, exit_code)
        self._ready = False
        QTimer.singleShot(RELOAD_AFTER_CRASH_MS, lambda: self._web.load(self._page_url))

    def _on_rendered(self, seq: int, apply_ms: float) -> None:
        self._rendered_seq = max(self._rendered_seq, seq)
        self._last_apply_ms = apply_ms
        self.rendered.emit(seq)

    def _on_incident_clicked(self, incident_id: str) -> None:
        self._state.remember_selection(incident_id)
        self.incident_clicked.emit(incident_id)

    def _on_basemap_status(self, online: bool) -> None:
        self._basemap_online = online
        self.basemap_status_changed.emit(online)

    # -- read-outs -----------------------------------------------------------------------------

    @property
    def page_loads(self) -> int:
        """How many times the page started loading (1 in normal life: updates never reload)."""
        return self._page_loads

    @property
    def is_ready(self) -> bool:
        return self._ready

    @property
    def pushed_seq(self) -> int:
        return self._seq

    @property
    def rendered_seq(self) -> int:
        """The newest batch the page confirmed as applied and painted."""
        return self._rendered_seq

    @property
    def last_apply_ms(self) -> float:
        """Milliseconds the page spent applying the last confirmed batch."""
        return self._last_apply_ms

    @property
    def tile_server(self) -> NetworkState | None:
        """Whether the tile server answers (None without the console's tile handler)."""
        return self._tiles.network if self._tiles is not None else None

    @property
    def basemap_online(self) -> bool | None:
        """None until the first tile loads or fails."""
        return self._basemap_online

    @property
    def selected_incident(self) -> str | None:
        return self._state.selected

    @property
    def incident_ids(self) -> frozenset[str]:
        return self._state.incident_ids

    @property
    def web_view(self) -> QWebEngineView:
        return self._web

    @property
    def page_path(self) -> Path:
        return Path(self._page_url.toLocalFile())
