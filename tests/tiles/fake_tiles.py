"""A tile server on 127.0.0.1 for tests: PNG tiles, a record of requests, and ways to fail."""

from __future__ import annotations

import struct
import threading
import time
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def solid_png(rgb: tuple[int, int, int], size: int = 4) -> bytes:
    """A tiny valid PNG of one colour (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


def default_tile(z: int, x: int, y: int) -> bytes:
    return solid_png(((x * 37) % 200 + 30, (y * 53) % 200 + 30, (z * 20) % 200 + 30))


class FakeTileServer:
    """`url` is a `{z}/{x}/{y}.png` template; tiles above `max_zoom` answer 404."""

    def __init__(self, tile: Callable[[int, int, int], bytes] = default_tile, *, max_zoom: int = 19) -> None:
        self.tile = tile
        self.max_zoom = max_zoom
        self.requests: list[tuple[str, str]] = []  # (path, User-Agent)
        self.status: int | None = None  # answer every request with this status instead
        self.delay_s = 0.0
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> FakeTileServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.requests.append((self.path, self.headers.get("User-Agent", "")))
                if owner.delay_s:
                    time.sleep(owner.delay_s)
                status, body = owner.answer(self.path)
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "1")
                self.send_header("Content-Type", "image/png" if status == 200 else "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def answer(self, path: str) -> tuple[int, bytes]:
        if self.status is not None:
            return self.status, b"nope"
        try:
            z, x, y = (int(p) for p in path.strip("/").removesuffix(".png").split("/")[-3:])
        except ValueError:
            return 400, b"bad path"
        if z > self.max_zoom:
            return 404, b"no tile"
        return 200, self.tile(z, x, y)

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/tiles/{{z}}/{{x}}/{{y}}.png"

    def stop(self) -> None:
        """The network drops: the port stops answering (connections are refused)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
