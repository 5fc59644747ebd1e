"""One run of the console: server link → core session → window, torn down in reverse order.

The window paints at once with the last snapshot (marked stale) while the server gets ready — the
sandbox child starting, or a configured API answering — then polling starts.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sety_console import config
from sety_console.core.local_time import DEMO_ZONE, service_zone, show_times_in
from sety_console.logging_setup import setup_logging

from . import startup_trace

# The window paints before the heavy modules load: the server link, the api models, the core and the
# workspaces are imported inside the methods that first need them.
if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from sety_console.connect.servers import Server
    from sety_console.core.connection import ConnectionStatus
    from sety_console.ui.main_window import MainWindow

log = logging.getLogger(__name__)
SCREENSHOT_TIMEOUT_S = 90.0
SANDBOX_NOTICE = "Sandbox with demo data: nothing is real, nobody is dispatched."


def prepare_qt_environment() -> None:
    """QtWebEngine refuses to run as root without --no-sandbox; headless runs need no GPU."""
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    wanted = []
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--no-sandbox" not in flags:
        wanted.append("--no-sandbox")
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen" and "--disable-gpu" not in flags:
        wanted.append("--disable-gpu")
    if wanted:
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join([flags, *wanted]).strip()


def run(args: argparse.Namespace, out: Callable[[str], None] | None = None) -> int:
    """Start the console; returns the process exit code. `out` receives the self-test's lines."""
    prepare_qt_environment()
    settings = config.load_settings()
    if args.api_url:
        settings.api_url = args.api_url
    log_path = setup_logging(config.log_dir())
    log.info("Sety Console starting; log file %s", log_path)

    import PySide6.QtWebEngineWidgets  # noqa: F401  (must be imported before the QApplication exists)
    import qasync
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from sety_console.assets import asset_path
    from sety_console.ui.map.tile_scheme import register_tile_scheme

    register_tile_scheme()  # the map's tiles come through the console; QtWebEngine wants it declared first

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Sety Console")
    app.setOrganizationName("Sety")
    app.setDesktopFileName("io.sety.Console")
    app.setQuitOnLastWindowClosed(False)  # the run below ends the loop once it has closed everything
    app.setWindowIcon(QIcon(str(asset_path("icons", "app", "sety-console.svg"))))
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        return int(loop.run_until_complete(ConsoleApp(app, settings, out or log.info).run(args)))


class ConsoleApp:
    """One run of the console: window → server → session → workspaces; a new connection (File →
    Connection…) replaces the server, session and workspaces without a restart."""

    def __init__(self, qt_app: QApplication, settings: config.Settings, out: Callable[[str], None]) -> None:
        self.qt_app = qt_app
        self.settings = settings
        self.out = out
        self._trace = startup_trace.StartupTrace() if startup_trace.enabled() else None
        self._refusal_shown = False

    async def run(self, args: argparse.Namespace) -> int:
        """Paint the window at once; then choose the server, start it, build the workspaces, poll."""
        from PySide6.QtCore import QSettings

        from sety_console.ui.common.theme import apply_theme

        from .connection_flow import choose_server

        apply_theme(self.qt_app, self.settings.theme)
        qsettings = QSettings(str(config.config_dir() / "workstation.ini"), QSettings.Format.IniFormat)
        self._adopt_lists_from(qsettings)
        interactive = not (args.self_test or args.screenshot)
        window = self._new_window(qsettings, show=interactive)
        await asyncio.sleep(0)  # the first paint happens here, before the heavy imports
        await self._know_the_operator(window, ask=interactive)
        server = await choose_server(self.settings, args, window)
        while server is not None:
            try:
                outcome = await self._serve(server, window, args)
            finally:
                await server.aclose()
            if isinstance(outcome, int):
                return outcome
            server, old = outcome, window
            window = self._new_window(qsettings, show=True)
            old.close_guard = None
            old.close()
            old.deleteLater()
            _free_on_this_thread()
        return 1

    def _adopt_lists_from(self, qsettings: QSettings) -> None:
        """Saved places and views lived in workstation.ini before settings.json kept them: move them once."""
        import json

        for key, field in (("supervisor/places", "saved_places"), ("supervisor/saved_views", "saved_views")):
            raw = qsettings.value(key)
            if raw is None:
                continue
            try:
                items = json.loads(str(raw))
            except ValueError:
                items = []
            if isinstance(items, list) and items and not getattr(self.settings, field):
                setattr(self.settings, field, items)
                config.save_settings(self.settings)
            qsettings.remove(key)

    async def _know_the_operator(self, window: MainWindow, *, ask: bool) -> None:
        """First start: ask who works here (the computer user's name suggested); saved in settings.json.
        Headless runs (screenshot, self-test) take the suggestion without asking."""
        if self.settings.operator_name:
            return
        suggestion = config.suggested_operator_name()
        if ask:
            from sety_console.ui.operator_dialog import OperatorDialog

            dialog = OperatorDialog(suggestion, window)
            done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
            dialog.finished.connect(lambda code: None if done.done() else done.set_result(code))
            dialog.open()
            await done
            suggestion = dialog.chosen() or suggestion
        self.settings.operator_name = suggestion or "Operator"
        config.save_settings(self.settings)
        window.status.set_operator(self.settings.operator_name)

    def _new_window(self, qsettings: QSettings, *, show: bool) -> MainWindow:
        from sety_console.ui.main_window import MainWindow

        window = MainWindow(settings=qsettings, log_dir=str(config.log_dir()))
        window.status.set_operator(self.settings.operator_name)
        window.theme_requested.connect(self._switch_theme)
        if self._trace is not None:
            self._trace.watch_window(window)
        if show:
            window.restore_window()
            window.show()
        return window

    async def _serve(self, server: Server, window: MainWindow, args: argparse.Namespace) -> int | Server:
        """Run one session on `window` until the window closes (an exit code) or the operator connects
        elsewhere (the new `Server`)."""
        from sety_console.core.session import ConsoleSession
        from sety_console.ui.common.slots import run_task

        from . import checks
        from .quit_guard import QuitGuard
        from .wiring import build_shell, tile_library

        window.set_environment(server.environment, server.label)
        if server.environment == "sandbox":
            window.status.tell(SANDBOX_NOTICE, 30)
        connecting = asyncio.ensure_future(self._connect(server, window))  # the sandbox starts meanwhile
        session = (
            server.hub.session
            if server.hub is not None
            else ConsoleSession(
                server.client,
                data_dir=server.profile_dir,
                operator_name=self.settings.operator_name,
                workstation=self.settings.workstation,
                server_id=server.server_id,
            )
        )
        await session.show_snapshot()
        trace = self._trace
        zone = service_zone(self.settings.time_zone, DEMO_ZONE if server.environment == "sandbox" else None)
        show_times_in(zone)  # every time a person reads, in the service area's zone
        shell = await build_shell(
            window,
            session,
            self.settings,
            source=server.label,
            zone=zone,
            first=args.workspace,
            control_built=trace.watch_queue if trace is not None else None,
            tiles=tile_library(self.settings),
        )
        outcome: asyncio.Future[int | Server] = asyncio.get_running_loop().create_future()

        def finish(value: int | Server) -> None:
            if not outcome.done():
                outcome.set_result(value)

        def change_connection() -> None:
            run_task(self._change_connection(window, finish), "changing the connection")

        switching = window.connection_settings_requested.connect(change_connection)
        closing = window.closing.connect(lambda: finish(0))  # also while still connecting
        hub_extras = None
        if server.hub_choice is not None:  # a control-room hub, or a direct key standing in for one
            from .hub_wiring import wire_hub

            hub_extras = wire_hub(shell, server, self.settings, finish, change_connection)
        else:
            shell.ctx.signals.connection_changed.connect(
                lambda status: self._on_refused(status, window, server, change_connection)
            )
        try:
            if trace is not None:
                trace.watch_map(window, shell.map_room.view)
            if not await connecting:
                return 1
            server.on_restart = lambda: window.status.tell(
                "The local sandbox stopped and was restarted; the picture carries on.", 20
            )
            await session.start()
            if args.self_test:
                return await checks.self_test(shell, self.out)
            if args.screenshot:
                path, size = screenshot_path(args.screenshot), getattr(args, "window_size", None)
                return await checks.screenshot(shell, path, SCREENSHOT_TIMEOUT_S, size)
            window.close_guard = QuitGuard(window, session).may_close
            _close_on_termination(window)
            return await outcome
        finally:
            window.connection_settings_requested.disconnect(switching)
            window.closing.disconnect(closing)
            connecting.cancel()
            if hub_extras is not None:
                hub_extras.close()
            shell.close()
            await session.close()

    async def _connect(self, server: Server, window: MainWindow) -> bool:
        """Wait for the server; a sandbox that cannot start is said in words (False)."""
        from sety_console.connect.sandbox_child import SandboxStartError

        if server.sandbox is None:
            return True
        window.status.set_connection("connecting", "Starting the local sandbox with demo data…")
        try:
            await server.ready()
        except (SandboxStartError, OSError) as exc:
            log.error("the sandbox could not start: %s", exc)
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(window, "The sandbox could not start", str(exc))
            return False
        return True

    async def _change_connection(self, window: MainWindow, switch: Callable[[Server], None]) -> None:
        """File → Connection…: the Sety API or a control-room hub, checked, saved, and used at once."""
        from .connection_flow import ask_connection

        answer = await ask_connection(self.settings, window)
        if answer is not None:
            log.info("switching to %s%s", answer.url, " (control-room hub)" if answer.hub else "")
            switch(answer.server(self.settings))

    def _on_refused(
        self, status: ConnectionStatus, window: MainWindow, server: Server, change: Callable[[], None]
    ) -> None:
        """A 401: say which key was refused and offer the connection dialog, once per refusal."""
        from sety_console.core.connection import ConnectionState

        from .connection_flow import offer_new_key

        refused = status.state is ConnectionState.UNAUTHORIZED
        if refused and not self._refusal_shown:
            offer_new_key(window, server.key_hint, change)
        self._refusal_shown = refused

    def _switch_theme(self, name: str) -> None:
        from sety_console.ui.common.theme import apply_theme

        self.settings.theme = apply_theme(self.qt_app, name)  # type: ignore[assignment]
        config.save_settings(self.settings)


def _free_on_this_thread() -> None:
    """Delete the replaced window now and collect what it leaves in reference cycles (pyqtgraph's menus,
    models without a parent) here, on the GUI thread: a collection that happened to run on a disk worker's
    thread would destroy those Qt objects off their thread."""
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


def _close_on_termination(window: MainWindow) -> None:
    """SIGTERM (logout, shutdown, `kill`) and Ctrl+C close the window the normal way: snapshot saved,
    sandbox child ended (pending actions stay saved for the next start)."""
    loop = asyncio.get_running_loop()

    def terminate() -> None:
        window.close_guard = None
        window.close()

    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, terminate)
        except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not the main thread
            log.debug("no handler for %s on this platform", sig)


def screenshot_path(value: str) -> Path:
    path = Path(value).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
