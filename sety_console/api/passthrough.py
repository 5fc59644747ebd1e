"""Forwarding a request as raw bytes through a `SetyClient` (what the control-room hub relays).

The hub answers most reads from its own picture, but some requests (analytics, access logs, writes)
must reach Sety unchanged. `forward` sends one such request with the client's key, rate budget,
retries and typed errors, and returns the answer's status, body and the headers worth relaying.
Nothing of the key is ever part of what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from .base import BaseClient
from .errors import RequestValidationError, transport_error
from .retry import RetryPolicy, call_with_retries

__all__ = ["RELAYED_HEADERS", "ForwardedAnswer", "forward"]

RELAYED_HEADERS = ("content-type", "idempotent-replayed", "x-request-id")
"""Answer headers a relay passes on (rate-limit headers are the relay's own business)."""


@dataclass(frozen=True, slots=True)
class ForwardedAnswer:
    """A 2xx answer of the Sety API: status, raw JSON body, relayed headers."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def replayed(self) -> bool:
        """True when Sety answered a repeated `Idempotency-Key` from its memory."""
        return self.headers.get("idempotent-replayed", "").lower() == "true"


async def forward(
    client: BaseClient,
    method: str,
    path: str,
    *,
    params: dict[str, str] | None = None,
    body: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
    retry: bool | None = None,
) -> ForwardedAnswer:
    """Send `method path` through `client`; a non-2xx answer raises the matching `SetyError`.

    `idempotency_key` is sent as the `Idempotency-Key` header (the contract's way to make a write safe
    to repeat); retries follow `retry` (default: GETs, and writes that carry a key).
    """
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
    safe = (method == "GET" or idempotency_key is not None) if retry is None else retry
    policy = client.retry if safe else RetryPolicy.never()
    operation = f"{method} {path}"

    async def attempt() -> httpx.Response:
        await client.budget.acquire(user=method != "GET")
        try:
            response = await client._http.request(method, path, params=params, json=body, headers=headers)
        except httpx.InvalidURL as exc:
            raise RequestValidationError(f"The request address is invalid ({exc})") from exc
        except httpx.HTTPError as exc:
            raise transport_error(exc, operation) from exc
        client.budget.update(response.headers, status=response.status_code)
        if response.is_success:
            return response
        raise client._error(response, operation)

    response = await call_with_retries(policy, attempt, what=operation)
    relayed = {name: response.headers[name] for name in RELAYED_HEADERS if name in response.headers}
    return ForwardedAnswer(response.status_code, response.content, relayed)
