"""Fixtures of the sandbox suite: a fresh database per test (SQLite, or PostgreSQL when
`SETY_TEST_DATABASE_URL` is set), an in-process app with a manual clock, keys for every role."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from sety_console.sandbox import SandboxClock, SandboxConfig, create_app
from sety_console.sandbox.runtime import Sandbox

from .helpers import PREFIX, START, Harness, WebhookReceiver

PG_URL = os.environ.get("SETY_TEST_DATABASE_URL")


@contextmanager
def fresh_database(directory: Path) -> Iterator[str]:
    """A database no other test uses: a SQLite file in `directory`, or a fresh PostgreSQL schema."""
    if not PG_URL:
        yield f"sqlite:///{directory / 'sandbox.db'}"
        return
    schema = "t_" + uuid.uuid4().hex[:16]
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


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A fresh database for one test."""
    with fresh_database(tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """A SQLite database with the demo data seeded at `START`, copied by tests that need it."""
    if PG_URL:
        return None
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    sandbox = Sandbox(
        SandboxConfig(database_url=f"sqlite:///{path}", clock=SandboxClock.manual(START), seed="demo")
    )
    sandbox.close()
    return path


@pytest.fixture
def receiver() -> WebhookReceiver:
    return WebhookReceiver()


MakeHarness = Callable[..., Awaitable[Harness]]


@pytest_asyncio.fixture
async def make_harness(database_url: str, receiver: WebhookReceiver) -> AsyncIterator[MakeHarness]:
    """Build running sandboxes (lifespan entered) on `database_url`; all are closed at the end."""
    stack = AsyncExitStack()

    async def make(**overrides: Any) -> Harness:
        settings: dict[str, Any] = {
            "database_url": database_url,
            "clock": SandboxClock.manual(START),
            "seed": "none",
            "intel_refresh_seconds": 0.0,
            "webhook_retry_factor": 0.0001,
            "webhook_transport": receiver.transport,
        }
        settings.update(overrides)
        app = create_app(SandboxConfig(**settings))
        sandbox: Sandbox = app.state.sandbox
        stack.callback(sandbox.close)
        await stack.enter_async_context(app.router.lifespan_context(app))
        transport = httpx.ASGITransport(app=app)
        client = await stack.enter_async_context(
            httpx.AsyncClient(transport=transport, base_url="http://sandbox.test" + PREFIX)
        )
        return Harness(app=app, sandbox=sandbox, client=client, keys=sandbox.issue_keys(), receiver=receiver)

    try:
        yield make
    finally:
        await stack.aclose()


@pytest_asyncio.fixture
async def harness(make_harness: MakeHarness) -> Harness:
    """An empty sandbox (no demo data) with a manual clock at `START`."""
    return await make_harness()


@pytest_asyncio.fixture
async def demo(make_harness: MakeHarness, demo_template: Path | None, tmp_path: Path) -> Harness:
    """A sandbox with the demo data (history, units, gate activity) at `START`."""
    if demo_template is None:
        return await make_harness(seed="demo")
    target = tmp_path / "demo-copy.db"
    shutil.copyfile(demo_template, target)
    return await make_harness(database_url=f"sqlite:///{target}", seed="demo")
