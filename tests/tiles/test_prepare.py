"""'Prepare this area for offline use': only from servers that allow it; resumable; cancellable."""

from __future__ import annotations

from pathlib import Path

import pytest

from sety_console.tiles.fetch import HttpTileFetcher
from sety_console.tiles.library import TileLibrary
from sety_console.tiles.mbtiles import MBTiles
from sety_console.tiles.prepare import MAX_TILES, bulk_refusal
from sety_console.tiles.source import TileOrigin
from sety_console.tiles.tilemath import TileKey, count_tiles

from .fake_tiles import FakeTileServer

AREA = (3.37, 6.44, 3.43, 6.48)  # a corner of Lagos: a handful of tiles per zoom
ZOOMS = range(11, 15)


@pytest.mark.parametrize(
    "url",
    [
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "https://a.tile.openstreetmap.org/{z}/{x}/{y}.png",
        "https://tile.osm.org/{z}/{x}/{y}.png",
    ],
)
def test_the_public_openstreetmap_servers_are_refused(url: str, tmp_path: Path) -> None:
    assert "forbids bulk downloads" in bulk_refusal(url)
    library = TileLibrary(tmp_path / "c", tmp_path / "p", HttpTileFetcher)
    result = library.prepare(url, AREA, ZOOMS)
    assert result.total == 0
    assert "forbids bulk downloads" in result.message
    assert not (tmp_path / "p").exists()  # nothing fetched, nothing written


def test_no_server_or_too_many_tiles_is_said_in_words() -> None:
    assert "No tile server for offline use is set" in bulk_refusal("")
    assert "not a tile address" in bulk_refusal("https://tiles.example.org/map.png")
    assert bulk_refusal("https://tiles.example.org/{z}/{x}/{y}.png") == ""
    assert count_tiles((3.10, 6.35, 3.75, 6.75), range(10, 19)) > MAX_TILES


def test_an_area_is_downloaded_into_a_pack_and_a_second_run_resumes(
    tile_server: FakeTileServer, tmp_path: Path
) -> None:
    library = TileLibrary(tmp_path / "cache", tmp_path / "packs", HttpTileFetcher)
    seen: list[tuple[int, int]] = []
    result = library.prepare(
        tile_server.url, AREA, ZOOMS, attribution="Test tiles", progress=lambda d, t: seen.append((d, t))
    )
    total = count_tiles(AREA, ZOOMS)
    assert result.complete
    assert result.fetched == total
    assert result.message.startswith("Ready for offline use")
    assert seen[-1] == (total, total)
    assert all(agent.startswith("SetyConsole/") for _path, agent in tile_server.requests)
    assert result.path == tmp_path / "packs" / "prepared-127.0.0.1.mbtiles"
    pack = MBTiles(result.path, readonly=True)
    assert pack.tile_count() == total
    meta = pack.metadata()
    assert (meta["format"], meta["minzoom"], meta["maxzoom"], meta["attribution"]) == (
        "png",
        "11",
        "14",
        "Test tiles",
    )
    requests = len(tile_server.requests)
    again = library.prepare(tile_server.url, AREA, ZOOMS)
    assert again.skipped == total
    assert again.fetched == 0
    assert len(tile_server.requests) == requests
    # With the network down, the map's tile source serves the prepared tiles.
    url = tile_server.url
    tile_server.stop()
    source = library.source(url)
    answer = source.get(TileKey(14, 8345, 7896))
    assert answer is not None
    assert answer.origin is TileOrigin.PACK
    assert [info.tiles for info in library.packs()] == [total]


def test_cancel_keeps_what_is_done_and_a_dead_server_stops_the_download(
    tile_server: FakeTileServer, tmp_path: Path
) -> None:
    library = TileLibrary(tmp_path / "cache", tmp_path / "packs", HttpTileFetcher)
    done: list[int] = []
    result = library.prepare(
        tile_server.url, AREA, ZOOMS, progress=lambda d, t: done.append(d), cancelled=lambda: len(done) >= 5
    )
    assert result.cancelled
    assert result.fetched == 5
    assert "Cancelled: 5 of" in result.message
    url = tile_server.url
    tile_server.stop()
    stopped = library.prepare(url, AREA, ZOOMS)
    assert not stopped.complete
    assert stopped.failed == 5
    assert stopped.message.startswith("Stopped after 5 of")  # the 5 from before are kept
