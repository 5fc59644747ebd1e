"""What can go wrong fetching a tile, in terms the tile source acts on (no httpx types here)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from .tilemath import TileKey


class TileNotFound(Exception):
    """The server has no tile there (404, 204): nothing to draw, nothing wrong."""


class TileFetchError(Exception):
    """The tile could not be fetched now: network down (`offline`), refused, or a server error.

    `retry_after` (seconds) says how long to leave the server alone, when it said so (429, 503).
    """

    def __init__(self, message: str, *, offline: bool = False, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.offline = offline
        self.retry_after = retry_after


class TileFetcher(Protocol):
    """Fetches one tile from one tile server (blocking: call it from a worker thread)."""

    def fetch(self, key: TileKey) -> bytes:
        """The tile's image bytes; raises `TileNotFound` or `TileFetchError`."""
        ...

    def close(self) -> None: ...


TileFetcherFactory = Callable[[str], TileFetcher]
"""Builds a fetcher for a `{z}/{x}/{y}` URL template (the composition root passes the httpx one)."""
