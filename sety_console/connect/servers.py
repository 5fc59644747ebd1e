"""Which Sety API the console talks to — a configured one (URL + key), a control-room hub (its URLs + an
operator token), or the profile's sandbox — and where that server's local data lives. `app.py` and
`sety-console report` both resolve it here.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sety_console import config
from sety_console.api import SetyClient
from sety_console.credentials import environment_of, is_hub_token, load_api_key
from sety_console.sandbox.serving import ServingInfo

from .sandbox_child import SandboxChild

if TYPE_CHECKING:
    from sety_console.core.hub_session import HubSession

log = logging.getLogger(__name__)
DEFAULT_API_URL = "https://intel-api.sety.io/v1/external"
SANDBOX_ROLES = ("admin", "operator", "guard", "supervisor")
_NOT_YET_STARTED = "http://127.0.0.1:1/v1/external"  # replaced as soon as the sandbox child reports
CONTRACT_SUFFIX = "/v1/external"
HUB_LABEL = "Control-room hub — environment not known yet"
HUB_LABELS = {"live": "LIVE", "test": "TEST — nothing is dispatched"}
"""The badge once the hub's hello told its org key's environment (the status bar says "via hub")."""


@dataclass(frozen=True)
class HubChoice:
    """A control-room hub to connect through: its addresses (tried in order) and the operator's token."""

    urls: tuple[str, ...]
    token: str = field(repr=False)

    @property
    def profile(self) -> str:
        """Folder name of this hub's local data (the same whichever of its addresses answers)."""
        return "hub-" + hashlib.sha256("|".join(sorted(self.urls)).encode()).hexdigest()[:12]


@dataclass
class Server:
    """A server to talk to: its client, what kind it is, and the folder of its local data."""

    client: SetyClient
    environment: str  # "live", "test" or "sandbox"
    label: str  # what the environment badge says
    profile_dir: Path  # outbox, snapshot cache and alert log of this server + environment
    server_id: str  # whose data a snapshot holds (stable across sandbox restarts)
    sandbox: SandboxChild | None = None
    role: str = "admin"
    key_hint: str = ""
    """The key as an operator may see it (`sety_test_…1a2b`), to say which one a server refused."""
    on_restart: Callable[[], None] | None = None
    """Called after the sandbox child was restarted (and the client pointed at it)."""
    hub: HubSession | None = None
    """On a control-room hub: the session built on it (use `hub.session` as the console's session)."""
    hub_choice: HubChoice | None = None
    """The hub this server is (`hub` set), or stands in for (a direct key while the hub is unreachable)."""

    async def ready(self) -> None:
        """Wait until the server can answer (starts or joins the sandbox; a real API is ready at once)."""
        if self.sandbox is not None and self.sandbox.info is None:
            self._use(await self.sandbox.start())

    def _use(self, info: ServingInfo) -> None:
        """Point the client at the sandbox's address with this role's key."""
        key = info.keys[self.role]
        self.client.retarget(info.url, key)
        self.key_hint = hint(key)

    def _restarted(self, info: ServingInfo) -> None:
        self._use(info)
        if self.on_restart is not None:
            self.on_restart()

    async def aclose(self) -> None:
        if self.hub is not None:
            await self.hub.close()
        await self.client.aclose()
        if self.sandbox is not None:
            await self.sandbox.stop()


def hint(api_key: str) -> str:
    """A key as an operator may see it: its kind and last four characters, never the whole key."""
    if is_hub_token(api_key):
        kind = "sety_hub_"
    else:
        kind = "sety_live_" if api_key.startswith("sety_live_") else "sety_test_"
    return f"{kind}…{api_key[-4:]}"


def hub_contract_url(address: str) -> str:
    """`https://hub:8443/v1/external` from what an operator may type (`https://hub:8443`, `hub:8443`)."""
    url = address.strip().rstrip("/")
    if "://" not in url:
        url = "https://" + url
    return url if url.endswith(CONTRACT_SUFFIX) else url + CONTRACT_SUFFIX


def hub_addresses(text: str | Sequence[str]) -> tuple[str, ...]:
    """The hub's contract URLs from a comma-, space- or line-separated list (duplicates dropped)."""
    parts = text.replace(",", " ").split() if isinstance(text, str) else list(text)
    return tuple(dict.fromkeys(hub_contract_url(p) for p in parts if p.strip()))


def hub_server(
    choice: HubChoice, settings: config.Settings, *, url: str | None = None, environment: str = ""
) -> Server:
    """A session on a control-room hub at `url` (default: its first address), built but not started."""
    from sety_console.core.hub_session import connect_to_hub  # the websockets client: only when used

    url = url or choice.urls[0]
    folder = profile_dir(choice.profile)
    server_id = f"hub:{choice.profile}"  # one picture, whichever address answers (or a stand-in key)
    hub = connect_to_hub(  # every address: the stream moves on to another hub and resumes, with no gap
        [url, *(u for u in choice.urls if u != url)],
        choice.token,
        data_dir=folder,
        operator_name=settings.operator_name,
        workstation=settings.workstation,
        server_id=server_id,
    )
    label = HUB_LABELS.get(environment, HUB_LABEL)
    server = Server(hub.client, environment or "hub", label, folder, server_id, hub=hub, hub_choice=choice)
    server.key_hint = hint(choice.token)
    return server


def stand_in_server(choice: HubChoice, api_url: str, api_key: str) -> Server:
    """This workstation's own key on Sety while the hub is unreachable: the hub's profile (its snapshot and
    the actions waiting to be sent, which carry their idempotency keys), polled directly."""
    server = remote_server(api_url, api_key)
    server.profile_dir = profile_dir(choice.profile)
    server.server_id = f"hub:{choice.profile}"
    server.hub_choice = choice
    return server


def profile_dir(name: str) -> Path:
    return config.data_dir() / "profiles" / name


def sandbox_profile(role: str) -> str:
    """Each sandbox role keeps its own local data: a guard's console never shows the admin's snapshot."""
    return "sandbox" if role == "admin" else f"sandbox-{role}"


def remote_server(api_url: str, api_key: str) -> Server:
    """A real Sety API (or any server speaking the contract) with `api_key`."""
    environment = environment_of(api_key)
    digest = hashlib.sha256(f"{api_url}|{environment}".encode()).hexdigest()[:12]
    label = "LIVE" if environment == "live" else "TEST — nothing is dispatched"
    client = SetyClient(api_url, api_key)
    server = Server(client, environment, label, profile_dir(digest), server_id=client.base_url)
    server.key_hint = hint(api_key)
    return server


def sandbox_server(settings: config.Settings, role: str = "admin", *, traffic: bool = True) -> Server:
    """The profile's demo sandbox, run as a child process (or joined when already running).

    The client is usable once `ready()` returns; until then the snapshot can be shown.
    """
    if role not in SANDBOX_ROLES:
        raise ValueError(f"unknown sandbox role {role!r}")
    database = config.sandbox_database()
    child = SandboxChild(
        database,
        speed=settings.sandbox_speed,
        traffic_per_minute=settings.sandbox_traffic_per_minute if traffic else 0.0,
        log_file=config.log_dir() / "sandbox.log",
    )
    label = "SANDBOX — demo data" if role == "admin" else f"SANDBOX — demo data ({role} key)"
    client = SetyClient(_NOT_YET_STARTED, None)
    server = Server(
        client,
        "sandbox",
        label,
        profile_dir(sandbox_profile(role)),
        f"sandbox:{database}",
        sandbox=child,
        role=role,
    )
    child.on_change = server._restarted
    return server


def configured_api(api_url: str | None) -> tuple[str, str | None] | None:
    """(url, key) when a real API is configured (by URL or by a key in the environment), else None."""
    if api_url:
        return api_url, load_api_key(api_url)
    key = load_api_key(DEFAULT_API_URL)
    return (DEFAULT_API_URL, key) if key else None
