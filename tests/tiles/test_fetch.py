"""The httpx fetcher and the tile library against a real tile server on 127.0.0.1."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sety_console.tiles.errors import TileFetchError, TileNotFound
from sety_console.tiles.fetch import USER_AGENT, HttpTileFetcher, tile_url
from sety_console.tiles.library import TileLibrary, cache_file_name
from sety_console.tiles.source import TileOrigin
from sety_console.tiles.tilemath import TileKey

from .fake_tiles import FakeTileServer, default_tile


def test_the_fetcher_names_the_console_and_reads_the_servers_answers(tile_server: FakeTileServer) -> None:
    tile_server.max_zoom = 16
    fetcher = HttpTileFetcher(tile_server.url)
    assert fetcher.fetch(TileKey(12, 2086, 1973)) == default_tile(12, 2086, 1973)
    assert tile_server.requests[-1] == ("/tiles/12/2086/1973.png", USER_AGENT)
    assert "SetyConsole/" in USER_AGENT
    assert "Sety Console" in USER_AGENT
    with pytest.raises(TileNotFound):
        fetcher.fetch(TileKey(17, 1, 1))
    tile_server.status = 429
    with pytest.raises(TileFetchError) as busy:
        fetcher.fetch(TileKey(12, 1, 1))
    assert busy.value.retry_after == 1.0
    assert not busy.value.offline
    url = tile_server.url
    tile_server.stop()
    with pytest.raises(TileFetchError) as down:
        HttpTileFetcher(url).fetch(TileKey(12, 1, 1))
    assert down.value.offline
    fetcher.close()


def test_subdomains_and_placeholders_are_filled_like_leaflet_does() -> None:
    assert (
        tile_url("https://{s}.t.example/{z}/{x}/{y}{r}.png", TileKey(3, 1, 2))
        == "https://a.t.example/3/1/2.png"
    )


def test_the_library_caches_into_the_cache_dir_and_keeps_streets_through_an_outage(
    tile_server: FakeTileServer, tmp_path: Path
) -> None:
    library = TileLibrary(tmp_path / "cache", tmp_path / "packs", HttpTileFetcher)
    url = tile_server.url
    source = library.source(url)
    keys = [TileKey(13, 4172 + i, 3946) for i in range(4)]
    assert all((a := source.get(k)) is not None and a.origin is TileOrigin.NETWORK for k in keys)
    cache_file = tmp_path / "cache" / cache_file_name(url)
    assert cache_file.is_file()
    assert sqlite3.connect(cache_file).execute("SELECT COUNT(*) FROM tiles").fetchone()[0] == 4
    source.close()
    tile_server.stop()  # the network drops; the console restarts
    again = library.source(url)
    answers = [again.get(k) for k in keys]
    assert all(a is not None and a.origin is TileOrigin.CACHE for a in answers)
    assert again.get(TileKey(13, 1, 1)) is None
    again.close()
