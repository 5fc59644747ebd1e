"""The transport errors httpx really raises on 127.0.0.1 map to the right typed, ambiguous-or-not errors."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest

from sety_console.api import (
    ConnectionLostError,
    RateBudget,
    RetryPolicy,
    SetyClient,
    SetyConnectError,
    SetyTimeoutError,
)
from tests.contract import example

pytestmark = pytest.mark.asyncio

Behaviour = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def local_server(behaviour: Behaviour) -> AsyncIterator[str]:
    """A raw TCP server on 127.0.0.1 that reads one request head, then does `behaviour`."""
    received: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        received.append(await reader.readuntil(b"\r\n\r\n"))
        try:
            await behaviour(reader, writer)
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/v1/external"
    finally:
        server.close()
        await server.wait_closed()


def _client(url: str, timeout: float = 5.0) -> SetyClient:
    return SetyClient(url, "sety_test_k", timeout=timeout, budget=RateBudget(), retry=RetryPolicy.never())


async def test_answer_over_a_real_socket() -> None:
    body = json.dumps(example("getIncident.response")).encode()

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nX-RateLimit-Limit: 60\r\nX-RateLimit-Remaining: 59\r\n"
            "Connection: close\r\n\r\n"
        )
        writer.write(head.encode() + body)
        await writer.drain()

    async with local_server(answer) as url, _client(url) as client:
        incident = await client.get_incident("inc_h3t8w1ne6vb0ys5c")
        assert incident.incident_id == "inc_h3t8w1ne6vb0ys5c"
        assert client.budget.remaining == 59


async def test_refused_connection_is_not_ambiguous() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with _client(f"http://127.0.0.1:{port}") as client:
        with pytest.raises(SetyConnectError) as caught:
            await client.cancel_incident("inc_1")
    assert caught.value.ambiguous is False


async def test_connection_closed_after_the_request_is_ambiguous() -> None:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        return None

    async with local_server(hang_up) as url, _client(url) as client:
        with pytest.raises(ConnectionLostError) as caught:
            await client.cancel_incident("inc_1")
    assert caught.value.ambiguous is True


async def test_half_sent_answer_is_ambiguous() -> None:
    async def cut(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b'HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{"incident":')
        await writer.drain()

    async with local_server(cut) as url, _client(url) as client:
        with pytest.raises(ConnectionLostError) as caught:
            await client.cancel_incident("inc_1")
    assert caught.value.ambiguous is True


async def test_no_answer_in_time_is_an_ambiguous_timeout() -> None:
    async def silence(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(2)

    async with local_server(silence) as url, _client(url, timeout=0.2) as client:
        with pytest.raises(SetyTimeoutError) as caught:
            await client.cancel_incident("inc_1")
    assert caught.value.ambiguous is True
    assert "did not answer in time" in str(caught.value)
