"""The sandbox as a real HTTP server on a background thread (what the console embeds)."""

from __future__ import annotations

import logging
import threading
import time
from types import TracebackType
from typing import Any, Literal

import uvicorn

from .app import create_app
from .clock import SandboxClock
from .config import SandboxConfig
from .runtime import Sandbox

log = logging.getLogger(__name__)


class SandboxServer:
    """uvicorn serving the sandbox app on its own thread and event loop.

        server = SandboxServer("sqlite:////tmp/sandbox.db", seed="demo")
        server.start()                # returns once the socket accepts connections
        keys = server.issue_keys()    # {"operator": "sety_test_…", "guard": …, "other_org": …}
        ... httpx.get(server.base_url + "/health") ...
        server.stop()                 # clean: joins the thread, background tasks finished

    Extra keyword arguments go to `SandboxConfig` (for example `webhook_retry_factor`, `clock`).
    """

    def __init__(
        self,
        database_url: str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: Literal["demo", "none"] = "demo",
        speed: float = 1.0,
        traffic_per_minute: float = 0.0,
        **config: Any,
    ) -> None:
        self.config = SandboxConfig(
            database_url=database_url, seed=seed, speed=speed, traffic_per_minute=traffic_per_minute, **config
        )
        self.host = host
        self._requested_port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sandbox: Sandbox | None = None
        self.port: int | None = None

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>/v1/external` (after `start()`)."""
        if self.port is None:
            raise RuntimeError("the sandbox server is not started")
        return f"http://{self.host}:{self.port}{self.config.prefix}"

    @property
    def sandbox(self) -> Sandbox:
        if self._sandbox is None:
            raise RuntimeError("the sandbox server is not started")
        return self._sandbox

    @property
    def clock(self) -> SandboxClock:
        return self.sandbox.clock

    def start(self, timeout: float = 120.0) -> None:
        """Build the app (seeding demo data on first use), serve it, and wait until it accepts."""
        if self._thread is not None:
            raise RuntimeError("the sandbox server is already started")
        app = create_app(self.config)
        self._sandbox = app.state.sandbox
        config = uvicorn.Config(
            app,
            host=self.host,
            port=self._requested_port,
            lifespan="on",
            access_log=False,
            log_level="warning",
            loop="asyncio",
            http="h11",
            timeout_graceful_shutdown=5,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="sety-sandbox", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self._thread.join(timeout=5)
                self._thread = None
                self.sandbox.close()
                raise RuntimeError(f"the sandbox server did not start on {self.host}:{self._requested_port}")
            time.sleep(0.02)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        log.info("sandbox listening on %s", self.base_url)

    def issue_keys(self) -> dict[str, str]:
        """Mint fresh keys for operator, guard, supervisor, admin and other_org (older ones revoked)."""
        return self.sandbox.issue_keys()

    def stop(self, timeout: float = 30.0) -> None:
        """Shut down: stop accepting, finish background work, join the thread, close the database."""
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout=timeout)
        if self._thread.is_alive():
            log.warning("the sandbox server thread did not stop within %.0f s", timeout)
        self._thread = None
        self._server = None
        self.sandbox.close()

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
