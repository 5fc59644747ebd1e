"""Choosing the server at start, and File → Connection…: asked, checked, saved (or used for this
session only when the keyring refuses), then applied at once — no restart."""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from sety_console import config

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from sety_console.connect.servers import Server

log = logging.getLogger(__name__)


async def choose_server(
    settings: config.Settings, args: argparse.Namespace, parent: QWidget
) -> Server | None:
    """The configured API (asking for a missing key), else the profile's sandbox."""
    from sety_console.connect.servers import configured_api, remote_server, sandbox_server

    role = getattr(args, "sandbox_role", None) or "admin"
    configured = None
    if not args.self_test:  # the keyring may be slow: never on the GUI thread
        configured = await asyncio.to_thread(configured_api, settings.api_url)
    if configured is None:
        return sandbox_server(settings, role)
    url, key = configured
    if key is None:
        answer = await ask_connection(settings, url, parent)
        if answer is None:
            log.info("No key given; starting the sandbox with demo data instead")
            return sandbox_server(settings)
        url, key = answer
    return remote_server(url, key)


async def ask_connection(settings: config.Settings, url: str, parent: QWidget) -> tuple[str, str] | None:
    """The connection dialog; a checked (url, key), saved in the keyring or knowingly not; None: cancelled."""
    from PySide6.QtWidgets import QMessageBox

    from sety_console.credentials import CredentialError, save_api_key
    from sety_console.ui.connection_dialog import ConnectionDialog

    dialog = ConnectionDialog(check_connection, url=url, parent=parent)
    dialog.setModal(True)
    dialog.show()
    done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    dialog.finished.connect(lambda code: None if done.done() else done.set_result(code))
    if await done != ConnectionDialog.DialogCode.Accepted:
        return None
    url, key = dialog.url.text().strip(), dialog.key.text().strip()
    try:
        await asyncio.to_thread(save_api_key, url, key)
    except CredentialError as exc:
        log.warning("%s", exc)
        choice = QMessageBox.warning(
            parent,
            "The key was not saved",
            f"{exc}\n\nUse this key for this session only? Sety Console will ask for it again at the "
            "next start.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Yes,
        )
        if choice != QMessageBox.StandardButton.Yes:
            return None
    settings.api_url = url
    config.save_settings(settings)
    return url, key


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


def offer_new_key(window: QWidget, key_hint: str, open_settings: Callable[[], object]) -> None:
    """The server refused the key (401): say which one, and offer the connection dialog (non-modal)."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(window)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("API key refused")
    box.setText(f"The server refused the API key {key_hint or '(none)'}.")
    box.setInformativeText(
        "It may have been revoked, or the server was restarted with new keys. Until a valid key is "
        "given, the console shows what it last knew and keeps your actions."
    )
    settings = box.addButton("Connection settings…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
    box.buttonClicked.connect(lambda button: open_settings() if button is settings else None)
    box.open()
