"""The tile source's order: packs, fresh cache, server, stale cache; outages remembered briefly."""

from __future__ import annotations

from pathlib import Path

from sety_console.tiles.errors import TileFetchError, TileNotFound
from sety_console.tiles.mbtiles import MBTiles
from sety_console.tiles.source import MAX_AGE_S, RETRY_AFTER_FAILURE_S, TileOrigin, TileSource
from sety_console.tiles.tilemath import TileKey

from .fake_tiles import solid_png

KEY = TileKey(14, 8345, 7893)
SERVER_TILE = solid_png((200, 0, 0))


class FakeFetcher:
    """Answers like a tile server; `down` makes it fail as a dropped network does."""

    def __init__(self) -> None:
        self.down = False
        self.missing: set[TileKey] = set()
        self.calls: list[TileKey] = []

    def fetch(self, key: TileKey) -> bytes:
        self.calls.append(key)
        if self.down:
            raise TileFetchError("connection refused", offline=True)
        if key in self.missing:
            raise TileNotFound(str(key))
        return SERVER_TILE

    def close(self) -> None:
        pass


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def make(tmp_path: Path) -> tuple[TileSource, FakeFetcher, Clock]:
    fetcher, clock = FakeFetcher(), Clock()
    cache = MBTiles(tmp_path / "cache.mbtiles", max_bytes=1_000_000)
    return TileSource("http://t/{z}/{x}/{y}", cache=cache, fetcher=fetcher, clock=clock), fetcher, clock


def test_a_tile_is_fetched_once_then_served_from_the_cache(tmp_path: Path) -> None:
    source, fetcher, _clock = make(tmp_path)
    first = source.get(KEY)
    assert first is not None
    assert first.origin is TileOrigin.NETWORK
    assert first.content_type == "image/png"
    second = source.get(KEY)
    assert second is not None
    assert second.origin is TileOrigin.CACHE
    assert second.data == SERVER_TILE
    assert fetcher.calls == [KEY]
    assert source.network.up is True


def test_when_the_network_drops_cached_streets_stay_even_old_ones(tmp_path: Path) -> None:
    source, fetcher, clock = make(tmp_path)
    source.get(KEY)
    clock.now += MAX_AGE_S + 60  # the cached tile is now due for a refresh
    fetcher.down = True
    answer = source.get(KEY)
    assert answer is not None
    assert answer.origin is TileOrigin.STALE
    assert answer.data == SERVER_TILE
    assert source.network.up is False
    assert source.network.down_since == clock.now
    assert source.get(TileKey(14, 1, 1)) is None  # never seen: nothing to draw, the coastline shows
    # While the server is left alone, no request is made for any tile.
    calls = len(fetcher.calls)
    source.get(TileKey(14, 2, 2))
    assert len(fetcher.calls) == calls
    clock.now += RETRY_AFTER_FAILURE_S + 1
    fetcher.down = False
    answer = source.get(KEY)
    assert answer is not None
    assert answer.origin is TileOrigin.NETWORK
    assert source.network.up is True


def test_offline_packs_come_first_and_missing_tiles_are_not_errors(tmp_path: Path) -> None:
    pack_path = tmp_path / "pack.mbtiles"
    pack_tile = solid_png((0, 0, 200))
    writer = MBTiles(pack_path)
    writer.put(KEY, pack_tile)
    writer.close()
    fetcher = FakeFetcher()
    fetcher.missing.add(TileKey(14, 3, 3))
    source = TileSource(
        "http://t/{z}/{x}/{y}", cache=None, packs=[MBTiles(pack_path, readonly=True)], fetcher=fetcher
    )
    answer = source.get(KEY)
    assert answer is not None
    assert answer.origin is TileOrigin.PACK
    assert answer.data == pack_tile
    assert fetcher.calls == []
    assert source.get(TileKey(14, 3, 3)) is None
    assert source.network.up is None  # a 404 says nothing about the network


def test_a_cache_that_cannot_be_written_still_lets_tiles_through(tmp_path: Path) -> None:
    source, _fetcher, _clock = make(tmp_path)
    assert source.cache is not None
    source.cache.close()  # writes now fail like a full or vanished disk
    answer = source.get(KEY)
    assert answer is not None
    assert answer.origin is TileOrigin.NETWORK
    assert source.get(TileKey(99, 0, 0)) is None  # an impossible tile is no tile
