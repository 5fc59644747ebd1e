"""A fault-injecting HTTP/1.1 proxy for the chaos test: it sits between the console and a real sandbox.

Each request (seeded random choice, `odds` of them) meets one fault:

* `reset`        — the connection is aborted before the request goes on (the server never sees it);
* `drop_after`   — the request is forwarded, the server acts, then the connection is aborted;
* `hold`         — the request is held past the client's timeout, then delivered (it lands late);
* `5xx_before`   — 502 from the "gateway", nothing forwarded;
* `5xx_after`    — forwarded (the server acts), then 503 instead of the answer;
* `429`          — 429 with `Retry-After: 1`, nothing forwarded;
* `garbage_after`— forwarded, then a 200 whose body is not JSON;
* `truncated`    — forwarded, then the answer cut in half and the connection closed.

Raw asyncio streams, not an HTTP framework, so that a reset really is a TCP reset.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import threading
from collections import Counter
from dataclasses import dataclass

import httpx

FAULTS = ("reset", "drop_after", "hold", "5xx_before", "5xx_after", "429", "garbage_after", "truncated")
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "accept-encoding"}


@dataclass
class Request:
    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def wire(self) -> bytes:
        lines = [f"HTTP/1.1 {self.status} {httpx.codes.get_reason_phrase(self.status) or 'Status'}"]
        lines += [f"{k}: {v}" for k, v in self.headers if k.lower() not in _HOP_BY_HOP | {"content-encoding"}]
        lines.append(f"content-length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + self.body


async def read_request(reader: asyncio.StreamReader) -> Request | None:
    """One request from a keep-alive connection, or None when the client closed it."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:] if ":" in line]
    length = next((int(v) for k, v in headers if k.lower() == "content-length"), 0)
    body = await reader.readexactly(length) if length else b""
    return Request(method, target, [(k, v) for k, v in headers], body)


class ChaosProxy:
    """Serves on 127.0.0.1 in its own thread; `counts` tells how many requests met which fault."""

    def __init__(self, upstream: str, *, seed: int, odds: float, hold_s: tuple[float, float]) -> None:
        self.upstream = upstream.rstrip("/")
        self.rng = random.Random(seed)
        self.odds = odds
        self.hold_s = hold_s
        self.counts: Counter[str] = Counter()
        self.forwarded = 0
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._held: set[asyncio.Task[None]] = set()
        self._http: httpx.AsyncClient | None = None
        self._stop_event: asyncio.Event | None = None

    # ------------------------------------------------------------------ lifecycle (called from the test)

    def start(self) -> None:
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._main()), name="chaos-proxy", daemon=True
        )
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("the chaos proxy did not start")

    def stop(self) -> None:
        if self._loop is not None and self._stop_event is not None:
            self._loop.call_soon_threadsafe(self._stop_event.set)
        if self._thread is not None:
            self._thread.join(30)

    def quiet(self) -> None:
        """From now on, forward everything untouched (the audit reads a settled server)."""
        self.odds = 0.0

    def held(self) -> int:
        return len(self._held)

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop_event = asyncio.Event()
        self._http = httpx.AsyncClient(base_url=self.upstream, timeout=60.0)
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        async with server:
            await self._stop_event.wait()  # held requests still land before the proxy ends
            for task in list(self._held):
                with contextlib.suppress(Exception):
                    await task
        await self._http.aclose()

    # ------------------------------------------------------------------ one connection

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await read_request(reader)
                if request is None or not await self._one(request, writer):
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    def _pick(self) -> str | None:
        return self.rng.choice(FAULTS) if self.rng.random() < self.odds else None

    async def _one(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        """Handle one request; False when the connection must end."""
        fault = self._pick()
        if fault is not None:
            self.counts[fault] += 1
        if fault == "reset":
            writer.transport.abort()
            return False
        if fault == "5xx_before":
            return await self._write(
                writer, Answer(502, [("content-type", "text/html")], b"<h1>Bad gateway</h1>")
            )
        if fault == "429":
            answer = Answer(
                429, [("retry-after", "1"), ("content-type", "application/json")], b'{"code":429}'
            )
            return await self._write(writer, answer)
        if fault == "hold":
            task = asyncio.ensure_future(self._deliver_late(request))
            self._held.add(task)
            task.add_done_callback(self._held.discard)
            await asyncio.sleep(self.hold_s[1] + 1)  # the client has long given up on this connection
            return False
        answer = await self._forward(request)
        if fault == "drop_after":
            writer.transport.abort()
            return False
        if fault == "5xx_after":
            return await self._write(
                writer, Answer(503, [("content-type", "text/plain")], b"Service Unavailable")
            )
        if fault == "garbage_after":
            return await self._write(
                writer, Answer(200, [("content-type", "application/json")], b'{"incid\x00')
            )
        if fault == "truncated":
            wire = answer.wire()
            writer.write(wire[: max(1, len(wire) - max(1, len(answer.body) // 2))])
            await writer.drain()
            writer.transport.abort()
            return False
        return await self._write(writer, answer)

    async def _deliver_late(self, request: Request) -> None:
        await asyncio.sleep(self.rng.uniform(*self.hold_s))
        with contextlib.suppress(httpx.HTTPError):
            await self._forward(request)

    async def _forward(self, request: Request) -> Answer:
        assert self._http is not None
        self.forwarded += 1
        headers = [(k, v) for k, v in request.headers if k.lower() not in _HOP_BY_HOP]
        response = await self._http.request(
            request.method, request.target, headers=headers, content=request.body
        )
        return Answer(response.status_code, list(response.headers.multi_items()), response.content)

    @staticmethod
    async def _write(writer: asyncio.StreamWriter, answer: Answer) -> bool:
        writer.write(answer.wire())
        await writer.drain()
        return True
