"""A view that fits: opens on the service area, then on the open incidents; labels keep clear of
markers; the legend names every mark; without tiles, the areas the incidents fall in are named."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from sety_console.ui.map import MapWorkspace
from sety_console.ui.map.page import DEFAULT_SERVICE_AREA, BasemapConfig

from . import synthetic as syn
from .conftest import PAGE_TIMEOUT_S, js, pause, settle, wait_until


@pytest.fixture(scope="module")
def fresh(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MapWorkspace]:
    """A workspace with no tile server (the coastline and names are all there is)."""
    ws = MapWorkspace(page_dir=tmp_path_factory.mktemp("fit"), basemap=BasemapConfig(tile_url=""))
    ws.resize(1600, 1000)
    ws.show()
    wait_until(lambda: ws.map_view.is_ready, PAGE_TIMEOUT_S, "the map page")
    yield ws
    ws.close()
    ws.deleteLater()
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qapp.processEvents()


def bounds(ws: MapWorkspace) -> list[float]:
    """[west, south, east, north] of what the map shows."""
    b: list[float] = js(
        ws.map_view, "(b => [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()])(SetyMap.map.getBounds())"
    )
    return b


def on_screen(ws: MapWorkspace, lat: float, lng: float) -> list[float]:
    p: list[float] = js(ws.map_view, f"(p => [p.x, p.y])(SetyMap.map.latLngToContainerPoint([{lat}, {lng}]))")
    return p


def test_the_map_opens_on_the_service_area_then_fits_the_open_incidents(fresh: MapWorkspace) -> None:
    west, south, east, north = DEFAULT_SERVICE_AREA
    shown = bounds(fresh)
    assert shown[0] <= west
    assert shown[1] <= south
    assert shown[2] >= east
    assert shown[3] >= north
    # Open incidents in the west of the city, one far out at the edge; a closed one further east.
    active = [
        syn.incident(1, lat=6.46, lng=3.20),
        syn.incident(2, lat=6.47, lng=3.24),
        syn.incident(3, lat=6.52, lng=3.31),
        syn.incident(4, lat=6.44, lng=3.13),
    ]
    closed = syn.incident(5, lat=6.60, lng=3.70, status="resolved")
    fresh.map_view.set_incidents([*active, closed])
    state = settle(fresh.map_view)
    assert state["autoFit"] is False
    legend: dict[str, float] = js(
        fresh.map_view,
        "(r => ({left: r.left, top: r.top}))(document.querySelector('.sety-legend').getBoundingClientRect())",
    )
    size = js(fresh.map_view, "(s => [s.x, s.y])(SetyMap.map.getSize())")
    for incident in active:
        x, y = on_screen(fresh, incident.location.lat, incident.location.lng)
        assert 30 <= x <= size[0] - 30, f"{incident.incident_id} at x={x} is cut off"
        assert 30 <= y <= size[1] - 30, f"{incident.incident_id} at y={y} is cut off"
        assert not (x > legend["left"] and y > legend["top"]), f"{incident.incident_id} is under the legend"
    assert bounds(fresh)[2] - bounds(fresh)[0] < 0.5  # fitted to the incidents, not the whole area
    # Later incidents never move the view by themselves.
    before = bounds(fresh)
    fresh.map_view.apply_incidents([syn.incident(6, lat=6.70, lng=3.70)])
    settle(fresh.map_view)
    assert bounds(fresh) == pytest.approx(before)


def test_without_tiles_the_areas_with_incidents_are_named(fresh: MapWorkspace) -> None:
    view = fresh.map_view
    surulere = syn.incident(10, lat=6.4975, lng=3.3520)
    yaba = syn.incident(11, lat=6.5100, lng=3.3790)
    elsewhere = syn.incident(12, lat=6.700, lng=3.700)
    elsewhere = elsewhere.model_copy(
        update={"location": elsewhere.location.model_copy(update={"address": "4 Lake Road, Imota, Lagos"})}
    )
    view.set_incidents([surulere, yaba, elsewhere])
    view.fit_incidents()
    state: dict[str, Any] = wait_until(
        lambda: (s := settle(view))["basemapDrawn"] == "coast" and s, 10, "coast"
    )
    assert state["areaNames"] == ["Imota", "Surulere", "Yaba"]
    assert state["basemapNote"] == "No street map configured: coastline and area names only"
    assert "GSHHG" in state["attribution"]
    view.apply_incidents([], [yaba.incident_id])
    assert settle(view)["areaNames"] == ["Imota", "Surulere"]


def test_labels_keep_clear_of_markers(fresh: MapWorkspace) -> None:
    """Units parked right beside other incidents: their labels move to a free side or hide."""
    view = fresh.map_view
    crowd = []
    for i in range(12):
        lat, lng = 6.50 + (i % 4) * 0.0016, 3.37 + (i // 4) * 0.0022
        crowd.append(
            syn.incident(100 + i, lat=lat, lng=lng, status="on_scene", responder_at=(lat, lng + 0.0009))
        )
    view.set_incidents(crowd)
    view.center_on(6.5025, 3.3722, 16)
    settle(view)
    pause(0.5)
    report: dict[str, Any] = wait_until(
        lambda: (r := js(view, "SetyMap.labels.report()"))["labels"] and r, 10, "labels"
    )
    assert len(report["labels"]) >= 4
    for text, (l1, t1, r1, b1) in report["labels"]:
        for l2, t2, r2, b2 in report["marks"]:
            overlap = l1 < r2 - 1 and r1 > l2 + 1 and t1 < b2 - 1 and b1 > t2 + 1
            assert not overlap, f"label {text!r} covers a marker"


def test_the_legend_names_every_mark(fresh: MapWorkspace) -> None:
    text = js(fresh.map_view, "document.querySelector('.sety-legend').textContent")
    for words in (
        "Critical",
        "several incidents",
        "pulsing: critical, not acknowledged",
        "selected incident",
        "closed in the last 2 h",
        "unit en route",
        "Danger-zone risk",
        "incident density",
        "Route safety",
        "start, B end",
        "point being checked",
        "Police station",
        "land",
        "sea, lagoon",
        "river, creek",
        "area with incidents",
    ):
        assert words.lower() in text.lower(), words


def test_a_selection_made_while_the_map_is_hidden_does_not_move_it(fresh: MapWorkspace) -> None:
    view = fresh.map_view
    target = syn.incident(300, lat=6.60, lng=3.50)
    view.set_incidents([syn.incident(301, lat=6.45, lng=3.30), target])
    view.fit_incidents()
    settle(view)
    before = bounds(fresh)
    fresh.hide()
    view.select_incident(target.incident_id, pan=True)  # picked in the control room's queue
    fresh.show()
    state = settle(view)
    assert state["selected"] == target.incident_id
    assert bounds(fresh) == pytest.approx(before)


def test_on_a_small_map_the_legend_starts_folded_and_unfolds_on_a_click(fresh: MapWorkspace) -> None:
    folded = "document.querySelector('.sety-legend').classList.contains('folded')"
    assert js(fresh.map_view, folded) is False  # 1600×1000 leaves room for it
    fresh.resize(1100, 700)
    wait_until(lambda: js(fresh.map_view, folded), 10, "the legend to fold on a small map")
    js(fresh.map_view, "(document.querySelector('.sety-legend .title').click(), 1)")
    assert js(fresh.map_view, folded) is False  # the operator's choice stays
    fresh.resize(1600, 1000)
    pause(0.3)
    assert js(fresh.map_view, folded) is False


def test_the_automatic_view_is_fitted_again_when_the_map_is_resized(
    qapp: QApplication, tmp_path_factory: pytest.TempPathFactory
) -> None:
    ws = MapWorkspace(page_dir=tmp_path_factory.mktemp("refit"), basemap=BasemapConfig(tile_url=""))
    try:
        ws.resize(1600, 1000)
        ws.show()
        wait_until(lambda: ws.map_view.is_ready, PAGE_TIMEOUT_S, "the map page")
        north, south = syn.incident(1, lat=6.64, lng=3.35), syn.incident(2, lat=6.44, lng=3.45)
        ws.map_view.set_incidents([north, south])
        settle(ws.map_view)
        ws.resize(1000, 700)  # e.g. the window is made smaller before anyone touched the map
        wait_until(lambda: js(ws.map_view, "SetyMap.map.getSize().y") < 800, 10, "the smaller map")
        size = js(ws.map_view, "(s => [s.x, s.y])(SetyMap.map.getSize())")

        def both_in_view() -> bool:
            points = [on_screen(ws, i.location.lat, i.location.lng) for i in (north, south)]
            return all(20 < x < size[0] - 20 and 20 < y < size[1] - 20 for x, y in points)

        wait_until(both_in_view, 10, "both incidents back in view after the resize")
    finally:
        ws.close()
        ws.deleteLater()
        qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_selecting_an_incident_already_in_view_leaves_the_view_alone(fresh: MapWorkspace) -> None:
    view = fresh.map_view
    shown = syn.incident(400, lat=6.52, lng=3.36)
    view.set_incidents([shown, syn.incident(401, lat=6.47, lng=3.44)])
    view.fit_incidents()
    settle(view)
    before = bounds(fresh)
    view.select_incident(shown.incident_id, pan=True)
    state = settle(view)
    assert state["selectedShown"] == 1
    assert bounds(fresh) == pytest.approx(before)
