"""The page's tile addresses: `sety-tiles://<server token>/z/x/y`, checked before any lookup."""

from __future__ import annotations

from sety_console.tiles.tilemath import TileKey
from sety_console.ui.map.tile_scheme import parse_tile_path


def test_tile_paths_are_parsed_and_impossible_ones_refused() -> None:
    assert parse_tile_path("/12/2086/1973") == TileKey(12, 2086, 1973)
    assert parse_tile_path("/12/2086/1973.png") == TileKey(12, 2086, 1973)
    assert parse_tile_path("/12/4096/1") is None  # beyond the zoom level's last column
    assert parse_tile_path("/12/x/1") is None
    assert parse_tile_path("/../../etc/passwd") is None
    assert parse_tile_path("/1/2") is None
