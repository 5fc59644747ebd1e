"""Gate workspace: code entry, walk-ins, who is inside, access codes, log and stats over the session."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject

from sety_console.ui.gate.workspace import GateWorkspace
from sety_console.ui.shortcuts_overlay import Shortcut
from sety_console.ui.workspace_host import WorkspaceHost
from sety_console.ui.workspaces.context import ShellContext


class GateRoom(QObject):
    """Hosts the gate workspace; the gate's name is this workstation's setting."""

    key = "gate"
    title = "Gate"

    def __init__(self, ctx: ShellContext) -> None:
        super().__init__(ctx.window)
        self.ctx = ctx
        self.workspace = GateWorkspace(ctx.session, ctx.settings.gate_name)
        self.workspace.message.connect(ctx.tell)
        self.host = WorkspaceHost(self.key, self.workspace)
        self.host.freeze_default()
        self._refreshed = False

    def activate(self) -> None:
        """Load codes, log and stats the first time the gate is shown."""
        if not self._refreshed:
            self._refreshed = True
            self.workspace.refresh()

    def shortcuts(self) -> Sequence[Shortcut]:
        return self.workspace.shortcuts()

    async def ready(self) -> bool:
        """The visitors inside have arrived from the server (an empty gate too), for --screenshot."""
        self.activate()
        return self.ctx.session.visitors.fresh_as_of is not None

    def close(self) -> None:
        self.workspace.detach()
