"""A sandbox server in a child process for tests that run Qt (never a server thread beside the GUI).

It is started with the console's own command (`sety-console sandbox serve --handshake`), so tests use
the same path as the product.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from sety_console.connect.sandbox_child import serve_command
from sety_console.sandbox.serving import ServingInfo


class SandboxProcess:
    """`with SandboxProcess(db) as sandbox: sandbox.base_url, sandbox.keys["operator"]`."""

    def __init__(self, database: Path, *, seed: str = "none") -> None:
        self.database = database
        self.seed = seed
        self._process: subprocess.Popen[bytes] | None = None
        self.info: ServingInfo | None = None

    @property
    def base_url(self) -> str:
        assert self.info is not None, "the sandbox process is not started"
        return self.info.url

    @property
    def keys(self) -> dict[str, str]:
        assert self.info is not None, "the sandbox process is not started"
        return self.info.keys

    def start(self) -> SandboxProcess:
        self.database.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.database.with_suffix(".log"), "ab")  # noqa: SIM115 (inherited by the child)
        with log:
            self._process = subprocess.Popen(
                serve_command(self.database, port=0, seed=self.seed),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
            )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            self._process.wait(10)
            raise RuntimeError(f"the sandbox did not start; see {self.database.with_suffix('.log')}")
        self.info = ServingInfo.from_json(json.loads(line))
        return self

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()

    def __enter__(self) -> SandboxProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
