"""The built workspaces and what the console does across them: which one opens, availability by the
key's scopes, the status bar's facts, and closing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction

from sety_console.core.connection import ConnectionStatus
from sety_console.ui.shortcuts_overlay import Shortcut
from sety_console.ui.workspace_host import WorkspaceHost
from sety_console.ui.workspaces.context import ShellContext

if TYPE_CHECKING:
    from sety_console.ui.workspaces.control_room import ControlRoom
    from sety_console.ui.workspaces.map_room import MapRoom

STATUS_REFRESH_MS = 1000


class Room(Protocol):
    """A workspace controller (control room, map, gate, supervisor)."""

    key: str
    title: str
    host: WorkspaceHost

    def shortcuts(self) -> Sequence[Shortcut]: ...

    async def ready(self) -> bool: ...


class Shell(QObject):
    """The workspaces of one window and the facts shown across them."""

    def __init__(
        self, ctx: ShellContext, rooms: list[Room], control_room: ControlRoom, map_room: MapRoom
    ) -> None:
        super().__init__(ctx.window)
        self.ctx = ctx
        self.rooms = {room.key: room for room in rooms}
        self.control_room = control_room
        self.map_room = map_room
        self.actions: list[QAction] = []
        """Window actions this session added (removed again when the session ends)."""
        self._status_timer = QTimer(self, interval=STATUS_REFRESH_MS)
        self._status_timer.timeout.connect(self.refresh_status)
        self._status_timer.start()

    def open_first(self, requested: str | None) -> None:
        """Open `requested` (or the control room); an unavailable one yields to the first available."""
        window = self.ctx.window
        key = requested if requested in self.rooms else "control-room"
        available = window.available_workspaces()
        if key not in available and available:
            key = available[0]
        window.show_workspace(key)

    def on_workspace_changed(self, key: str) -> None:
        activate = getattr(self.rooms.get(key), "activate", None)
        if activate is not None:
            activate()
        self.refresh_status()  # the freshness of the data this workspace shows

    def on_connection(self, status: ConnectionStatus) -> None:
        window = self.ctx.window
        window.status.set_connection(status.state.value, status.message)
        for key, reason in self.ctx.session.available_workspaces().items():
            if key in self.rooms:
                window.set_availability(key, reason)
        current = window.current_workspace()
        available = window.available_workspaces()
        if current not in available and available:
            window.show_workspace(available[0])

    def refresh_status(self) -> None:
        """Budget, freshness and the outbox's counts (all held in memory: no disk on the GUI thread)."""
        session, status = self.ctx.session, self.ctx.window.status
        budget = session.budget
        if budget.limit is not None and budget.remaining is not None:
            status.set_budget(budget.limit - budget.remaining, budget.limit)
        else:
            status.set_budget(None, None)
        stream = session.visitors if self.ctx.window.current_workspace() == "gate" else session.incidents
        status.set_freshness(stream.fresh_as_of)  # the data the focused workspace shows
        status.set_outbox(*session.outbox.counts())

    def close(self) -> None:
        self._status_timer.stop()
        for action in self.actions:
            action.deleteLater()
        self.ctx.alarms.stop()
        for room in self.rooms.values():
            closer = getattr(room, "close", None)
            if closer is not None:
                closer()
