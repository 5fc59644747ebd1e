"""Supervisor workspace: area analytics, place comparison, incident analytics, handover; saved views."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from PySide6.QtCore import QObject

from sety_console.ui.common.slots import run_task
from sety_console.ui.incidents.queue_filters import QueueFilters
from sety_console.ui.map.state import LAYERS
from sety_console.ui.shortcuts_overlay import Shortcut
from sety_console.ui.supervisor.saved_views import SavedView
from sety_console.ui.supervisor.workspace import SupervisorWorkspace
from sety_console.ui.workspace_host import WorkspaceHost
from sety_console.ui.workspaces.context import ShellContext
from sety_console.ui.workspaces.control_room import ControlRoom
from sety_console.ui.workspaces.map_room import MapRoom


class SupervisorRoom(QObject):
    """Hosts the supervisor workspace and its Saved views menu (queue filters + map layers + window)."""

    key = "supervisor"
    title = "Supervisor"

    def __init__(self, ctx: ShellContext, control: ControlRoom, map_room: MapRoom) -> None:
        super().__init__(ctx.window)
        self.ctx = ctx
        self.control = control
        self.map_room = map_room
        self.workspace = SupervisorWorkspace(ctx.session, ctx.settings, source=ctx.source, zone=ctx.zone)
        self.host = WorkspaceHost(self.key, self.workspace)
        self.host.freeze_default()
        map_room.workspace.map_clicked.connect(self.workspace.show_point)
        control.queue.filter_bar.filters_changed.connect(lambda *_: self._pass_filters())
        self.menu = self.workspace.saved_views_menu(self.capture_view, self.apply_view, ctx.window)
        self.menu.setTitle("Saved &views")
        ctx.window.add_menu(self.menu)
        self._refreshed = False
        self._task: asyncio.Task[None] | None = None

    def _pass_filters(self) -> None:
        filters = self.control.queue.filters().to_dict()
        self.workspace.set_report_filters(
            tuple(filters.get("categories") or ()), tuple(filters.get("severities") or ())
        )

    def capture_view(self) -> SavedView:
        view = self.map_room.view
        days, _cats, _sevs = self.map_room.workspace.layers_panel.heatmap_query()
        return SavedView(
            name="",
            queue_filters=self.control.queue.filters().to_dict(),
            map_layers={name: view.layer_visible(name) for name in LAYERS},
            window_days=days,
        )

    def apply_view(self, view: SavedView) -> None:
        self.control.queue.set_filters(QueueFilters.from_dict(view.queue_filters))
        for name, visible in view.map_layers.items():
            self.map_room.workspace.set_layer_visible(name, visible)
        button = self.map_room.workspace.layers_panel.window_buttons.get(view.window_days)
        if button is not None:
            button.click()
        self.ctx.tell(f"Saved view “{view.name}” restored.")

    def activate(self) -> None:
        if not self._refreshed:
            self._refreshed = True
            self._task = run_task(self.workspace.refresh(), "supervisor analytics")

    def shortcuts(self) -> Sequence[Shortcut]:
        return [("Click on the map", "Show that point's analytics here")]

    async def ready(self) -> bool:
        """The default analytics have loaded (for --screenshot)."""
        self.activate()
        if self._task is not None:
            await self._task
        return True
