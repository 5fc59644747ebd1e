"""Choosing the server at start, and File → Connection…: asked (the Sety API directly, or a control-room
hub), checked, saved (or used for this session only when the keyring refuses), then applied at once —
no restart."""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sety_console import config

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from sety_console.connect.servers import HubChoice, Server

log = logging.getLogger(__name__)
HUB_CHECK_TIMEOUT_S = 4.0


@dataclass(frozen=True)
class Answer:
    """A checked connection: the Sety API (`url`, `key`) or a hub (`hub`, reached at `url`)."""

    url: str
    key: str
    hub: HubChoice | None = None
    environment: str = ""
    """The hub's org key environment ("live"/"test"), learnt by the check."""

    def server(self, settings: config.Settings) -> Server:
        from sety_console.connect.servers import hub_server, remote_server

        if self.hub is None:
            return remote_server(self.url, self.key)
        return hub_server(self.hub, settings, url=self.url, environment=self.environment)


async def choose_server(
    settings: config.Settings, args: argparse.Namespace, parent: QWidget
) -> Server | None:
    """The configured hub or API (asking for a missing key or token), else the profile's sandbox."""
    from sety_console.connect.servers import HubChoice, configured_api, hub_addresses, sandbox_server
    from sety_console.credentials import is_hub_token, load_hub_token

    role = getattr(args, "sandbox_role", None) or "admin"
    if args.self_test:  # the keyring may be slow and a self-test must not depend on it
        return sandbox_server(settings, role)
    answer: Answer | None
    if settings.via_hub and settings.hub_urls:
        urls = hub_addresses(settings.hub_urls)
        token = await asyncio.to_thread(load_hub_token, urls[0])
        answer = await first_answering(HubChoice(urls, token)) if token else None
        if answer is None:
            answer = await ask_connection(settings, parent, mode="hub")
    else:
        configured = await asyncio.to_thread(configured_api, settings.api_url)
        if configured is None:
            return sandbox_server(settings, role)
        url, key = configured
        if key is not None and is_hub_token(key):  # SETY_API_URL=<hub> SETY_API_KEY=sety_hub_…
            answer = await first_answering(HubChoice(hub_addresses([url]), key))
        elif key is not None:
            answer = Answer(url, key)
        else:
            answer = await ask_connection(settings, parent, url=url)
    if answer is None:
        log.info("No key given; starting the sandbox with demo data instead")
        return sandbox_server(settings)
    return answer.server(settings)


async def ask_connection(
    settings: config.Settings, parent: QWidget, *, url: str | None = None, mode: str | None = None
) -> Answer | None:
    """The connection dialog; a checked answer, saved in the keyring or knowingly not; None: cancelled."""
    from sety_console.connect.servers import DEFAULT_API_URL, hub_addresses
    from sety_console.ui.connection_dialog import HUB, ConnectionDialog

    checked: list[Answer] = []

    async def check(how: str, address: str, key: str) -> str | None:
        checked.clear()
        answer, problem = await (check_hub(address, key) if how == HUB else check_direct(address, key))
        if answer is not None:
            checked.append(answer)
        return problem

    dialog = ConnectionDialog(
        check,
        url=url or settings.api_url or DEFAULT_API_URL,
        hub_urls=", ".join(hub_addresses(settings.hub_urls)),
        mode=mode or ("hub" if settings.via_hub else "direct"),
        parent=parent,
    )
    dialog.setModal(True)
    dialog.show()
    done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    dialog.finished.connect(lambda code: None if done.done() else done.set_result(code))
    if await done != ConnectionDialog.DialogCode.Accepted or not checked:
        return None
    answer = checked[0]
    if not await _keep_key(answer, parent):
        return None
    if answer.hub is not None:
        settings.hub_urls, settings.via_hub = list(answer.hub.urls), True
    else:
        settings.api_url, settings.via_hub = answer.url, False
    config.save_settings(settings)
    return answer


async def _keep_key(answer: Answer, parent: QWidget) -> bool:
    """Save the key (or token) in the keyring; when it cannot be, ask whether to use it this session."""
    from PySide6.QtWidgets import QMessageBox

    from sety_console.credentials import CredentialError, save_api_key

    where = answer.hub.urls[0] if answer.hub is not None else answer.url
    try:
        await asyncio.to_thread(save_api_key, where, answer.hub.token if answer.hub else answer.key)
    except CredentialError as exc:
        log.warning("%s", exc)
        what = "token" if answer.hub is not None else "key"
        choice = QMessageBox.warning(
            parent,
            f"The {what} was not saved",
            f"{exc}\n\nUse this {what} for this session only? Sety Console will ask for it again at the "
            "next start.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Yes,
        )
        return choice == QMessageBox.StandardButton.Yes
    return True


async def check_direct(url: str, key: str) -> tuple[Answer | None, str | None]:
    """`url` answers a health check and `key` may list incidents (or visitors), else what is wrong."""
    from sety_console.api import PermissionDeniedError, SetyClient, SetyError
    from sety_console.credentials import is_hub_token

    if is_hub_token(key):
        return None, "That is a control-room hub token: choose “Control-room hub” above."
    try:
        async with SetyClient(url, key) as client:
            await client.health_check()
            try:
                await client.list_incidents(limit=1)
            except PermissionDeniedError:
                await client.list_current_visitors()  # a gate key may not read incidents
    except (ValueError, SetyError) as exc:
        return None, str(exc)
    return Answer(url, key), None


async def check_hub(addresses: str, token: str) -> tuple[Answer | None, str | None]:
    """The first of the hub's addresses that accepts `token`, else what is wrong (in the hub's words)."""
    from sety_console.connect.servers import HubChoice, hub_addresses
    from sety_console.credentials import is_hub_token

    urls = hub_addresses(addresses)
    if not urls:
        return None, "Enter the control-room hub's address (ask its administrator)."
    if not is_hub_token(token):
        return None, "An operator token starts with sety_hub_ (the hub's administrator prints it once)."
    return await reach_hub(HubChoice(urls, token))


async def first_answering(choice: HubChoice) -> Answer:
    """The first of the hub's addresses that answers (else its first: the console keeps trying it)."""
    answer, problem = await reach_hub(choice)
    if answer is None:
        log.warning("no address of the control-room hub answered at start: %s", problem)
        return Answer(choice.urls[0], "", choice)
    return answer


async def reach_hub(choice: HubChoice) -> tuple[Answer | None, str | None]:
    """The first of the hub's addresses that accepts the token (its org key's environment learnt), else
    None and why (a refused token stops the search: the other addresses share its operator book)."""
    from sety_console.api import AuthenticationError, RetryPolicy, SetyError
    from sety_console.api.hub_stream import HubClient

    problems = []
    for url in choice.urls:
        try:
            once = RetryPolicy.never()  # the next address is the retry
            async with HubClient(url, choice.token, timeout=HUB_CHECK_TIMEOUT_S, retry=once) as hub:
                who = await hub.whoami()
        except AuthenticationError as exc:
            return None, f"The hub at {url} refused this operator token: {exc}"
        except (ValueError, SetyError) as exc:
            problems.append(f"{url}: {exc}")
            continue
        return Answer(url, "", choice, who.environment), None
    return None, "No control-room hub answered — " + "; ".join(problems)


def offer_new_key(
    window: QWidget, key_hint: str, open_settings: Callable[[], object], *, hub_words: str | None = None
) -> None:
    """The server refused the key (401): say which one (and, for a hub, in the hub's words), and offer
    the connection dialog (non-modal)."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(window)
    box.setIcon(QMessageBox.Icon.Warning)
    if hub_words is None:
        box.setWindowTitle("API key refused")
        box.setText(f"The server refused the API key {key_hint or '(none)'}.")
        why = "It may have been revoked, or the server was restarted with new keys."
    else:
        box.setWindowTitle("Operator token refused")
        box.setText(f"The control-room hub refused the operator token {key_hint}: “{hub_words}”")
        why = "The hub's administrator may have revoked it or given you a new one."
    box.setInformativeText(
        f"{why} Until a valid one is given, the console shows what it last knew and keeps your actions."
    )
    settings = box.addButton("Connection settings…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
    box.buttonClicked.connect(lambda button: open_settings() if button is settings else None)
    box.open()
