"""Per-request headers (`BaseClient.request_headers`): what the outbox uses to tell a control-room hub when
the operator acted. They reach every try of the requests inside the block, and nothing outside it; hub
errors name the hub, not Sety."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from sety_console.api import RetryPolicy, SetyClient
from sety_console.api.hub_stream import ACTED_AT_HEADER, HubContractClient

BASE = "https://hub.example:8443/v1/external"
TOKEN = "sety_hub_" + "ab" * 20
PAGE = {"data": [], "pagination": {"page": 1, "limit": 1, "total": 0, "has_more": False}}

pytestmark = pytest.mark.asyncio


def _recording(statuses: list[int]) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        status = statuses.pop(0) if statuses else 200
        return httpx.Response(status, json=PAGE if status == 200 else {"error": "busy"})

    return httpx.MockTransport(answer), seen


async def test_headers_reach_every_try_inside_the_block_and_no_request_outside() -> None:
    transport, seen = _recording([503])
    retry = RetryPolicy(max_attempts=2, base_delay=0.0, jitter=False)
    async with SetyClient(BASE, TOKEN, transport=transport, retry=retry) as client:
        with client.request_headers({"X-Sety-Acted-At": "2026-12-06T03:12:00+00:00"}):
            await client.list_incidents(limit=1)
        await client.list_incidents(limit=1)
    assert [r.headers.get("X-Sety-Acted-At") for r in seen] == [
        "2026-12-06T03:12:00+00:00",
        "2026-12-06T03:12:00+00:00",
        None,
    ]


async def test_headers_stay_with_their_task() -> None:
    transport, seen = _recording([])
    async with SetyClient(BASE, TOKEN, transport=transport) as client:

        async def acting() -> None:
            with client.request_headers({"X-Sety-Acted-At": "then"}):
                await asyncio.sleep(0.01)
                await client.list_incidents(limit=1)

        await asyncio.gather(acting(), client.list_incidents(limit=1))
    assert sorted(str(r.headers.get("X-Sety-Acted-At")) for r in seen) == ["None", "then"]


async def test_only_a_hub_client_names_the_acted_at_header_and_its_errors_name_the_hub() -> None:
    assert SetyClient.ACTED_AT_HEADER is None
    assert HubContractClient.ACTED_AT_HEADER == ACTED_AT_HEADER

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    transport = httpx.MockTransport(refuse)
    async with HubContractClient(BASE, TOKEN, transport=transport, retry=RetryPolicy.never()) as hub:
        with pytest.raises(Exception, match="Could not connect to the control-room hub"):
            await hub.list_incidents(limit=1)
        assert hub.idempotency_honoured is True  # the hub keeps writes by key: resend at once
