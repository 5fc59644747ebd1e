"""The sandbox as a real server: SandboxServer on 127.0.0.1, webhooks to a real local receiver, the CLI."""

from __future__ import annotations

import argparse
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sety_console.api.webhooks import WebhookError, parse_webhook
from sety_console.sandbox import SandboxServer
from sety_console.sandbox.cli import add_arguments, run, write_keys

from .helpers import ROLES, incident_body


class Receiver:
    """A real HTTP webhook receiver on 127.0.0.1 that verifies every delivery."""

    def __init__(self) -> None:
        self.secret = ""
        self.accepted: list[dict[str, Any]] = []
        self.refused = 0
        app = Starlette(routes=[Route("/hooks", self._hook, methods=["POST"])])
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    async def _hook(self, request: Request) -> JSONResponse:
        body = await request.body()
        try:
            payload = parse_webhook(self.secret, dict(request.headers), body)
        except WebhookError:
            self.refused += 1
            return JSONResponse({"ok": False}, status_code=400)
        self.accepted.append({"event": payload.event.value, "delivery": request.headers["X-Sety-Delivery"]})
        return JSONResponse({"ok": True})

    @property
    def url(self) -> str:
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/hooks"

    def __enter__(self) -> Receiver:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def server(database_url: str) -> Iterator[SandboxServer]:
    sandbox = SandboxServer(database_url, seed="none", tick_seconds=0.05)
    sandbox.start()
    yield sandbox
    sandbox.stop()


def wait_for(condition: Any, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_server_serves_on_loopback_and_stops_cleanly(database_url: str) -> None:
    server = SandboxServer(database_url, seed="none")
    server.start()
    thread = server._thread
    assert server.base_url.startswith("http://127.0.0.1:")
    assert server.base_url.endswith("/v1/external")
    keys = server.issue_keys()
    assert set(keys) == set(ROLES)
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        assert client.get("/health").json()["status"] == "ok"
        listed = client.get("/incidents", headers={"Authorization": f"Bearer {keys['operator']}"})
        assert listed.status_code == 200
        assert listed.headers["X-RateLimit-Limit"] == "300"
    server.stop()
    assert thread is not None
    assert not thread.is_alive()
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.base_url + "/health", timeout=2)
    again = SandboxServer(database_url, seed="none")  # restart on the same database
    again.start()
    try:
        fresh = again.issue_keys()
        response = httpx.get(
            again.base_url + "/incidents", headers={"Authorization": f"Bearer {keys['operator']}"}
        )
        assert response.status_code == 401  # keys are minted afresh at each start; old ones revoked
        response = httpx.get(
            again.base_url + "/incidents", headers={"Authorization": f"Bearer {fresh['operator']}"}
        )
        assert response.status_code == 200
    finally:
        again.stop()


def test_dispatch_runs_in_real_time_and_webhooks_reach_a_real_receiver(server: SandboxServer) -> None:
    keys = server.issue_keys()
    admin = {"Authorization": f"Bearer {keys['admin']}"}
    with Receiver() as receiver, httpx.Client(base_url=server.base_url, headers=admin, timeout=10) as client:
        hook = client.post("/webhooks", json={"url": receiver.url, "events": ["incident.*"]}).json()
        receiver.secret = hook["secret"]
        made = client.post("/incidents", json=incident_body()).json()["incident"]
        wait_for(lambda: client.get(f"/incidents/{made['incident_id']}").json()["status"] == "dispatching")
        wait_for(lambda: len(receiver.accepted) >= 2)
        assert [a["event"] for a in receiver.accepted][:2] == ["incident.created", "incident.status_changed"]
        assert receiver.refused == 0
        log = client.get(f"/webhooks/{hook['endpoint_id']}/deliveries").json()["data"]
        assert {d["delivery_id"] for d in log} >= {a["delivery"] for a in receiver.accepted}


def test_keys_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    path.write_text("old")
    os.chmod(path, 0o644)
    write_keys(path, {"operator": "sety_test_" + "0" * 32})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == {"operator": "sety_test_" + "0" * 32}


def test_cli_serve_prints_the_url_and_writes_the_keys(tmp_path: Path) -> None:
    keys_file = tmp_path / "out" / "keys.json"
    command = [sys.executable, "-m", "sety_console", "sandbox", "serve", "--port", "0", "--seed", "none"]
    command += ["--db", str(tmp_path / "cli.db"), "--keys-out", str(keys_file), "--traffic", "2"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip())
            if line.startswith("press Ctrl+C"):
                break
        url = next(line.split(" at ")[1] for line in lines if line.startswith("Sety API sandbox at "))
        keys = json.loads(keys_file.read_text())
        assert set(keys) == set(ROLES)
        assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
        assert any(keys["guard"] in line for line in lines)
        response = httpx.get(f"{url}/access-codes", headers={"Authorization": f"Bearer {keys['guard']}"})
        assert response.status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err


def test_cli_refuses_a_bad_speed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(["serve", "--speed", "0", "--db", str(tmp_path / "x.db")])
    assert run(args) == 2
    assert "--speed" in capsys.readouterr().err
