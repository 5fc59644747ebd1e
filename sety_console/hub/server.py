"""Serving the hub with uvicorn: in the foreground (`hub serve`) or on a thread (tests, benchmarks)."""

from __future__ import annotations

import logging
import threading
import time
from types import TracebackType

import uvicorn
from fastapi import FastAPI

from .app import CONTRACT_PREFIX, create_hub_app
from .hub import Hub, HubConfig

log = logging.getLogger(__name__)


def uvicorn_config(
    config: HubConfig,
    host: str,
    port: int,
    *,
    certfile: str | None = None,
    keyfile: str | None = None,
    log_level: str = "warning",
    app: FastAPI | None = None,
) -> uvicorn.Config:
    return uvicorn.Config(
        app or create_hub_app(config),
        host=host,
        port=port,
        lifespan="on",
        access_log=False,
        log_level=log_level,
        loop="asyncio",
        http="h11",
        ws="websockets-sansio",
        ssl_certfile=certfile,
        ssl_keyfile=keyfile,
        timeout_graceful_shutdown=5,
        ws_ping_interval=10.0,
        ws_ping_timeout=10.0,
    )


class HubServer:
    """A hub on a background thread: `start()` returns once it accepts connections.

    with HubServer(HubConfig(database_url=…, api_url=sandbox.base_url, api_key=key)) as hub:
        token = hub.add_operator("Ada")
        SetyClient(hub.contract_url, token) …
    """

    def __init__(
        self,
        config: HubConfig,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        certfile: str | None = None,
        keyfile: str | None = None,
    ) -> None:
        self.config = config
        self.host = host
        self._app = create_hub_app(config)
        self._uv = uvicorn_config(config, host, port, certfile=certfile, keyfile=keyfile, app=self._app)
        self._scheme = "https" if certfile else "http"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port: int | None = None

    @property
    def root_url(self) -> str:
        if self.port is None:
            raise RuntimeError("the hub is not started")
        return f"{self._scheme}://{self.host}:{self.port}"

    @property
    def contract_url(self) -> str:
        """Where consoles point their `SetyClient` (`…/v1/external`)."""
        return self.root_url + CONTRACT_PREFIX

    @property
    def hub(self) -> Hub:
        hub: Hub = self._app.state.hub
        return hub

    def start(self, timeout: float = 60.0) -> None:
        self._server = uvicorn.Server(self._uv)
        self._thread = threading.Thread(target=self._server.run, name="sety-hub", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the hub did not start on {self.host}")
            time.sleep(0.02)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]

    def add_operator(self, name: str) -> str:
        from .db import HubDatabase
        from .operators import OperatorBook

        db = HubDatabase(self.config.database_url)
        try:
            return OperatorBook(db).add(name)
        finally:
            db.close()

    def stop(self, timeout: float = 30.0) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout=timeout)
        self._server = None
        self._thread = None

    def __enter__(self) -> HubServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
