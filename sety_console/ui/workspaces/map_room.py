"""Map workspace: live incidents, responders and zones pushed as diffs; area checks, heatmap and routes
fetched through the session on request."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from PySide6.QtCore import QObject

from sety_console.api.errors import SetyError
from sety_console.api.models import Incident
from sety_console.core.changes import ChangeSet
from sety_console.ui.common.slots import async_slot
from sety_console.ui.map.page import BasemapConfig
from sety_console.ui.map.workspace import MapWorkspace
from sety_console.ui.shortcuts_overlay import Shortcut
from sety_console.ui.workspace_host import WorkspaceHost
from sety_console.ui.workspaces.context import ShellContext

log = logging.getLogger(__name__)
RECENTLY_CLOSED = timedelta(hours=2)  # closed incidents stay on the map this long, then leave it
LatLng = tuple[float, float]


class MapRoom(QObject):
    """Keeps the map in step with the session and answers the map's questions."""

    key = "map"
    title = "Map"

    def __init__(self, ctx: ShellContext) -> None:
        super().__init__(ctx.window)
        self.ctx = ctx
        settings = ctx.settings
        basemap = BasemapConfig(tile_url=settings.tile_url, attribution=settings.tile_attribution)
        self.workspace = MapWorkspace(basemap=basemap, tiles=ctx.tiles, service_area=settings.service_area)
        self.workspace.set_offline_server(settings.offline_tile_url, settings.offline_tile_attribution)
        self.view = self.workspace.map_view
        self.host = WorkspaceHost(self.key, self.workspace)
        self.host.freeze_default()
        self._shown: set[str] = set()
        self._wire()
        self._load_all()

    def apply_basemap_settings(self) -> None:
        """The tile server of the settings, applied at once (File → Settings…)."""
        settings = self.ctx.settings
        self.view.set_basemap(BasemapConfig(settings.tile_url, settings.tile_attribution))
        self.workspace.set_offline_server(settings.offline_tile_url, settings.offline_tile_attribution)

    def _wire(self) -> None:
        signals, ws = self.ctx.signals, self.workspace
        signals.incidents_changed.connect(self._on_incidents)
        signals.zones_changed.connect(lambda _change: self.view.set_zones(self.ctx.session.zones.values()))
        signals.alerts_changed.connect(self._on_alerts)
        self.ctx.alarms.alarms_changed.connect(lambda _alarms: self._on_alerts())
        ws.incident_clicked.connect(self._on_marker_clicked)
        ws.new_incident_requested.connect(lambda lat, lng: self.ctx.new_incident_at(lat, lng))
        ws.area_requested.connect(self._fetch_area)
        ws.route_requested.connect(self._fetch_route)
        ws.heatmap_requested.connect(self._fetch_heatmap)
        ws.page_ready.connect(self._on_page_ready)

    # --- live layers --------------------------------------------------------------------------

    def _wanted(self, incident: Incident | None) -> bool:
        if incident is None:
            return False
        if incident.status.is_active:
            return True
        return incident.updated_at > self.ctx.now() - RECENTLY_CLOSED

    def _load_all(self) -> None:
        wanted = [i for i in self.ctx.session.incidents.values() if self._wanted(i)]
        self._shown = {i.incident_id for i in wanted}
        self.view.set_incidents(wanted)
        self.view.set_zones(self.ctx.session.zones.values())
        self._on_alerts()

    def _on_incidents(self, change: ChangeSet) -> None:
        if change.full_resync:
            self._load_all()
            return
        store = self.ctx.session.incidents
        changed: list[Incident] = []
        removed = [i for i in change.removed if i in self._shown]
        for incident_id in (*change.added, *change.updated):
            incident = store.get(incident_id)
            if incident is not None and self._wanted(incident):
                changed.append(incident)
            elif incident_id in self._shown:
                removed.append(incident_id)
        self._shown.difference_update(removed)
        self._shown.update(i.incident_id for i in changed)
        if changed or removed:
            self.view.apply_incidents(changed, removed)

    def _on_alerts(self) -> None:
        ringing = {a.incident_id for a in self.ctx.alarms.ringing}
        self.view.set_acknowledged(self._shown - ringing)

    def _on_page_ready(self) -> None:
        self._fetch_heatmap(*self.workspace.layers_panel.heatmap_query())

    def _on_marker_clicked(self, incident_id: str) -> None:
        self.ctx.tell(self.ctx.select_in_queue(incident_id))  # selected, or why not

    def show_incident(self, incident_id: str) -> None:
        """Bring the map forward, highlight the incident and pan to it."""
        self.ctx.window.show_workspace(self.key)
        self.view.select_incident(incident_id, pan=True)

    # --- questions the map asks ---------------------------------------------------------------

    @async_slot(float, float)
    async def _fetch_area(self, lat: float, lng: float) -> None:
        session = self.ctx.session
        try:
            score = await session.safety_score(lat, lng)
        except SetyError as exc:
            self.workspace.show_area_error(f"The safety score could not be loaded: {exc}")
            return
        try:
            analytics = await session.danger_analytics(lat, lng)
        except SetyError as exc:
            log.info("danger analytics unavailable: %s", exc)
            analytics = None
        self.workspace.show_area(score, analytics)

    @async_slot(object, object, object)
    async def _fetch_route(self, origin: LatLng, destination: LatLng, waypoints: Sequence[LatLng]) -> None:
        try:
            route = await self.ctx.session.route_safety(origin, destination, waypoints)
        except SetyError as exc:
            self.workspace.show_route_error(f"Route safety could not be loaded: {exc}")
            return
        self.workspace.show_route(route)

    @async_slot(int, list, list)
    async def _fetch_heatmap(self, days: int, categories: list[str], severities: list[str]) -> None:
        try:
            heatmap = await self.ctx.session.heatmap(
                bbox=self.ctx.settings.service_area,
                from_date=self.ctx.now() - timedelta(days=days),
                category=categories or None,
                severity=severities or None,
            )
        except SetyError as exc:
            self.workspace.show_heatmap_error(f"The heatmap could not be loaded: {exc}")
            return
        self.workspace.set_heatmap(heatmap)

    def shortcuts(self) -> Sequence[Shortcut]:
        return [
            ("Click", "Check the safety of that point"),
            ("Right click", "New incident here / area check"),
            ("Click a marker", "Select the incident in the queue"),
        ]

    async def ready(self) -> bool:
        """The page is loaded and everything pushed so far is drawn (for --screenshot)."""
        if not self.view.is_ready:
            return False
        seq = self.view.flush()
        return self.view.rendered_seq >= seq and bool(self._shown)
