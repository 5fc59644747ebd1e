"""What every workspace controller shares: the session, its Qt signals, settings, window and alarms."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sety_console.config import Settings
from sety_console.core.local_time import LocalZone
from sety_console.core.session import ConsoleSession
from sety_console.tiles.library import TileLibrary
from sety_console.ui.alarms import AlarmController
from sety_console.ui.common.palette import Palette, colors
from sety_console.ui.main_window import MainWindow
from sety_console.ui.session_signals import SessionSignals


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ShellContext:
    """Shared by the workspace controllers; built once by `app.wiring.build_shell`."""

    session: ConsoleSession
    signals: SessionSignals
    settings: Settings
    window: MainWindow
    alarms: AlarmController
    source: str = ""
    """What the environment badge says (live / test / sandbox), printed on reports."""
    tiles: TileLibrary | None = None
    """The map's tile cache and fetcher, built by the composition root (None: tiles straight from the web)."""
    zone: LocalZone = field(default_factory=LocalZone)
    """The service area's time zone: every time a person reads is shown in it."""
    now: Callable[[], datetime] = utc_now
    # Cross-workspace requests, set by `build_workspaces` once every workspace exists.
    show_on_map: Callable[[str], None] = field(default=lambda incident_id: None)
    select_in_queue: Callable[[str], str] = field(default=lambda incident_id: "")
    """Select an incident in the control room's queue; returns what happened, in words."""
    new_incident_at: Callable[[float | None, float | None], None] = field(default=lambda lat, lng: None)

    @property
    def palette(self) -> Palette:
        return colors(self.settings.theme)

    def tell(self, message: str, seconds: int = 8) -> None:
        """A transient message in the status bar, in plain words."""
        self.window.status.tell(message, seconds)
