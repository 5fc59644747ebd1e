"""The hub's FastAPI application: the Sety contract under `/v1/external`, the hub API under `/hub/v1`,
the change stream at `/hub/v1/stream`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sety_console import __version__

from .access import OperatorLimiter
from .errors import install_error_handlers
from .hub import Hub, HubConfig
from .push_receiver import router as push_router
from .routes_contract import router as contract_router
from .routes_hub import router as hub_router
from .routes_writes import router as writes_router
from .stream import router as stream_router

CONTRACT_PREFIX = "/v1/external"


def create_hub_app(config: HubConfig) -> FastAPI:
    """A hub app; its `Hub` (at `app.state.hub`) is built and started by the lifespan."""
    limiter = OperatorLimiter(config.operator_rate_per_minute)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        hub = Hub(config, limiter)
        app.state.hub = hub
        try:
            await hub.start()
        except BaseException:
            await hub.stop()
            raise
        try:
            yield
        finally:
            await hub.stop()

    app = FastAPI(
        title="Sety Console control-room hub",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        redirect_slashes=False,
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.include_router(writes_router, prefix=CONTRACT_PREFIX)
    app.include_router(contract_router, prefix=CONTRACT_PREFIX)
    app.include_router(hub_router)
    app.include_router(push_router)
    app.include_router(stream_router)
    app.add_middleware(RateLimitHeaders)
    return app


class RateLimitHeaders:
    """Adds the hub's `X-RateLimit-*` headers (set during authentication) to the answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                state: dict[str, Any] = scope.get("state") or {}
                extra = state.get("rate_headers") or {}
                existing = {k.lower() for k, _ in message.get("headers", [])}
                added = [
                    (k.lower().encode(), v.encode())
                    for k, v in extra.items()
                    if k.lower().encode() not in existing
                ]
                message = {**message, "headers": [*message.get("headers", []), *added]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
