"""SupervisorWorkspace: saved places beside five tabs — area analytics, compare places, incident
analytics, the shift handover and the alarm KPIs.

The shell builds it with the session (any `SupervisorSession`), wires the map's `map_clicked` to
`show_point`, and awaits `refresh()` once to load the default view.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QTabWidget, QVBoxLayout, QWidget

from sety_console.config import Settings, SettingsList
from sety_console.core.local_time import LocalZone
from sety_console.ui.supervisor.alarm_kpi_panel import AlarmKpiPanel
from sety_console.ui.supervisor.area_panel import AreaAnalyticsPanel
from sety_console.ui.supervisor.compare import ComparePlacesPanel
from sety_console.ui.supervisor.incident_analytics import IncidentAnalyticsPanel
from sety_console.ui.supervisor.places import PlacesList, PlacesStore, SavedPlace
from sety_console.ui.supervisor.report_panel import HandoverPanel
from sety_console.ui.supervisor.saved_views import SavedView, SavedViewsMenu
from sety_console.ui.supervisor.supervisor_session import SupervisorSession

__all__ = ["CITY_CENTRE", "SupervisorWorkspace"]

log = logging.getLogger(__name__)
CITY_CENTRE = (6.4550, 3.3841)
"""Lagos Island: where area analytics opens when no place is saved."""
DEFAULT_DAYS = 7


class SupervisorWorkspace(QWidget):
    """The supervisor's workspace; `refresh()` loads the default view, `show_point` answers map clicks."""

    AREA, COMPARE, INCIDENTS, HANDOVER, ALARM_KPIS = range(5)

    def __init__(
        self,
        session: SupervisorSession,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        source: str = "",
        home: tuple[float, float] = CITY_CENTRE,
        zone: LocalZone | None = None,
        settings_path: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("SupervisorWorkspace")
        self._views = SettingsList(settings, "saved_views", settings_path)
        self._home = home
        self.places = PlacesList(PlacesStore(SettingsList(settings, "saved_places", settings_path)))
        self.zone = zone or LocalZone()
        self.area = AreaAnalyticsPanel(session, zone=self.zone)
        self.compare = ComparePlacesPanel(session, zone=self.zone)
        self.incidents = IncidentAnalyticsPanel(session, zone=self.zone)
        self.handover = HandoverPanel(session, source=source, zone=self.zone)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.area, "Area analytics")
        self.tabs.addTab(self.compare, "Compare places")
        self.tabs.addTab(self.incidents, "Incident analytics")
        self.tabs.addTab(self.handover, "Shift handover")
        self.alarm_kpis = AlarmKpiPanel(session, zone=self.zone)
        self.tabs.addTab(self.alarm_kpis, "Alarm KPIs")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.places)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([230, 1300])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)
        self.places.place_activated.connect(self._place_chosen)
        self.places.places_changed.connect(lambda: self.compare.set_places(self.places.places()))
        self.area.save_point_requested.connect(self.places.add_point)
        self.compare.set_places(self.places.places())

    def show_point(self, lat: float, lng: float) -> None:
        """Open area analytics for `lat`, `lng` (connect the map's `map_clicked` here)."""
        self.tabs.setCurrentIndex(self.AREA)
        self.area.show_point(lat, lng)

    def set_report_filters(self, categories: tuple[str, ...] = (), severities: tuple[str, ...] = ()) -> None:
        """Let the handover report honour the active queue filters (enum values; empty means all)."""
        self.handover.set_filters(categories, severities)

    def saved_views_menu(
        self,
        capture: Callable[[], SavedView],
        apply: Callable[[SavedView], None],
        parent: QWidget | None = None,
    ) -> SavedViewsMenu:
        """A Saved views menu over this workstation's settings, for the shell's menu bar."""
        return SavedViewsMenu(capture, apply, self._views, parent)

    async def refresh(self) -> None:
        """Load the default view: the first saved place (else the city centre) and the last 7 days."""
        places = self.places.places()
        lat, lng = (places[0].lat, places[0].lng) if places else self._home
        name = places[0].name if places else "City centre"
        self.incidents.set_range_days(DEFAULT_DAYS)
        await asyncio.gather(self.area.load(lat, lng, name), self.incidents.run())

    def _place_chosen(self, place: SavedPlace) -> None:
        if self.tabs.currentIndex() != self.AREA:
            self.tabs.setCurrentIndex(self.AREA)
        self.area.show_place(place)
