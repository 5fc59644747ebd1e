"""The MBTiles store: the standard schema (readable by any tool), TMS rows, LRU within a byte bound."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sety_console.tiles.mbtiles import MBTiles, TileStoreError
from sety_console.tiles.tilemath import TileKey, count_tiles, tile_at, tiles_in

from .fake_tiles import solid_png


def test_tiles_are_stored_in_the_standard_schema_with_tms_rows(tmp_path: Path) -> None:
    store = MBTiles(tmp_path / "cache.mbtiles")
    store.set_metadata({"name": "test", "format": "png"})
    data = solid_png((10, 20, 30))
    store.put(TileKey(12, 2085, 1975), data)
    store.close()
    db = sqlite3.connect(tmp_path / "cache.mbtiles")  # what any MBTiles tool would read
    rows = db.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles").fetchall()
    assert rows == [(12, 2085, (1 << 12) - 1 - 1975, data)]
    assert dict(db.execute("SELECT name, value FROM metadata")) == {"name": "test", "format": "png"}
    again = MBTiles(tmp_path / "cache.mbtiles")
    stored = again.get(TileKey(12, 2085, 1975))
    assert stored is not None
    assert stored.data == data
    assert again.get(TileKey(12, 2085, 1976)) is None
    assert again.total_bytes == len(data)  # the byte count survives a restart


def test_past_its_bound_the_cache_drops_the_least_recently_used_tiles(tmp_path: Path) -> None:
    tile = bytes(1000)
    store = MBTiles(tmp_path / "cache.mbtiles", max_bytes=10_000)
    keys = [TileKey(15, 100 + i, 200) for i in range(10)]
    for key in keys:
        store.put(key, tile)
    assert store.get(keys[0]) is not None  # the oldest is used again: it must survive
    store.put(TileKey(15, 500, 200), tile)  # 11 000 bytes > 10 000: trim to 90 %
    assert store.total_bytes <= 9_000
    assert store.get(keys[0]) is not None
    assert store.get(keys[1]) is None
    assert store.get(keys[2]) is None
    assert store.get(TileKey(15, 500, 200)) is not None
    assert store.tile_count() == store.total_bytes // 1000


def test_a_pack_made_by_another_tool_is_read_as_it_is(tmp_path: Path) -> None:
    """mb-util and others store deduplicated images behind a `tiles` view; we read that too."""
    path = tmp_path / "pack.mbtiles"
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE metadata (name TEXT, value TEXT);
        CREATE TABLE map (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_id TEXT);
        CREATE TABLE images (tile_data BLOB, tile_id TEXT);
        CREATE VIEW tiles AS SELECT map.zoom_level AS zoom_level, map.tile_column AS tile_column,
            map.tile_row AS tile_row, images.tile_data AS tile_data
            FROM map JOIN images ON images.tile_id = map.tile_id;
        """
    )
    data = solid_png((1, 2, 3))
    db.execute("INSERT INTO images VALUES (?, 'a')", (data,))
    db.execute("INSERT INTO map VALUES (3, 4, ?, 'a')", ((1 << 3) - 1 - 5,))
    db.execute("INSERT INTO metadata VALUES ('format', 'png')")
    db.commit()
    db.close()
    pack = MBTiles(path, readonly=True)
    stored = pack.get(TileKey(3, 4, 5))
    assert stored is not None
    assert stored.data == data
    assert stored.fetched_at is None
    assert pack.metadata()["format"] == "png"


def test_a_file_that_is_not_mbtiles_is_refused_in_words(tmp_path: Path) -> None:
    path = tmp_path / "broken.mbtiles"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(TileStoreError, match="not a readable MBTiles file"):
        MBTiles(path, readonly=True)


def test_tile_arithmetic_matches_the_xyz_scheme() -> None:
    assert tile_at(3.3792, 6.5244, 12) == (2086, 1973)  # Lagos at zoom 12
    lagos = (3.10, 6.35, 3.75, 6.75)
    assert count_tiles(lagos, range(10, 11)) == len(list(tiles_in(lagos, range(10, 11))))
    assert count_tiles(lagos, range(10, 16)) > count_tiles(lagos, range(10, 15)) * 3
