"""What a control-room hub adds to one window, and when to leave it.

On a hub session (`HubWiring`): "via hub" in the status bar and the connection told in hub words, the
environment badge from the hub's hello, a refused token said in the hub's words with the connection
dialog offered, claims in the queue, who is on shift and the shared audit in the supervisor workspace,
alarm actions the hub has not recorded yet. When the hub stays unreachable past `STAND_IN_AFTER_S`, the
console moves to another of the hub's addresses that answers, else (only when this workstation has its
own key) polls Sety directly; a refused token never falls back (its revocation must hold).

On that stand-in direct session (`StandInWatch`): it says the hub is unreachable and what is not shared,
and goes back to the hub as soon as one of its addresses answers. Both switch through `switch(server)`,
the composition root's loop (`ConsoleApp._serve`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer

from sety_console import config
from sety_console.connect.servers import (
    DEFAULT_API_URL,
    HUB_LABELS,
    HubChoice,
    Server,
    stand_in_server,
)
from sety_console.core.connection import ConnectionStatus
from sety_console.core.hub_link import OFFLINE_STATES, LinkState
from sety_console.core.hub_session import HubSession
from sety_console.core.hub_words import KEPT, UP, hub_host, hub_message, link_words
from sety_console.core.wording import category_name
from sety_console.credentials import load_own_key
from sety_console.ui.common.slots import run_task
from sety_console.ui.hub_signals import HubSignals
from sety_console.ui.incidents.queue_claims import QueueClaims
from sety_console.ui.supervisor.on_shift import OnShiftPanel

from .connection_flow import offer_new_key, reach_hub
from .shell import Shell

log = logging.getLogger(__name__)
STAND_IN_AFTER_S = 15.0
"""The hub unreachable this long (the picture is offline by then): try another address or the own key."""
RETRY_STAND_IN_S = 30.0
PROBE_HUB_EVERY_S = 15.0
AUDIT_SHOWN = 300
Switch = Callable[[Server], None]


class HubWiring(QObject):
    """A hub session's extras on one window (see the module docstring)."""

    def __init__(
        self,
        shell: Shell,
        server: Server,
        settings: config.Settings,
        switch: Switch,
        change: Callable[[], None],
    ) -> None:
        assert server.hub is not None
        assert server.hub_choice is not None
        super().__init__(shell.ctx.window)
        self.shell, self.server, self.settings = shell, server, settings
        self.hub: HubSession = server.hub
        self._switch, self._change = switch, change
        self.host = hub_host(self.hub.contract_url)
        self.state: LinkState | None = None
        self._connected_once = False
        self._down_since: float | None = None
        """Since when the stream has failed to connect (not counting the first try's own time)."""
        self._next_stand_in = 0.0
        self._refusal_shown = False
        self._audit_loaded = False
        self._environment = ""
        ctx = shell.ctx
        self.signals = HubSignals(self.hub, self)
        self.claims = QueueClaims(shell.control_room.queue, self.hub, self._me, self)
        self.claims.message.connect(lambda text: ctx.tell(text, 12))
        self.on_shift = OnShiftPanel(self._describe)
        supervisor = shell.rooms.get("supervisor")
        if supervisor is not None:
            right = Qt.DockWidgetArea.RightDockWidgetArea
            supervisor.host.add_dock("on-shift", "On shift · shared audit", self.on_shift, right)
        self.signals.link_changed.connect(self._on_link)
        self.signals.claim_changed.connect(self.claims.on_claim)
        self.signals.shift_changed.connect(self.on_shift.show_shift)
        self.signals.audit_added.connect(self.on_shift.add_audit)
        self.signals.unshared_changed.connect(ctx.window.status.set_unshared)
        self.signals.refused.connect(lambda text: ctx.tell(text, 30))
        ctx.signals.connection_changed.connect(self._on_connection)
        ctx.window.status.via_hub = True
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self._watch)
        self._timer.start()
        self._show_link()

    def close(self) -> None:
        """Stop watching (the session ends); harmless once the window is gone."""
        with contextlib.suppress(RuntimeError):
            self._timer.stop()
            self.signals.detach()

    def _describe(self, target_id: str) -> str:
        """`SOS — Chioma Okafor` for an incident this console knows, else the id as the hub gave it."""
        incident = self.hub.session.incidents.get(target_id)
        if incident is None:
            return target_id
        who = incident.subject.name or incident.location.address or target_id
        return f"{category_name(incident.category)} — {who}"

    def _me(self) -> str:
        hello = self.hub.link.hello
        return hello.operator if hello is not None and hello.operator else self.settings.operator_name

    # --- the link --------------------------------------------------------------------------------

    def _on_link(self, state: LinkState) -> None:
        self.state = state
        if state in UP:
            self._connected_once, self._down_since = True, None
            self._on_connected()
        elif state is LinkState.DROPPED and self._down_since is None:
            self._down_since = time.monotonic()
        if state is LinkState.REFUSED:
            self._offer_new_token()
        self._show_link()
        self._on_connection(self.hub.session.connection.status)

    def _on_connected(self) -> None:
        link, window = self.hub.link, self.shell.ctx.window
        environment = link.hello.environment if link.hello is not None else ""
        if environment in HUB_LABELS and environment != self._environment:
            self._environment = environment
            window.set_environment(environment, HUB_LABELS[environment])
        self.claims.show_all(link.claims)
        self.on_shift.show_shift(link.on_shift)
        if not self._audit_loaded:
            self._audit_loaded = True
            run_task(self._load_audit(), "reading the shared audit log")

    async def _load_audit(self) -> None:
        from sety_console.api import SetyError

        try:
            records = await self.hub.hub.audit(limit=AUDIT_SHOWN, newest=True)
        except SetyError as error:
            self._audit_loaded = False  # read again at the next connection
            log.warning("could not read the hub's audit log: %s", error)
            return
        self.on_shift.show_audit(records)

    def _show_link(self) -> None:
        text, level = link_words(self.state, self.host, connected_once=self._connected_once)
        tip = f"Connected through the control-room hub at {self.hub.contract_url} as {self._me()}."
        self.shell.ctx.window.status.set_hub_link(text, level, tip)

    def _on_connection(self, status: ConnectionStatus) -> None:
        sety = self.hub.link.hub_status
        reaches = sety is None or str(sety.connection.get("state", "")) not in OFFLINE_STATES
        text = hub_message(status, self.state, hub_reaches_sety=reaches)
        self.shell.ctx.window.status.set_connection(status.state.value, text)

    def _offer_new_token(self) -> None:
        if self._refusal_shown:
            return
        self._refusal_shown = True
        words = (self.hub.session.connection.status.last_error or "token refused").rstrip(".")
        offer_new_key(self.shell.ctx.window, self.server.key_hint, self._change, hub_words=words)

    # --- leaving an unreachable hub --------------------------------------------------------------

    def _watch(self) -> None:
        now = time.monotonic()
        if self.state is LinkState.REFUSED or self._down_since is None or now < self._next_stand_in:
            return
        if now - self._down_since >= STAND_IN_AFTER_S:
            self._next_stand_in = now + RETRY_STAND_IN_S
            run_task(self._stand_in(), "looking for another way to Sety")

    async def _stand_in(self) -> None:
        choice = self.server.hub_choice
        assert choice is not None
        others = tuple(u for u in choice.urls if u != self.hub.contract_url)
        if others:
            answer, _ = await reach_hub(HubChoice(others, choice.token))
            if answer is not None and self.state not in UP:
                self.shell.ctx.tell(f"The hub at {self.host} is unreachable; switching to {answer.url}.", 20)
                self._switch(answer.server(self.settings))
                return
        url = self.settings.api_url or DEFAULT_API_URL
        key = await asyncio.to_thread(load_own_key, url)
        if self.state in UP:
            return
        if key is None:
            log.info("the hub is unreachable and this workstation has no key of its own: waiting for the hub")
            self.shell.ctx.tell(
                f"The hub at {self.host} is unreachable and this workstation has no Sety key of its own: "
                f"waiting for the hub; {KEPT}",
                30,
            )
            return
        log.warning("the hub is unreachable: polling Sety directly with this workstation's own key")
        self._switch(stand_in_server(choice, url, key))


class StandInWatch(QObject):
    """On a direct session standing in for an unreachable hub: say so; go back once the hub answers."""

    def __init__(self, shell: Shell, server: Server, settings: config.Settings, switch: Switch) -> None:
        assert server.hub_choice is not None
        super().__init__(shell.ctx.window)
        self.choice, self.settings, self._switch = server.hub_choice, settings, switch
        status = shell.ctx.window.status
        status.set_hub_link(
            "Hub unreachable — on Sety directly with this workstation's key",
            "degraded",
            "The control-room hub does not answer, so this workstation polls Sety with its own key. "
            "Acknowledgements, shelving and claims are not shared with the other workstations meanwhile; "
            "the console goes back to the hub by itself as soon as it answers.",
        )
        shell.ctx.tell(
            "The control-room hub is unreachable: polling Sety directly with this workstation's own key. "
            "Alarm actions and claims are not shared until the hub is back.",
            30,
        )
        self._probing = False
        self._timer = QTimer(self, interval=int(PROBE_HUB_EVERY_S * 1000))
        self._timer.timeout.connect(self._probe)
        self._timer.start()

    def close(self) -> None:
        with contextlib.suppress(RuntimeError):  # the window may be gone already
            self._timer.stop()

    def _probe(self) -> None:
        if not self._probing:
            self._probing = True
            run_task(self._back_to_hub(), "checking whether the hub answers again")

    async def _back_to_hub(self) -> None:
        try:
            answer, _ = await reach_hub(self.choice)
        finally:
            self._probing = False
        if answer is not None:
            log.info("the control-room hub answers again at %s: going back to it", answer.url)
            self._timer.stop()
            self._switch(answer.server(self.settings))


def wire_hub(
    shell: Shell, server: Server, settings: config.Settings, switch: Switch, change: Callable[[], None]
) -> HubWiring | StandInWatch | None:
    """The hub's extras for `server` (None on a plain direct or sandbox session)."""
    if server.hub is not None:
        return HubWiring(shell, server, settings, switch, change)
    if server.hub_choice is not None:
        return StandInWatch(shell, server, settings, switch)
    return None
