"""Builds the workspaces on the main window and wires them to the session, alarms and status bar.

`build_workspaces` is called by the composition root (`app.py`); everything cross-workspace
(show on map, select in queue, new incident here, acknowledge) is connected here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QSettings, QTimer
from PySide6.QtGui import QKeySequence

from sety_console import config
from sety_console.config import Settings, save_settings
from sety_console.core.actions import ActionState
from sety_console.core.connection import ConnectionStatus
from sety_console.core.local_time import LocalZone
from sety_console.core.session import ConsoleSession
from sety_console.ui.alarm_sounds_dialog import AlarmSoundsDialog
from sety_console.ui.alarms import AlarmController
from sety_console.ui.bridge import SessionBridge
from sety_console.ui.main_window import MainWindow
from sety_console.ui.map.page import BasemapConfig
from sety_console.ui.settings_dialog import SettingsDialog
from sety_console.ui.shortcuts_overlay import Shortcut
from sety_console.ui.workspace_host import WorkspaceHost
from sety_console.ui.workspaces.context import ShellContext, utc_now
from sety_console.ui.workspaces.control_room import ControlRoom
from sety_console.ui.workspaces.gate_room import GateRoom
from sety_console.ui.workspaces.map_room import MapRoom
from sety_console.ui.workspaces.supervisor_room import SupervisorRoom

log = logging.getLogger(__name__)


class Room(Protocol):
    key: str
    title: str
    host: WorkspaceHost

    def shortcuts(self) -> Sequence[Shortcut]: ...

    async def ready(self) -> bool: ...


class Workspaces(QObject):
    """The built workspaces, plus what the shell does across them."""

    def __init__(self, ctx: ShellContext, rooms: list[Room]) -> None:
        super().__init__(ctx.window)
        self.ctx = ctx
        self.rooms = {room.key: room for room in rooms}
        self.map_room = next(room for room in rooms if isinstance(room, MapRoom))
        self._status_timer = QTimer(self, interval=1000)
        self._status_timer.timeout.connect(self._refresh_status)
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

    def _refresh_status(self) -> None:
        session, status = self.ctx.session, self.ctx.window.status
        budget = session.budget
        if budget.limit is not None and budget.remaining is not None:
            status.set_budget(budget.limit - budget.remaining, budget.limit)
        else:
            status.set_budget(None, None)
        status.set_freshness(session.incidents.fresh_as_of)
        open_entries = session.outbox.open_entries()
        failed = sum(1 for e in session.outbox.recent(50) if e.state is ActionState.FAILED)
        status.set_outbox(len(open_entries), failed)

    async def screenshot(self, path: Path, wait_s: float) -> int:
        """Wait until the current workspace shows data (or `timeout`), save a PNG of the window."""
        window = self.ctx.window
        window.resize(1600, 1000)
        window.show()
        key = window.current_workspace() or "control-room"
        room = self.rooms.get(key)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_s
        while room is not None and loop.time() < deadline:
            if await room.ready():
                break
            await asyncio.sleep(0.25)
        else:
            if room is not None:
                log.warning("Screenshot taken before %s finished loading (waited %.0f s)", key, wait_s)
        await asyncio.sleep(1.0)  # let the last paint (and the map's tiles-offline note) settle
        ok = window.grab().save(str(path))
        log.info("Screenshot of %s saved to %s", key, path)
        return 0 if ok else 1

    async def self_test(self, out: Callable[[str], None], wait_s: float = 90.0) -> int:
        """Open every workspace and wait for its data; check the map page and its bridge.

        Prints one line per step; returns 0 when all pass, else 1 (the failing steps say why).
        """
        window = self.ctx.window
        window.resize(1600, 1000)
        window.show()
        failures = 0
        for key, room in self.rooms.items():
            window.show_workspace(key)
            ok = await _wait(room.ready, wait_s)
            failures += not ok
            verdict = "data shown" if ok else f"no data after {wait_s:.0f} s"
            out(f"{'ok  ' if ok else 'FAIL'} workspace {key}: {verdict}")
        view = self.map_room.view
        seq = view.flush()
        bridged = await _wait(lambda: _done(view.rendered_seq >= seq), 20.0)
        loads_ok = view.page_loads == 1
        failures += (not bridged) + (not loads_ok)
        out(f"{'ok  ' if bridged else 'FAIL'} map bridge: push {seq} rendered {view.rendered_seq}")
        out(f"{'ok  ' if loads_ok else 'FAIL'} map page loaded {view.page_loads} time(s), never reloaded")
        out("self-test passed" if not failures else f"self-test FAILED: {failures} step(s)")
        return 0 if not failures else 1

    def close(self) -> None:
        self._status_timer.stop()
        self.ctx.alarms.stop()
        for room in self.rooms.values():
            closer = getattr(room, "close", None)
            if closer is not None:
                closer()


async def _done(value: bool) -> bool:
    return value


async def _wait(check: Callable[[], Awaitable[bool]], wait_s: float) -> bool:
    """Poll `check` until it is true or `wait_s` passes."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_s
    while loop.time() < deadline:
        if await check():
            return True
        await asyncio.sleep(0.25)
    return False


def build_workspaces(
    window: MainWindow,
    session: ConsoleSession,
    settings: Settings,
    *,
    source: str = "",
    zone: LocalZone | None = None,
) -> Workspaces:
    """Create every workspace on `window`, wired to `session`."""
    bridge = SessionBridge(session, window)
    qsettings = QSettings(str(config.config_dir() / "workstation.ini"), QSettings.Format.IniFormat)
    alarms = AlarmController(
        session.alerts,
        now=utc_now,
        operator=lambda: settings.operator_name,
        sounds=settings.alarm_sounds,
        repeat_seconds=settings.alarm_repeat_seconds,
        window=window,
        parent=window,
    )
    ctx = ShellContext(session, bridge, settings, window, alarms, qsettings, source, zone or LocalZone())
    control, map_room = ControlRoom(ctx), MapRoom(ctx)
    rooms: list[Room] = [control, map_room, GateRoom(ctx), SupervisorRoom(ctx, control, map_room)]
    for room in rooms:
        window.add_workspace(room.key, room.title, room.host, shortcuts=room.shortcuts)
    workspaces = Workspaces(ctx, rooms)
    ctx.show_on_map = map_room.show_incident
    ctx.select_in_queue = control.queue.select
    ctx.new_incident_at = control.open_create_dialog
    control.queue.selection_changed.connect(
        lambda incident_id: map_room.view.select_incident(incident_id, pan=True) if incident_id else None
    )
    _wire_alarms(ctx, control)
    window.settings_requested.connect(partial(_edit_settings, ctx, rooms))
    bridge.connection_changed.connect(workspaces.on_connection)
    window.workspace_changed.connect(session.set_focus)
    window.workspace_changed.connect(workspaces.on_workspace_changed)
    alarms.start()
    return workspaces


def _wire_alarms(ctx: ShellContext, control: ControlRoom) -> None:
    """The Alarms menu: acknowledge (F8), snooze, mute, and the sound for each kind of alarm."""
    window, alarms = ctx.window, ctx.alarms
    alarms.banner_changed.connect(window.set_alarm_banner)
    alarms.message.connect(ctx.tell)
    ctx.bridge.alerts_changed.connect(alarms.refresh)
    menu = window.add_menu("&Alarms")

    def add(text: str, keys: str | None, slot: Callable[[], object]) -> None:
        action = menu.addAction(text)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)

    add("Acknowledge", "F8", lambda: alarms.acknowledge(_ringing_selected(ctx, control)))
    for minutes in (5, 15, 60):
        add(
            f"Snooze {minutes} min",
            "Shift+F8" if minutes == 5 else None,
            partial(_snooze, ctx, control, minutes),
        )
    menu.addSeparator()
    for minutes in (5, 15, 30):
        add(f"Mute sound {minutes} min", "Ctrl+F8" if minutes == 5 else None, partial(alarms.mute, minutes))
    add("Unmute", None, alarms.unmute)
    menu.addSeparator()
    add("Alarm sounds…", None, partial(_edit_sounds, ctx))


def _edit_settings(ctx: ShellContext, rooms: list[Room]) -> None:
    """File → Settings…: applied at once (operator, gate, basemap) and saved for the next start."""
    dialog = SettingsDialog(ctx.settings, ctx.window)
    if dialog.exec() != SettingsDialog.DialogCode.Accepted:
        return
    dialog.apply_to(ctx.settings)
    save_settings(ctx.settings)
    ctx.session.operator_name = ctx.settings.operator_name
    ctx.window.status.set_operator(ctx.settings.operator_name)
    for room in rooms:
        if isinstance(room, GateRoom):
            room.workspace.set_gate_name(ctx.settings.gate_name)
        if isinstance(room, MapRoom):
            room.view.set_basemap(BasemapConfig(ctx.settings.tile_url, ctx.settings.tile_attribution))
    ctx.tell("Settings saved.")


def _snooze(ctx: ShellContext, control: ControlRoom, minutes: int) -> None:
    ctx.alarms.snooze(minutes, _ringing_selected(ctx, control))


def _edit_sounds(ctx: ShellContext) -> None:
    dialog = AlarmSoundsDialog(ctx.settings.alarm_sounds, ctx.alarms.player, ctx.window)
    if dialog.exec() == AlarmSoundsDialog.DialogCode.Accepted:
        ctx.settings.alarm_sounds.update(dialog.chosen())
        save_settings(ctx.settings)
        ctx.tell("Alarm sounds saved.")


def _ringing_selected(ctx: ShellContext, control: ControlRoom) -> str | None:
    """The selected incident when it is ringing, else None (the most urgent alarm is meant)."""
    selected = control.queue.current_id()
    return selected if selected and ctx.alarms.is_ringing(selected) else None
