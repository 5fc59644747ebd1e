"""Builds the workspaces on the main window and wires them to the session, alarms and status bar;
everything cross-workspace (show on map, select in queue, new incident here, acknowledge) is here."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtGui import QKeySequence

from sety_console.config import Settings, save_settings
from sety_console.core.alarm_book import SHELVE_CHOICES
from sety_console.core.local_time import LocalZone
from sety_console.core.session import ConsoleSession
from sety_console.core.storage import StorageError
from sety_console.tiles.library import TileLibrary
from sety_console.ui.alarm_sounds_dialog import AlarmSoundsDialog
from sety_console.ui.alarms import AlarmController
from sety_console.ui.common.save_dialog import ask_save_path, remember_folder_in
from sety_console.ui.common.slots import run_task, set_failure_reporter
from sety_console.ui.main_window import MainWindow
from sety_console.ui.session_signals import SessionSignals
from sety_console.ui.settings_dialog import SettingsDialog
from sety_console.ui.workspaces.context import ShellContext, utc_now
from sety_console.ui.workspaces.control_room import ControlRoom

from .shell import Room, Shell


async def build_shell(
    window: MainWindow,
    session: ConsoleSession,
    settings: Settings,
    *,
    source: str = "",
    zone: LocalZone | None = None,
    first: str | None = None,
    control_built: Callable[[ControlRoom], None] | None = None,
    tiles: TileLibrary | None = None,
) -> Shell:
    """Create every workspace on `window`, wired to `session`.

    The control room comes first and is shown (with the snapshot's data) before the map, the gate and
    the supervisor are built — their imports (folium, pyqtgraph) and widgets take the longest.
    """
    signals = SessionSignals(session, window)
    alarms = AlarmController(
        session.alarms,
        now=utc_now,
        operator=lambda: settings.operator_name,
        sounds=settings.alarm_sounds,
        repeat_seconds=settings.alarm_repeat_seconds,
        window=window,
        parent=window,
    )
    ctx = ShellContext(
        session, signals, settings, window, alarms, source, tiles=tiles, zone=zone or LocalZone()
    )
    set_failure_reporter(lambda message: ctx.tell(message, 20))
    remember_folder_in(lambda: settings.last_save_folder, partial(_remember_save_folder, settings))
    control = ControlRoom(ctx)
    window.add_workspace(control.key, control.title, control.host, shortcuts=control.shortcuts)
    if first in (None, control.key):
        window.show_workspace(control.key)
    if control_built is not None:
        control_built(control)
    await asyncio.sleep(0)  # paint the queue before building the rest

    from sety_console.ui.workspaces.gate_room import GateRoom
    from sety_console.ui.workspaces.map_room import MapRoom
    from sety_console.ui.workspaces.supervisor_room import SupervisorRoom

    map_room = MapRoom(ctx)
    rooms: list[Room] = [control, map_room, GateRoom(ctx), SupervisorRoom(ctx, control, map_room)]
    for room in rooms[1:]:
        window.add_workspace(room.key, room.title, room.host, shortcuts=room.shortcuts)
    shell = Shell(ctx, rooms, control, map_room)
    ctx.show_on_map = map_room.show_incident
    ctx.select_in_queue = control.reveal
    ctx.new_incident_at = control.open_create_dialog
    control.queue.selection_changed.connect(
        lambda incident_id: map_room.view.select_incident(incident_id, pan=True) if incident_id else None
    )
    _wire_alarms(ctx, control)
    window.settings_requested.connect(partial(_edit_settings, ctx, rooms))
    shell.actions.append(window.add_file_action("Export audit log…", partial(_export_audit, ctx)))
    signals.connection_changed.connect(shell.on_connection)
    window.workspace_changed.connect(session.set_focus)
    window.workspace_changed.connect(shell.on_workspace_changed)
    shell.open_first(first)
    alarms.start()
    return shell


def _wire_alarms(ctx: ShellContext, control: ControlRoom) -> None:
    """The Alarms menu: F8 acknowledges and Shift+F8 shelves exactly the banner's alarm (and selects its
    incident), Ctrl+F8 mutes; Test sound says whether sound works; a sound that cannot play stays said."""
    window, alarms = ctx.window, ctx.alarms
    alarms.banner_changed.connect(window.set_alarm_banner)
    alarms.message.connect(ctx.tell)
    alarms.acted_on.connect(control.select)
    ctx.signals.alerts_changed.connect(alarms.refresh)
    alarms.player.problem_changed.connect(window.status.set_sound_problem)
    window.status.set_sound_problem(alarms.player.problem)
    alarms.player.tested.connect(lambda result: ctx.tell(result, 20))
    menu = window.add_menu("&Alarms")

    def add(text: str, keys: str | None, slot: Callable[[], object]) -> None:
        action = menu.addAction(text)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)

    add("Acknowledge the banner's alarm", "F8", alarms.acknowledge_shown)
    for minutes in SHELVE_CHOICES:
        keys = "Shift+F8" if minutes == SHELVE_CHOICES[0] else None
        add(f"Shelve the banner's alarm {minutes} min", keys, partial(alarms.shelve_shown, minutes))
    menu.addSeparator()
    for minutes in (5, 15, 30):
        keys = "Ctrl+F8" if minutes == 5 else None
        add(f"Mute sound {minutes} min", keys, partial(_mute, alarms, minutes))
    add("Unmute", None, lambda: run_task(alarms.unmute(), "unmuting the sound"))
    menu.addSeparator()
    add("Test sound", None, alarms.player.test)
    add("Alarm sounds…", None, partial(_edit_sounds, ctx))


def _export_audit(ctx: ShellContext) -> None:
    """File → Export audit log…: every action of this profile as CSV (ISO 8601 times with offsets)."""
    from datetime import datetime

    name = f"sety-audit-{datetime.now():%Y%m%d-%H%M}.csv"
    path = ask_save_path(ctx.window, "Export audit log", name, "CSV (*.csv)")  # the one save folder
    if path is not None:
        run_task(_write_audit(ctx, path), "exporting the audit log")


async def _write_audit(ctx: ShellContext, path: Path) -> None:
    try:
        count = await ctx.session.audit.export_csv(path)
    except (OSError, StorageError) as exc:
        ctx.tell(f"The audit log could not be exported: {exc}", 20)
        return
    ctx.tell(f"Exported {count} action{'s' if count != 1 else ''} to {path}.", 20)


def tile_library(settings: Settings) -> TileLibrary:
    """The map's tiles: an MBTiles cache per tile server in the cache dir, offline packs in the data
    dir, fetched by httpx (the only place the fetcher is built: the ui gets it injected)."""
    from sety_console.config import cache_dir, data_dir
    from sety_console.tiles.fetch import HttpTileFetcher

    cache_bytes = max(settings.tile_cache_mb, 10) * 1024 * 1024
    return TileLibrary(cache_dir() / "tiles", data_dir() / "tiles", HttpTileFetcher, cache_bytes=cache_bytes)


def _mute(alarms: AlarmController, minutes: int) -> None:
    run_task(alarms.mute(minutes), "muting the sound")


def _edit_settings(ctx: ShellContext, rooms: list[Room]) -> None:
    """File → Settings…: applied at once (operator, gate, basemap) and saved for the next start."""
    from sety_console.ui.workspaces.gate_room import GateRoom
    from sety_console.ui.workspaces.map_room import MapRoom

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
            room.apply_basemap_settings()
    ctx.tell("Settings saved.")


def _remember_save_folder(settings: Settings, folder: str) -> None:
    if settings.last_save_folder != folder:
        settings.last_save_folder = folder
        save_settings(settings)


def _edit_sounds(ctx: ShellContext) -> None:
    dialog = AlarmSoundsDialog(ctx.settings.alarm_sounds, ctx.alarms.player, ctx.window)
    if dialog.exec() == AlarmSoundsDialog.DialogCode.Accepted:
        ctx.settings.alarm_sounds.update(dialog.chosen())
        save_settings(ctx.settings)
        ctx.tell("Alarm sounds saved.")
