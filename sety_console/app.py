"""Composition root: builds the client, the core and the windows on one qasync loop.

`run(args)` is what `sety-console` does without a subcommand: pick the server (a configured Sety
API, else the embedded sandbox with demo data), build the `ConsoleSession` and the main window,
and run until the window closes — or, with `--screenshot`, until the data has loaded and a PNG of
the window is saved.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sety_console import config
from sety_console.backend import DEFAULT_API_URL, Backend, configured_api, remote_backend, sandbox_backend
from sety_console.credentials import CredentialError, save_api_key
from sety_console.logging_setup import setup_logging

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)
SCREENSHOT_TIMEOUT_S = 90.0


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
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Sety Console")
    app.setOrganizationName("Sety")
    app.setDesktopFileName("io.sety.Console")
    from PySide6.QtGui import QIcon

    from sety_console.assets import asset_path

    app.setWindowIcon(QIcon(str(asset_path("icons", "app", "sety-console.svg"))))
    from sety_console.ui.main_thread_gc import MainThreadGarbageCollector

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    collector = MainThreadGarbageCollector(app)
    collector.start()
    try:
        with loop:
            return int(loop.run_until_complete(ConsoleApp(app, settings, out or log.info).run(args)))
    finally:
        collector.stop()


class ConsoleApp:
    """One run of the console: backend → session → window, torn down in reverse order."""

    def __init__(self, qt_app: QApplication, settings: config.Settings, out: Callable[[str], None]) -> None:
        self.qt_app = qt_app
        self.settings = settings
        self.out = out

    async def run(self, args: argparse.Namespace) -> int:
        from sety_console.ui.common.theme import apply_theme

        apply_theme(self.qt_app, self.settings.theme)
        backend = await self._open_backend(args)
        if backend is None:
            return 1
        try:
            return await self._run_with(backend, args)
        finally:
            await backend.aclose()

    async def _open_backend(self, args: argparse.Namespace) -> Backend | None:
        configured = None if args.self_test else configured_api(self.settings.api_url)
        if configured is None:
            return await sandbox_backend(self.settings, getattr(args, "sandbox_role", None) or "admin")
        url, key = configured
        if key is None:
            key = await self._ask_for_key(url)
            if key is None:
                log.info("No key given; starting the sandbox with demo data instead")
                return await sandbox_backend(self.settings)
        return remote_backend(url, key)

    async def _ask_for_key(self, url: str) -> str | None:
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
            save_api_key(dialog.url.text().strip(), key)
        except CredentialError as exc:
            log.warning("%s", exc)
        self.settings.api_url = dialog.url.text().strip()
        config.save_settings(self.settings)
        return key

    async def _run_with(self, backend: Backend, args: argparse.Namespace) -> int:
        from PySide6.QtCore import QSettings

        from sety_console.core.session import ConsoleSession
        from sety_console.ui.main_window import MainWindow
        from sety_console.ui.workspaces import build_workspaces

        session = ConsoleSession(
            backend.client,
            data_dir=backend.profile_dir,
            operator_name=self.settings.operator_name,
            workstation=self.settings.workstation,
        )
        qsettings = QSettings(str(config.config_dir() / "workstation.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings=qsettings, log_dir=str(config.log_dir()))
        window.set_environment(backend.environment, backend.label)
        if backend.environment == "sandbox":
            notice = "Sandbox with demo data: nothing is real, nobody is dispatched."
            window.status.tell(notice, 30)
        window.status.set_operator(self.settings.operator_name)
        window.theme_requested.connect(self._switch_theme)
        window.connection_settings_requested.connect(lambda: asyncio.ensure_future(self._change_connection()))
        from sety_console.core.local_time import DEMO_ZONE, service_zone, show_times_in

        zone = service_zone(self.settings.time_zone, DEMO_ZONE if backend.environment == "sandbox" else None)
        show_times_in(zone)
        workspaces = build_workspaces(window, session, self.settings, source=backend.label, zone=zone)
        try:
            await session.start()
            workspaces.open_first(args.workspace)
            if args.self_test:
                return await workspaces.self_test(self.out)
            if args.screenshot:
                return await workspaces.screenshot(screenshot_path(args.screenshot), SCREENSHOT_TIMEOUT_S)
            window.restore_window()
            window.show()
            closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            window.closing.connect(lambda: None if closed.done() else closed.set_result(None))
            await closed
            return 0
        finally:
            workspaces.close()
            await session.close()

    async def _change_connection(self) -> None:
        """File → Connection…: a new URL and key, checked and saved; used from the next start."""
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
