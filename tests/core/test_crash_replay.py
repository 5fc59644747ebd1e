"""A console killed (SIGKILL) while its note is in flight delivers it exactly once after a restart.

A real uvicorn sandbox on 127.0.0.1 holds the note request: either after acting on it (the answer is
lost with the process) or before acting (the request dies with the process). Either way, the restarted
console finds the action in its outbox and the incident ends up with exactly one copy of the note.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from sety_console.api.models import CreateIncidentRequest, Incident
from sety_console.sandbox import incident_store
from sety_console.sandbox.accounts import DEMO_ORG_ID
from sety_console.sandbox.app import create_app
from sety_console.sandbox.config import SandboxConfig

from .crash_child import NOTE

CHILD = Path(__file__).with_name("crash_child.py")
PREFIX = "/v1/external"


class HoldNote:
    """ASGI middleware: the first note request is held (before or after the app acts) until released."""

    def __init__(self, app: Any, when: str) -> None:
        self.app, self.when = app, when
        self.reached = threading.Event()
        self._held = False

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        is_note = scope["type"] == "http" and scope["method"] == "POST" and scope["path"].endswith("/notes")
        if not is_note or self._held:
            await self.app(scope, receive, send)
            return
        self._held = True
        if self.when == "before":
            self.reached.set()
            await asyncio.sleep(3600)  # never acts: the client dies waiting
            return

        async def hold_answer(message: Any) -> None:
            if message["type"] == "http.response.start":
                self.reached.set()  # the note is committed; the answer never leaves
                await asyncio.sleep(3600)
            await send(message)

        await self.app(scope, receive, hold_answer)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(params=["after", "before"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Any, HoldNote]]:
    app = create_app(SandboxConfig(database_url=f"sqlite:///{tmp_path}/sandbox.db", responder_count=0))
    held = HoldNote(app, request.param)
    port = free_port()
    config = uvicorn.Config(
        held, host="127.0.0.1", port=port, log_level="error", lifespan="on", timeout_graceful_shutdown=1
    )
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}{PREFIX}", app.state.sandbox, held
    uv.should_exit = True
    thread.join(timeout=10)


def child(base_url: str, key: str, data_dir: Path, incident_id: str, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(CHILD), base_url, key, str(data_dir), incident_id, mode],
        stdout=subprocess.PIPE,
        text=True,
    )


def notes(sandbox: Any, incident_id: str) -> list[str]:
    """The note messages the sandbox holds for the incident (read straight from its database)."""
    with sandbox.db.session() as session:
        row = incident_store.get_scoped(session, DEMO_ORG_ID, "test", incident_id)
        incident = Incident.model_validate_json(row.document)
    return [e.message for e in incident.timeline if e.event == "note_added"]


@pytest.mark.slow
def test_killed_mid_send_the_note_arrives_exactly_once(
    server: tuple[str, Any, HoldNote], tmp_path: Path
) -> None:
    base_url, sandbox, held = server
    key = sandbox.issue_keys()["operator"]
    request = CreateIncidentRequest.model_validate(
        {"category": "sos", "subject": {"name": "Ada"}, "location": {"coordinates": [3.4, 6.5]}}
    )
    document, _ = sandbox.incidents.create(DEMO_ORG_ID, "test", request)
    incident_id = Incident.model_validate_json(document).incident_id
    data_dir = tmp_path / "console"

    first = child(base_url, key, data_dir, incident_id, "submit")
    assert held.reached.wait(60), "the note never reached the server"
    os.kill(first.pid, signal.SIGKILL)
    first.wait(10)
    assert notes(sandbox, incident_id) == ([NOTE] if held.when == "after" else [])

    second = child(base_url, key, data_dir, incident_id, "replay")
    out, _ = second.communicate(timeout=90)
    assert second.returncode == 0
    assert "replayed" in out
    assert notes(sandbox, incident_id) == [NOTE]
