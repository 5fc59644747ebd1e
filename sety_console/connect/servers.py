"""Which Sety API the console talks to — a configured one (URL + key) or the profile's sandbox — and
where that server's local data lives. `app.py` and `sety-console report` both resolve it here.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sety_console import config
from sety_console.api import SetyClient
from sety_console.credentials import environment_of, load_api_key
from sety_console.sandbox.serving import ServingInfo

from .sandbox_child import SandboxChild

log = logging.getLogger(__name__)
DEFAULT_API_URL = "https://intel-api.sety.io/v1/external"
SANDBOX_ROLES = ("admin", "operator", "guard", "supervisor")
_NOT_YET_STARTED = "http://127.0.0.1:1/v1/external"  # replaced as soon as the sandbox child reports


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
        await self.client.aclose()
        if self.sandbox is not None:
            await self.sandbox.stop()


def hint(api_key: str) -> str:
    """A key as an operator may see it: its kind and last four characters, never the whole key."""
    kind = "sety_live_" if api_key.startswith("sety_live_") else "sety_test_"
    return f"{kind}…{api_key[-4:]}"


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
