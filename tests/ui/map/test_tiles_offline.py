"""Streets through the console: tiles from a tile server on 127.0.0.1 via the sety-tiles scheme,
kept in the MBTiles cache, still drawn when the network drops; 'Prepare this area for offline use'
driven from its button and keys."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sety_console.tiles.fetch import HttpTileFetcher
from sety_console.tiles.library import TileLibrary, cache_file_name
from sety_console.ui.map import MapWorkspace
from sety_console.ui.map.page import BasemapConfig
from tests.tiles.fake_tiles import FakeTileServer

from . import synthetic as syn
from .conftest import PAGE_TIMEOUT_S, js, pause, settle, wait_until
from .street_tiles import street_tile

OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


@pytest.fixture(scope="module")
def server() -> Iterator[FakeTileServer]:
    server = FakeTileServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def tiled(
    qapp: QApplication, tmp_path_factory: pytest.TempPathFactory, server: FakeTileServer
) -> Iterator[MapWorkspace]:
    """A map workspace whose tiles come through a tile library, from the fake tile server."""
    root = tmp_path_factory.mktemp("tiled")
    library = TileLibrary(root / "cache", root / "packs", HttpTileFetcher)
    basemap = BasemapConfig(tile_url=server.url, attribution="Test tiles")
    ws = MapWorkspace(page_dir=root / "page", tiles=library, basemap=basemap)
    ws.resize(1600, 1000)
    ws.show()
    wait_until(lambda: ws.map_view.is_ready, PAGE_TIMEOUT_S, "the map page")
    yield ws
    ws.close()
    ws.deleteLater()
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qapp.processEvents()


def drawn(ws: MapWorkspace, want: str) -> dict[str, object]:
    state: dict[str, object] = wait_until(
        lambda: (s := js(ws.map_view, "SetyMap.state()"))["basemapDrawn"] == want and s, 15, f"basemap {want}"
    )
    return state


def test_streets_come_through_the_console_and_stay_when_the_network_drops(
    tiled: MapWorkspace, server: FakeTileServer
) -> None:
    view = tiled.map_view
    url = server.url
    view.set_incidents([syn.incident(1, lat=6.50, lng=3.36, title="Near Surulere")])
    view.center_on(6.50, 3.36, 14)
    settle(view)
    state = drawn(tiled, "streets")
    assert "Test tiles" in str(state["attribution"])
    assert "GSHHG" not in str(state["attribution"])  # the coastline is hidden under the streets
    assert state["areaNames"] == []  # the streets carry their own names
    assert state["basemapNote"] == ""
    assert js(view, "SetyMap.basemap.tiles._url").startswith("sety-tiles://")
    assert server.requests
    assert all(agent.startswith("SetyConsole/") for _path, agent in server.requests)
    assert tiled.tiles is not None
    cache = tiled.tiles.cache_dir / cache_file_name(url)
    assert sqlite3.connect(cache).execute("SELECT COUNT(*) FROM tiles").fetchone()[0] >= 6

    server.stop()  # the network drops
    view.center_on(6.62, 3.62, 14)  # somewhere never seen: no streets there
    settle(view)
    state = drawn(tiled, "coast")
    assert view.tile_server is not None
    wait_until(
        lambda: view.tile_server is not None and view.tile_server.up is False, 10, "the outage noticed"
    )
    state = wait_until(
        lambda: "unreachable" in (s := js(view, "SetyMap.state()"))["basemapNote"] and s, 10, "note"
    )
    assert str(state["basemapNote"]).endswith("coastline and area names only")
    assert "GSHHG" in str(state["attribution"])
    assert "Test tiles" not in str(state["attribution"])
    assert "Tile server unreachable" in tiled.offline_panel.status_text()

    view.center_on(6.50, 3.36, 14)  # back where the operator worked: the streets are still there
    settle(view)
    state = drawn(tiled, "streets")
    assert "streets from this computer's cache" in str(state["basemapNote"])
    assert "Test tiles" in str(state["attribution"])
    assert view.page_loads == 1


def test_preparing_the_area_downloads_with_progress_and_refuses_openstreetmap(
    qtbot: QtBot, tiled: MapWorkspace, server: FakeTileServer
) -> None:
    server.stop()  # the street tile server is down; another one allows bulk downloads
    busy = FakeTileServer().start()
    try:
        tiled.set_offline_server(busy.url, "Test tiles")
        bar = tiled.tabs.tabBar()
        offline_tab = tiled.tabs.indexOf(tiled.offline_panel)
        assert bar.tabText(offline_tab) == "Offline streets"
        QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(offline_tab).center())
        assert tiled.tabs.currentWidget() is tiled.offline_panel
        QTest.mouseClick(tiled.offline_panel.prepare_button, Qt.MouseButton.LeftButton)
        dialog = tiled.offline_dialog
        assert dialog is not None
        assert dialog.isVisible()
        dialog.zoom_to.setFocus()
        dialog.zoom_to.selectAll()
        QTest.keyClicks(dialog.zoom_to, "12")
        assert dialog.zooms() == range(10, 13)
        assert "tiles, " in dialog.estimate.text()
        QTest.keyClick(dialog, Qt.Key.Key_Return)  # Start is the default button
        wait_until(lambda: dialog.result_value is not None, 30, "the download to finish")
        result = dialog.result_value
        assert result is not None
        assert result.complete
        assert dialog.progress.value() == dialog.progress.maximum() == result.total
        assert dialog.status.text().startswith("Ready for offline use")
        assert result.path is not None
        assert tiled.tiles is not None
        assert result.path.parent == tiled.tiles.packs_dir
        # The street tile server is down: the prepared pack serves at once, no restart needed.
        tiled.map_view.center_on(6.55, 3.42, 12)
        state = drawn(tiled, "streets")
        assert state["areaNames"] == []

        busy.delay_s = 0.05  # a slow server: cancel part way
        dialog.zoom_to.selectAll()
        QTest.keyClicks(dialog.zoom_to, "14")
        QTest.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
        wait_until(lambda: dialog.progress.value() > result.total + 10, 30, "progress past the first run")
        assert not dialog.close_button.isEnabled()
        QTest.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        wait_until(lambda: dialog.result_value is not result, 30, "the cancel to land")
        cancelled = dialog.result_value
        assert cancelled is not None
        assert cancelled.cancelled
        assert dialog.status.text().startswith("Cancelled:")
        assert dialog.close_button.isEnabled()
        QTest.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
        assert not dialog.isVisible()

        tiled.set_offline_server(OSM)
        refused = tiled.open_offline_dialog()
        assert refused is not None
        assert refused is not dialog
        assert "forbids bulk downloads" in refused.problem.text()
        assert not refused.start_button.isEnabled()
        refused.reject()
    finally:
        busy.stop()


SHOTS = {
    "tiles": Path("/tmp/sety-map-tiles.png"),
    "cached": Path("/tmp/sety-map-cached.png"),
    "coast": Path("/tmp/sety-map-coast.png"),
}


def test_screenshots_with_streets_with_the_network_cut_and_with_no_tiles(
    qapp: QApplication, tmp_path: Path
) -> None:
    """Three PNGs an operator would see (looked at by a person): live streets, the same streets
    from the cache after the network dropped, and the coastline with area names alone."""
    server = FakeTileServer(street_tile).start()
    library = TileLibrary(tmp_path / "cache", tmp_path / "packs", HttpTileFetcher)
    incidents = syn.incidents(60, seed=3)
    try:
        ws = MapWorkspace(
            page_dir=tmp_path / "page", tiles=library, basemap=BasemapConfig(server.url, "Test tiles")
        )
        ws.resize(1600, 1000)
        ws.show()
        wait_until(lambda: ws.map_view.is_ready, PAGE_TIMEOUT_S, "the map page")
        ws.map_view.set_incidents(incidents)
        ws.map_view.center_on(6.50, 3.37, 14)
        settle(ws.map_view)
        drawn(ws, "streets")
        pause_and_save(ws, SHOTS["tiles"])
        server.stop()
        ws.map_view.center_on(6.60, 3.60, 14)
        settle(ws.map_view)
        drawn(ws, "coast")
        ws.map_view.center_on(6.50, 3.37, 14)
        settle(ws.map_view)
        state = drawn(ws, "streets")
        assert "cache" in str(state["basemapNote"])
        pause_and_save(ws, SHOTS["cached"])
        ws.close()
        bare = MapWorkspace(page_dir=tmp_path / "bare", basemap=BasemapConfig(tile_url=""))
        bare.resize(1600, 1000)
        bare.show()
        wait_until(lambda: bare.map_view.is_ready, PAGE_TIMEOUT_S, "the bare map page")
        bare.map_view.set_incidents(incidents)
        settle(bare.map_view)
        state = drawn(bare, "coast")
        assert len(state["areaNames"]) >= 5  # type: ignore[arg-type]
        pause_and_save(bare, SHOTS["coast"])
        bare.close()
    finally:
        server.stop()
        qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def pause_and_save(ws: MapWorkspace, path: Path) -> None:
    pause(1.0)  # labels placed, the last frame shown
    image = ws.grab().toImage()
    assert image.save(str(path))
