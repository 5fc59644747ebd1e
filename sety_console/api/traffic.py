"""Counting what a client sends and what it gets back (the hub reports its use of the Sety budget)."""

from __future__ import annotations

from collections import Counter

import httpx

__all__ = ["CountingTransport", "Transport"]

Transport = httpx.AsyncBaseTransport
"""What may carry a client's requests (tests inject their own; the hub counts what it sends)."""


class CountingTransport(httpx.AsyncHTTPTransport):
    """An ordinary HTTP transport (TLS verified) that counts requests and answer statuses."""

    def __init__(self, inner: httpx.AsyncBaseTransport | None = None) -> None:
        super().__init__()
        self._inner = inner
        self.requests = 0
        self.statuses: Counter[int] = Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self._inner is not None:
            response = await self._inner.handle_async_request(request)
        else:
            response = await super().handle_async_request(request)
        self.statuses[response.status_code] += 1
        return response

    async def aclose(self) -> None:
        if self._inner is not None:
            await self._inner.aclose()
        await super().aclose()
