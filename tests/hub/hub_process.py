"""A hub as its own process (`sety-console hub serve`), so a test can kill it with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from .conftest import free_port


class HubProcess:
    """`sety-console hub serve` on 127.0.0.1 with its own port, announced as its public URL."""

    def __init__(self, database_url: str, api_url: str, org_key: str, hub_id: str, log_dir: Path) -> None:
        self.database_url = database_url
        self.api_url = api_url
        self.org_key = org_key
        self.hub_id = hub_id
        self.port = free_port()
        self.log_path = log_dir / f"{hub_id}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def contract_url(self) -> str:
        return self.root_url + "/v1/external"

    def start(self, *extra: str) -> None:
        command = [
            sys.executable, "-m", "sety_console", "hub", "serve",
            "--db", self.database_url, "--api-url", self.api_url, "--port", str(self.port),
            "--hub-id", self.hub_id, "--public-url", self.root_url, "--log-level", "info", *extra,
        ]  # fmt: skip
        env = {**os.environ, "SETY_API_KEY": self.org_key}
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(self.contract_url + "/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"hub {self.hub_id} did not start:\n{self.log()}")
            time.sleep(0.1)

    def health(self, token: str) -> dict[str, Any]:
        answer = httpx.get(
            self.root_url + "/hub/v1/health", headers={"Authorization": f"Bearer {token}"}, timeout=3
        )
        return dict(answer.json())

    def leading(self, token: str) -> bool:
        try:
            return bool(self.health(token).get("leading"))
        except httpx.HTTPError:
            return False

    def kill(self) -> None:
        """SIGKILL: no goodbye, no cleanup (its database connections simply vanish)."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
