"""Fixtures of the hub suite: a real sandbox (uvicorn on 127.0.0.1), a real hub in front of it (its
database on SQLite, or on PostgreSQL when `SETY_TEST_DATABASE_URL` is set), and headless console
sessions connected to the hub over real sockets."""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from sety_console.api import SetyClient
from sety_console.api.models import CreateIncidentRequest
from sety_console.core.hub_session import HubSession, connect_to_hub
from sety_console.hub.hub import HubConfig
from sety_console.hub.server import HubServer
from sety_console.sandbox.server import SandboxServer

PG_URL = os.environ.get("SETY_TEST_DATABASE_URL")


@contextmanager
def fresh_database(directory: Path) -> Iterator[str]:
    """A hub database no other test uses: a SQLite file, or a fresh PostgreSQL schema."""
    if not PG_URL:
        yield f"sqlite:///{directory / 'hub.db'}"
        return
    schema = "h_" + uuid.uuid4().hex[:16]
    engine = create_engine(PG_URL)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


class CountingTransport(httpx.AsyncHTTPTransport):
    """What the hub sends to Sety: request lines and answer statuses."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[str] = []
        self.statuses: list[int] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(f"{request.method} {request.url.raw_path.decode()}")
        response = await super().handle_async_request(request)
        self.statuses.append(response.status_code)
        return response


class RecordingTransport(httpx.AsyncHTTPTransport):
    """Everything a workstation received over HTTP (headers and bodies), for the org-key check."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.received: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        body = await response.aread()
        self.received.append(str(dict(response.headers)) + "\n" + body.decode(errors="replace"))
        return httpx.Response(response.status_code, headers=response.headers, content=body, request=request)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    """A real sandbox (no demo history, no responders: only the tests change incidents)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        server = SandboxServer(
            f"sqlite:///{tmp}/sandbox.db",
            seed="none",
            responder_count=0,
            plan_limits={"starter": 60, "growth": 1000, "enterprise": 1000},
        )
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="module")
def keys(sandbox: SandboxServer) -> dict[str, str]:
    return sandbox.issue_keys()


def incident_request(rng: random.Random, severity: str = "high") -> CreateIncidentRequest:
    return CreateIncidentRequest.model_validate(
        {
            "category": rng.choice(["sos", "vehicle", "medical"]),
            "severity": severity,
            "subject": {"name": f"Subject {rng.randrange(10**6)}"},
            "location": {"coordinates": [3.3 + rng.random() * 0.3, 6.4 + rng.random() * 0.2]},
        }
    )


@pytest_asyncio.fixture
async def direct(sandbox: SandboxServer, keys: dict[str, str]) -> AsyncIterator[SetyClient]:
    """A client on Sety itself with another key (the "server side" that makes changes, and the auditor)."""
    async with SetyClient(sandbox.base_url, keys["operator"]) as client:
        yield client


@pytest.fixture
def hub_database(tmp_path: Path) -> Iterator[str]:
    with fresh_database(tmp_path) as url:
        yield url


class HubRig:
    """A running hub, its Sety traffic, and console sessions made on it (closed at the end)."""

    def __init__(self, server: HubServer, sety: CountingTransport, org_key: str, tmp: Path) -> None:
        self.server = server
        self.sety = sety
        self.org_key = org_key
        self.tmp = tmp
        self.sessions: list[HubSession] = []
        self.received: list[str] = []  # every HTTP answer and stream message a workstation got
        self.messages: dict[str, list[str]] = {}  # stream messages, per console

    @property
    def port(self) -> int:
        assert self.server.port is not None
        return self.server.port

    def operator(self, name: str) -> str:
        return self.server.add_operator(name)

    async def console(
        self, name: str, *, token: str | None = None, start: bool = True, url: str | None = None
    ) -> HubSession:
        transport = RecordingTransport()
        mine = self.messages.setdefault(name, [])

        def tap(text: str) -> None:
            mine.append(text)
            self.received.append(text)

        session = connect_to_hub(
            url or self.server.contract_url,
            token or self.operator(name),
            data_dir=self.tmp / f"ws-{name}",
            operator_name=name,
            workstation=f"desk-{name}",
            tap=tap,
            client_options={"transport": transport},
        )
        self.sessions.append(session)
        self._transports.append(transport)
        if start:
            await session.session.start()
        return session

    _transports: list[RecordingTransport]

    def everything_received(self) -> list[str]:
        return self.received + [text for t in self._transports for text in t.received]


MakeRig = Callable[..., Awaitable[HubRig]]


@pytest_asyncio.fixture
async def make_rig(
    sandbox: SandboxServer, keys: dict[str, str], hub_database: str, tmp_path: Path
) -> AsyncIterator[MakeRig]:
    rigs: list[HubRig] = []

    pushed = False

    async def make(
        role: str = "admin", sety: CountingTransport | None = None, *, push: bool = False, **config: Any
    ) -> HubRig:
        """A hub on the sandbox; with `push`, at a port chosen first and announced as its public URL."""
        nonlocal pushed
        sety = sety or CountingTransport()
        port = free_port() if push else 0
        if push:
            pushed = True
            config.setdefault("public_url", f"http://127.0.0.1:{port}")
        hub_config = HubConfig(
            database_url=hub_database,
            api_url=sandbox.base_url,
            api_key=keys[role],
            sety_transport=sety,
            **config,
        )
        server = HubServer(hub_config, port=port)
        server.start()
        rig = HubRig(server, sety, keys[role], tmp_path)
        rig._transports = []
        rigs.append(rig)
        return rig

    yield make
    for rig in rigs:
        for session in rig.sessions:
            await session.close()
        rig.server.stop()
    if pushed:
        await remove_webhook_endpoints(sandbox, keys["admin"])


async def remove_webhook_endpoints(sandbox: SandboxServer, admin_key: str) -> None:
    """The organisation's webhook endpoints go (the sandbox must not keep posting to stopped hubs)."""
    async with SetyClient(sandbox.base_url, admin_key) as admin:
        for endpoint in [e async for e in admin.iter_webhook_endpoints()]:
            await admin.delete_webhook_endpoint(endpoint.endpoint_id)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_for(predicate: Any, timeout: float = 15.0, step: float = 0.02) -> None:  # noqa: ASYNC109
    """Poll `predicate()` on the loop until true (fails the test after `timeout`)."""
    import asyncio

    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() > end:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(step)


class CuttableProxy:
    """A TCP proxy on 127.0.0.1 in front of the hub whose connections the test can cut (a network drop)."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.blocked = False
        self.port = 0
        self._server: Any = None
        self._writers: set[Any] = set()

    async def start(self) -> None:
        import asyncio

        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def contract_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1/external"

    async def _handle(self, reader: Any, writer: Any) -> None:
        import asyncio

        if self.blocked:
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self._writers |= {writer, up_writer}

        async def pipe(src: Any, dst: Any) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self._writers -= {writer, up_writer}

    def cut(self, *, block: bool = True) -> None:
        """Drop every open connection (and refuse new ones while `block`)."""
        self.blocked = block
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def close(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()


def status_of(console: HubSession, incident_id: str) -> str | None:
    """The status a console's store holds for an incident (None when absent)."""
    incident = console.session.incidents.get(incident_id)
    return None if incident is None else incident.status.value


def action_state(console: HubSession, action_id: str) -> str | None:
    entry = console.session.outbox.get(action_id)
    return None if entry is None else entry.state.value


def action_result(console: HubSession, action_id: str) -> dict[str, Any]:
    entry = console.session.outbox.get(action_id)
    assert entry is not None
    assert entry.result is not None
    return entry.result
