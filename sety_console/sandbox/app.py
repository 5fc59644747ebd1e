"""The FastAPI application: all 27 operations of the contract under a configurable prefix."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sety_console import __version__

from .config import SandboxConfig
from .errors import install_error_handlers
from .idempotency import KeyedRepeat, answer_repeat
from .routes import ROUTERS
from .runtime import Sandbox


def create_app(config: SandboxConfig) -> FastAPI:
    """A ready sandbox app (database created, demo data seeded if asked).

    Background work (webhook deliveries; with a real clock, the responder simulation) runs while
    the app's lifespan is active: uvicorn handles that; in-process tests using
    `httpx.ASGITransport` enter `app.router.lifespan_context(app)` themselves. The runtime is at
    `app.state.sandbox`.
    """
    sandbox = Sandbox(config)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await sandbox.start()
        try:
            yield
        finally:
            await sandbox.stop()

    app = FastAPI(
        title="Sety API sandbox",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        redirect_slashes=False,
        lifespan=lifespan,
    )
    app.state.sandbox = sandbox
    install_error_handlers(app)
    app.add_exception_handler(KeyedRepeat, answer_repeat)
    for router in ROUTERS:
        app.include_router(router, prefix=config.prefix)
    app.add_middleware(RateLimitHeaders)
    return app


class RateLimitHeaders:
    """Adds the `X-RateLimit-*` headers computed during authentication to whatever answer follows."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                state: dict[str, Any] = scope.get("state") or {}
                extra = state.get("rate_headers")
                if extra:
                    existing = {k.lower() for k, _ in message.get("headers", [])}
                    added = [
                        (k.lower().encode(), v.encode())
                        for k, v in extra.items()
                        if k.lower().encode() not in existing
                    ]
                    message = {**message, "headers": [*message.get("headers", []), *added]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
