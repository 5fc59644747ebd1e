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
from sety_console.logging_setup import setup_logging

from . import startup_trace

# The window paints before the heavy modules load: the server link, the api models, the core and the
# workspaces are imported inside the methods that first need them.
if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from sety_console.connect.servers import Server
    from sety_console.ui.main_window import MainWindow
    from sety_console.ui.workspaces.control_room import ControlRoom

    from .shell import Shell

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
    """One run of the console: server → session → window, torn down in reverse order."""

    def __init__(self, qt_app: QApplication, settings: config.Settings, out: Callable[[str], None]) -> None:
        self.qt_app = qt_app
        self.settings = settings
        self.out = out

    async def run(self, args: argparse.Namespace) -> int:
        """Paint the window at once; then choose the server, start it, build the workspaces, poll."""
        from PySide6.QtCore import QSettings

        from sety_console.ui.common.theme import apply_theme

        apply_theme(self.qt_app, self.settings.theme)
        qsettings = QSettings(str(config.config_dir() / "workstation.ini"), QSettings.Format.IniFormat)
        window = self._build_window(qsettings)
        if startup_trace.enabled():
            self._marks = [startup_trace.PaintMark("paint")]
            window.installEventFilter(self._marks[0])
        if not (args.self_test or args.screenshot):
            window.restore_window()
            window.show()
        await asyncio.sleep(0)  # the first paint happens here, before the heavy imports
        server = await self._choose_server(args)
        if server is None:
            return 1
        window.set_environment(server.environment, server.label)
        if server.environment == "sandbox":
            window.status.tell(SANDBOX_NOTICE, 30)
        try:
            return await self._run_with(server, window, qsettings, args)
        finally:
            await server.aclose()

    async def _choose_server(self, args: argparse.Namespace) -> Server | None:
        from sety_console.connect.servers import configured_api, remote_server, sandbox_server

        role = getattr(args, "sandbox_role", None) or "admin"
        configured = None
        if not args.self_test:  # the keyring may be slow: never on the GUI thread
            configured = await asyncio.to_thread(configured_api, self.settings.api_url)
        if configured is None:
            return sandbox_server(self.settings, role)
        url, key = configured
        if key is None:
            key = await self._ask_for_key(url)
            if key is None:
                log.info("No key given; starting the sandbox with demo data instead")
                return sandbox_server(self.settings)
        return remote_server(url, key)

    async def _ask_for_key(self, url: str) -> str | None:
        from sety_console.credentials import CredentialError, save_api_key
        from sety_console.ui.connection_dialog import ConnectionDialog

        dialog = ConnectionDialog(check_connection, url=url)
        dialog.setModal(True)
        dialog.show()
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        dialog.finished.connect(lambda code: None if done.done() else done.set_result(code))
        if await done != ConnectionDialog.DialogCode.Accepted:
            return None
        key = dialog.key.text().strip()
        try:
            await asyncio.to_thread(save_api_key, dialog.url.text().strip(), key)
        except CredentialError as exc:
            log.warning("%s", exc)
        self.settings.api_url = dialog.url.text().strip()
        config.save_settings(self.settings)
        return key

    def _build_window(self, qsettings: QSettings) -> MainWindow:
        from sety_console.ui.common.slots import run_task
        from sety_console.ui.main_window import MainWindow

        window = MainWindow(settings=qsettings, log_dir=str(config.log_dir()))
        window.status.set_operator(self.settings.operator_name)
        window.theme_requested.connect(self._switch_theme)
        window.connection_settings_requested.connect(
            lambda: run_task(self._change_connection(), "changing the connection")
        )
        return window

    async def _run_with(
        self, server: Server, window: MainWindow, qsettings: QSettings, args: argparse.Namespace
    ) -> int:
        from sety_console.core.session import ConsoleSession

        from . import checks
        from .wiring import build_shell

        connecting = asyncio.ensure_future(self._connect(server, window))  # the sandbox starts meanwhile
        session = ConsoleSession(
            server.client,
            data_dir=server.profile_dir,
            operator_name=self.settings.operator_name,
            workstation=self.settings.workstation,
            server_id=server.server_id,
        )
        await session.show_snapshot()
        shell = await build_shell(
            window,
            session,
            self.settings,
            qsettings,
            source=server.label,
            first=args.workspace,
            control_built=self._trace_data if startup_trace.enabled() else None,
        )
        try:
            if startup_trace.enabled():
                self._trace_map(window, shell)
            if not await connecting:
                return 1
            server.on_restart = lambda: window.status.tell(
                "The local sandbox stopped and was restarted; the picture carries on.", 20
            )
            await session.start()
            if args.self_test:
                return await checks.self_test(shell, self.out)
            if args.screenshot:
                return await checks.screenshot(shell, screenshot_path(args.screenshot), SCREENSHOT_TIMEOUT_S)
            closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            window.closing.connect(lambda: None if closed.done() else closed.set_result(None))
            _close_on_termination(window)
            await closed
            return 0
        finally:
            connecting.cancel()
            shell.close()
            await session.close()

    def _trace_data(self, control: ControlRoom) -> None:
        """bench_startup: the first paint of the queue with rows in it."""
        mark = startup_trace.PaintMark("data", lambda: control.model.rowCount() > 0)
        self._marks.append(mark)
        control.queue.table.viewport().installEventFilter(mark)

    def _trace_map(self, window: MainWindow, shell: Shell) -> None:
        """bench_startup: the map's first drawn push."""
        from PySide6.QtCore import QTimer

        view = shell.map_room.view
        timer = QTimer(window, interval=50)

        def map_drawn() -> None:
            if view.rendered_seq > 0:
                startup_trace.mark("map")
                timer.stop()

        timer.timeout.connect(map_drawn)
        timer.start()

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

    async def _change_connection(self) -> None:
        """File → Connection…: a new URL and key, checked and saved; used from the next start."""
        from sety_console.connect.servers import DEFAULT_API_URL

        url = self.settings.api_url or DEFAULT_API_URL
        if await self._ask_for_key(url) is not None:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.information(
                None,
                "Connection saved",
                "The new connection is saved. Sety Console will use it when you next start it; "
                "until then it stays connected as it is now.",
            )

    def _switch_theme(self, name: str) -> None:
        from sety_console.ui.common.theme import apply_theme

        self.settings.theme = apply_theme(self.qt_app, name)  # type: ignore[assignment]
        config.save_settings(self.settings)


def _close_on_termination(window: MainWindow) -> None:
    """SIGTERM (logout, shutdown, `kill`) and Ctrl+C close the window the normal way: snapshot saved,
    sandbox child ended."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, window.close)
        except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not the main thread
            log.debug("no handler for %s on this platform", sig)


async def check_connection(url: str, key: str) -> str | None:
    """None when `url` answers a health check and `key` may list incidents, else what is wrong."""
    from sety_console.api import PermissionDeniedError, SetyClient, SetyError

    try:
        async with SetyClient(url, key) as client:
            await client.health_check()
            try:
                await client.list_incidents(limit=1)
            except PermissionDeniedError:
                await client.list_current_visitors()  # a gate key may not read incidents
    except ValueError as exc:
        return str(exc)
    except SetyError as exc:
        return str(exc)
    return None


def screenshot_path(value: str) -> Path:
    path = Path(value).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
