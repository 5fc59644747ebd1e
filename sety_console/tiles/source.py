"""Where the map's tiles come from: offline packs, the bounded cache, then the tile server.

`TileSource.get` is what the map's URL-scheme handler calls (from a worker thread) for every tile:

1. a tile in an offline pack (prepared or dropped in by an administrator) is served as is;
2. a cached tile younger than `max_age_s` is served without asking the server;
3. otherwise the server is asked (unless it failed a moment ago) and the answer is cached;
4. when the server cannot be reached, an older cached tile is served (the streets stay);
5. else there is no tile, and the map shows the bundled coastline there.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .errors import TileFetcher, TileFetchError, TileNotFound
from .mbtiles import MBTiles, StoredTile
from .tilemath import TileKey

log = logging.getLogger(__name__)

MAX_AGE_S = 7 * 24 * 3600.0
"""Cached tiles are refreshed after a week (tile policies ask clients to cache at least that long)."""
RETRY_AFTER_FAILURE_S = 15.0
"""After a failed fetch, the server is left alone this long; tiles come from the cache meanwhile."""


class TileOrigin(StrEnum):
    NETWORK = "network"
    CACHE = "cache"
    PACK = "pack"
    STALE = "stale"
    """From the cache, older than `max_age_s`, because the server could not be reached."""


@dataclass(frozen=True, slots=True)
class TileAnswer:
    data: bytes
    content_type: str
    origin: TileOrigin


@dataclass(frozen=True, slots=True)
class NetworkState:
    """Whether the tile server answers: `up` None until it was first asked."""

    up: bool | None
    down_since: float | None = None
    reason: str = ""


def content_type(data: bytes) -> str:
    """The image type from the first bytes (MBTiles files rarely say it per tile)."""
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"GIF8"):
        return "image/gif"
    return "application/octet-stream"


class TileSource:
    """Tiles of one tile server, with its cache and the offline packs. Thread-safe."""

    def __init__(
        self,
        url: str,
        *,
        cache: MBTiles | None,
        packs: Sequence[MBTiles] = (),
        fetcher: TileFetcher | None = None,
        max_age_s: float = MAX_AGE_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.url = url
        self.cache = cache
        self.packs = list(packs)
        self._fetcher = fetcher
        self._max_age_s = max_age_s
        self._clock = clock
        self._lock = threading.Lock()
        self._network = NetworkState(None)
        self._quiet_until = 0.0
        self._cache_broken = False

    @property
    def network(self) -> NetworkState:
        return self._network

    def get(self, key: TileKey) -> TileAnswer | None:
        """The best tile there is for `key` now, or None (see the module docstring for the order)."""
        if not key.is_valid():
            return None
        for pack in self.packs:
            stored = self._read(pack, key)
            if stored is not None:
                return TileAnswer(stored.data, content_type(stored.data), TileOrigin.PACK)
        cached = self._read(self.cache, key) if self.cache else None
        if cached is not None and self._fresh(cached.fetched_at):
            return TileAnswer(cached.data, content_type(cached.data), TileOrigin.CACHE)
        try:
            data = self._fetch(key)
        except TileNotFound:
            return None
        except TileFetchError:
            data = None
        if data is not None:
            self._store(key, data)
            return TileAnswer(data, content_type(data), TileOrigin.NETWORK)
        if cached is not None:
            return TileAnswer(cached.data, content_type(cached.data), TileOrigin.STALE)
        return None

    def _fresh(self, fetched_at: float | None) -> bool:
        return fetched_at is None or self._clock() - fetched_at < self._max_age_s

    def _read(self, store: MBTiles | None, key: TileKey) -> StoredTile | None:
        if store is None:
            return None
        try:
            return store.get(key)
        except sqlite3.Error as exc:
            log.warning("Tile file %s could not be read: %s", store.path, exc)
            return None

    def _fetch(self, key: TileKey) -> bytes | None:
        """The server's tile; None while the server is left alone after a failure."""
        if self._fetcher is None or self._clock() < self._quiet_until:
            return None
        try:
            data = self._fetcher.fetch(key)
        except TileFetchError as exc:
            self._failed(exc)
            raise
        self._succeeded()
        return data

    def _failed(self, exc: TileFetchError) -> None:
        now = self._clock()
        with self._lock:
            self._quiet_until = now + (exc.retry_after or RETRY_AFTER_FAILURE_S)
            if self._network.up is not False:
                log.warning("Tile server unreachable (%s); serving cached tiles", exc)
                self._network = NetworkState(False, now, str(exc))

    def _succeeded(self) -> None:
        with self._lock:
            if self._network.up is not True:
                if self._network.up is False:
                    log.info("Tile server reachable again")
                self._network = NetworkState(True)

    def _store(self, key: TileKey, data: bytes) -> None:
        if self.cache is None or self._cache_broken:
            return
        try:
            self.cache.put(key, data, self._clock())
        except sqlite3.Error as exc:  # disk full, read-only disk: keep drawing, stop caching
            self._cache_broken = True
            log.warning(
                "Tile cache %s cannot be written (%s); tiles are no longer cached", self.cache.path, exc
            )

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()
        for store in (self.cache, *self.packs):
            if store is not None:
                store.close()
