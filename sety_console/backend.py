"""Which Sety API the console talks to: a real one (URL + key) or the embedded sandbox.

Part of the composition root: `app.py` and the CLI call `open_backend`; nothing in ui/ or core/
knows whether the server is real.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sety_console import config
from sety_console.api import SetyClient
from sety_console.credentials import environment_of, load_api_key

if TYPE_CHECKING:
    from sety_console.sandbox.server import SandboxServer

log = logging.getLogger(__name__)
DEFAULT_API_URL = "https://intel-api.sety.io/v1/external"
SANDBOX_ROLES = ("admin", "operator", "guard", "supervisor")


@dataclass
class Backend:
    """An open connection: the client, what kind of server it is, and where its local data lives."""

    client: SetyClient
    base_url: str
    environment: str  # "live", "test" or "sandbox"
    label: str  # what the environment badge says
    profile_dir: Path  # outbox, snapshot cache and alert log of this server + environment
    sandbox: SandboxServer | None = None

    async def aclose(self) -> None:
        await self.client.aclose()
        if self.sandbox is not None:
            await asyncio.to_thread(self.sandbox.stop)


def profile_dir(name: str) -> Path:
    return config.data_dir() / "profiles" / name


def remote_backend(api_url: str, api_key: str) -> Backend:
    """A real Sety API (or any server speaking the contract) with `api_key`."""
    environment = environment_of(api_key)
    digest = hashlib.sha256(f"{api_url}|{environment}".encode()).hexdigest()[:12]
    label = "LIVE" if environment == "live" else "TEST — nothing is dispatched"
    client = SetyClient(api_url, api_key)
    return Backend(client, api_url, environment, label, profile_dir(digest))


async def sandbox_backend(settings: config.Settings, role: str = "admin") -> Backend:
    """Start the embedded sandbox (free 127.0.0.1 port, demo data kept in the user data dir)."""
    from sety_console.sandbox.server import SandboxServer

    db_path = config.data_dir() / "sandbox" / "sandbox.db"
    db_path.parent.mkdir(parents=True, exist_ok=True)
    server = SandboxServer(
        f"sqlite:///{db_path}",
        port=0,
        seed="demo",
        speed=settings.sandbox_speed,
        traffic_per_minute=settings.sandbox_traffic_per_minute,
    )
    await asyncio.to_thread(server.start)
    keys = server.issue_keys()
    client = SetyClient(server.base_url, keys[role])
    label = "SANDBOX — demo data" if role == "admin" else f"SANDBOX — demo data ({role} key)"
    # The port changes at every start; the sandbox's outbox profile must not.
    return Backend(client, server.base_url, "sandbox", label, profile_dir("sandbox"), server)


def configured_api(api_url: str | None) -> tuple[str, str | None] | None:
    """(url, key) when a real API is configured (by URL or by a key in the environment), else None."""
    if api_url:
        return api_url, load_api_key(api_url)
    key = load_api_key(DEFAULT_API_URL)
    return (DEFAULT_API_URL, key) if key else None
