"""The live map in QtWebEngine: bridge round trips, diffs without reloads, layers, selection, route.

One page serves the whole module (see conftest.workspace); each test sets the data it relies on.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sety_console.api.models import DangerAnalytics, DangerZone, DangerZonePage, RouteSafety
from sety_console.ui.map import LAYERS, MapView, MapWorkspace
from sety_console.ui.map.page import DEFAULT_TILE_URL, BasemapConfig
from sety_console.ui.map.palette import SAFETY_COLORS
from tests.contract import example

from . import synthetic as syn
from .conftest import click_at, click_marker, js, pause, settle, wait_until

SCREENSHOT = Path("/tmp/sety-map-workspace.png")


def test_page_loads_once_from_a_file_and_answers_through_the_bridge(workspace: MapWorkspace) -> None:
    view = workspace.map_view
    assert view.web_view.url().isLocalFile()
    assert Path(view.web_view.url().toLocalFile()) == view.page_path
    assert view.page_loads == 1
    zones = DangerZonePage.model_validate(example("listDangerZones.response")).data
    view.set_zones(zones)
    before = view.rendered_seq
    state = settle(view)  # Python → JS push, JS → Python ack
    assert view.rendered_seq > before
    assert state["lastSeq"] == view.rendered_seq
    assert state["zones"] == len(zones)
    assert state["errors"] == []


def test_without_tiles_the_map_shows_the_coastline_and_credits_only_that(view: MapView) -> None:
    wait_until(lambda: view.basemap_online is False, 10, "the basemap to be reported offline")
    state = wait_until(
        lambda: (s := js(view, "SetyMap.state()"))["basemapDrawn"] == "coast" and s, 10, "coast"
    )
    assert state["basemapNote"] == "Street tiles not loading: coastline and area names only"
    assert state["coastShapes"] > 3
    assert "GSHHG" in state["attribution"]
    assert "OpenStreetMap" not in state["attribution"]  # no tile is drawn, so none is credited
    assert js(view, "document.querySelectorAll('.leaflet-control-scale').length") == 1
    requested = js(view, "performance.getEntriesByType('resource').map(e => e.name)")
    tile_prefix = DEFAULT_TILE_URL.split("{", 1)[0]
    assert requested, "the basemap should at least have tried to fetch tiles"
    assert [url for url in requested if not url.startswith((tile_prefix, "file:", "data:"))] == []


def test_switching_the_basemap_needs_no_reload(view: MapView) -> None:
    note = "(document.querySelector('.sety-offline-note') || {}).textContent"
    view.set_basemap(BasemapConfig(tile_url=""))
    settle(view)
    assert js(view, note) == "No street map configured: coastline and area names only"
    view.set_basemap(BasemapConfig())
    settle(view)
    expected = "Street tiles not loading: coastline and area names only"
    wait_until(lambda: js(view, note) == expected, 10, "the tiles to fail again")
    assert js(view, "SetyMap.basemap.tiles._url") == DEFAULT_TILE_URL
    assert view.page_loads == 1


def test_a_100_incident_diff_updates_markers_without_reloading(view: MapView) -> None:
    base = syn.incidents(500, seed=11)
    view.set_incidents(base)
    assert settle(view)["incidents"] == 500
    loads = view.page_loads
    changed = syn.moved(base[:90])
    added = syn.incidents(510, seed=12)[500:]
    removed = [i.incident_id for i in base[100:110]]
    seq_before = view.pushed_seq
    view.apply_incidents(changed + added, removed)
    view.apply_incidents([], [])  # another call in the same turn joins the same batch
    state = settle(view)
    assert view.pushed_seq == seq_before + 1
    assert state["incidents"] == 500 + 10 - 10
    moved = changed[0]
    at = js(view, f"SetyMap.incidents.position('{moved.incident_id}')")
    assert at == pytest.approx([moved.location.lat, moved.location.lng], abs=1e-6)
    assert js(view, f"SetyMap.incidents.position('{removed[0]}')") is None
    assert view.page_loads == loads == 1


def test_responders_draw_lines_only_while_en_route(view: MapView) -> None:
    en_route = syn.incident(900, lat=6.52, lng=3.37, status="responding", responder_at=(6.53, 3.36))
    on_scene = syn.incident(901, lat=6.50, lng=3.40, status="on_scene", responder_at=(6.50, 3.40))
    view.set_incidents([en_route, on_scene])
    state = settle(view)
    assert (state["units"], state["unitLines"]) == (2, 1)
    view.apply_incidents(
        [syn.incident(900, lat=6.52, lng=3.37, status="resolved", responder_at=(6.52, 3.37))]
    )
    state = settle(view)
    assert (state["units"], state["unitLines"]) == (1, 0)


def test_critical_incidents_pulse_until_acknowledged(view: MapView) -> None:
    critical = syn.incident(910, lat=6.5, lng=3.38, severity="critical")
    view.set_incidents([critical, syn.incident(911, lat=6.6, lng=3.5, severity="high")])
    view.center_on(6.5, 3.38, 15)
    assert settle(view)["pulsing"] == 1
    wait_until(
        lambda: js(view, "document.querySelectorAll('.sety-pin.pulse').length") == 1, 5, "a pulsing pin"
    )
    view.set_acknowledged([critical.incident_id])
    assert settle(view)["pulsing"] == 0
    assert js(view, "document.querySelectorAll('.sety-pin.pulse').length") == 0


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_can_be_hidden_and_shown(workspace: MapWorkspace, view: MapView, layer: str) -> None:
    workspace.layers_panel.layer_boxes[layer].click()  # the operator unticks it
    assert settle(view)["layers"][layer] is False
    assert view.layer_visible(layer) is False
    workspace.set_layer_visible(layer, True)
    assert settle(view)["layers"][layer] is True
    assert workspace.layers_panel.layer_boxes[layer].isChecked()


def test_hidden_incident_layer_leaves_no_pins(view: MapView) -> None:
    view.set_incidents(syn.incidents(30, seed=5))
    view.fit_incidents()
    assert settle(view)["pins"] + settle(view)["clusters"] > 0
    view.set_layer_visible("incidents", False)
    state = settle(view)
    assert state["pins"] == state["clusters"] == 0
    view.set_layer_visible("incidents", True)
    settle(view)


def test_selecting_an_incident_highlights_it_and_pans_there(view: MapView) -> None:
    crowd = syn.incidents(200, seed=21)
    view.set_incidents(crowd)
    view.center_on(6.46, 3.31, 12)
    settle(view)
    target = crowd[77]
    view.select_incident(target.incident_id)
    settle(view)
    wait_until(lambda: js(view, "SetyMap.state().selectedShown") == 1, 10, "the highlighted pin")
    state = wait_until(
        lambda: (
            (s := js(view, "SetyMap.state()"))
            and s["center"] == pytest.approx([target.location.lat, target.location.lng], abs=0.01)
            and s
        ),
        10,
        "the map to pan to the incident",
    )
    assert state["selected"] == target.incident_id
    view.select_incident(None)
    assert settle(view)["selectedShown"] == 0


def test_clicking_a_marker_selects_it_and_tells_the_queue(qtbot: QtBot, workspace: MapWorkspace) -> None:
    view = workspace.map_view
    lone = syn.incident(920, lat=6.55, lng=3.45, severity="medium", category="vehicle")
    view.set_incidents([lone])
    view.center_on(6.55, 3.45, 16)
    settle(view)
    with qtbot.waitSignal(workspace.incident_clicked, timeout=5000) as clicked:
        click_marker(view, 6.55, 3.45)
    assert clicked.args == [lone.incident_id]
    assert view.selected_incident == lone.incident_id
    assert js(view, "SetyMap.state().selectedShown") == 1
    with qtbot.waitSignal(workspace.incident_clicked, timeout=5000) as clicked:
        js(view, f"SetyMap.incidents.click('{lone.incident_id}')")  # the page's own click path
    assert clicked.args == [lone.incident_id]


def test_map_click_checks_the_area_and_right_click_offers_a_new_incident(
    qtbot: QtBot, workspace: MapWorkspace
) -> None:
    view = workspace.map_view
    view.set_incidents([])
    view.center_on(6.5, 3.4, 14)
    settle(view)
    with qtbot.waitSignal(workspace.area_requested, timeout=5000) as area:
        click_at(view, 6.501, 3.401)
    lat, lng = area.args
    assert (lat, lng) == pytest.approx((6.501, 3.401), abs=2e-4)
    assert workspace.area_panel.status_text() == "Checking this area…"
    assert settle(view)["probe"] == pytest.approx([lat, lng])
    click_at(view, 6.499, 3.399, Qt.MouseButton.RightButton)
    wait_until(lambda: js(view, "SetyMap.menu.element.style.display") == "block", 5, "the context menu")
    menu_at = js(
        view, "(r => [r.left + 20, r.top + 14])(SetyMap.menu.element.firstChild.getBoundingClientRect())"
    )
    with qtbot.waitSignal(workspace.new_incident_requested, timeout=5000) as new:
        lat_lng = js(view, f"(p => [p.lat, p.lng])(SetyMap.map.containerPointToLatLng({menu_at}))")
        click_at(view, *lat_lng)
    assert new.args == pytest.approx([6.499, 3.399], abs=2e-4)


def test_route_picking_then_drawing_with_crossed_zones(qtbot: QtBot, workspace: MapWorkspace) -> None:
    view, panel = workspace.map_view, workspace.route_panel
    route = RouteSafety.model_validate(example("getRouteSafety.response"))
    crossed = DangerZone.model_validate(
        {
            "zone_id": "dz_9ra4e0sx6tg1mk8u",
            "name": "Obalende Motor Park",
            "center": {"coordinates": [3.41, 6.45]},
            "radius_meters": 400,
            "risk_level": "high",
        }
    )
    view.set_zones([crossed, *syn.zones(3)])
    view.center_on(6.48, 3.40, 13)
    settle(view)
    panel.begin_pick("origin")
    click_at(view, 6.5095, 3.3841)
    wait_until(lambda: panel.origin_edit.text(), 5, "the origin from a map click")
    panel.destination_edit.setText("6.4281, 3.4219")
    with qtbot.waitSignal(workspace.route_requested, timeout=5000) as requested:
        panel.check_button.click()
    origin, destination, waypoints = requested.args
    assert origin == pytest.approx((6.5095, 3.3841), abs=2e-4)
    assert destination == (6.4281, 3.4219)
    assert waypoints == []
    workspace.show_route(route)
    state = settle(view)
    assert state["routeSegments"] == 5
    assert state["routeMarks"] == 2
    assert state["routeColors"][1] == SAFETY_COLORS["caution"]
    assert state["crossedZones"] == 1
    workspace.show_route(None)
    state = settle(view)
    assert (state["routeSegments"], state["crossedZones"]) == (0, 0)


def test_screenshot_of_every_layer(workspace: MapWorkspace) -> None:
    """Everything at once, as an operator sees it; the PNG is looked at by a person."""
    view = workspace.map_view
    analytics = DangerAnalytics.model_validate(example("getDangerAnalytics.response"))
    incidents = syn.incidents(160, seed=7)
    view.set_incidents(incidents)
    view.set_acknowledged([i.incident_id for i in incidents[::2]])
    zones = DangerZonePage.model_validate(example("listDangerZones.response")).data + syn.zones(8)
    view.set_zones(zones)
    workspace.set_heatmap(syn.heatmap(900))
    workspace.request_area(6.5095, 3.3841)
    workspace.show_area(analytics.safety_score, analytics)
    workspace.route_panel.origin_edit.setText("6.5095, 3.3841")
    workspace.route_panel.destination_edit.setText("6.4281, 3.4219")
    workspace.route_panel.origin_edit.editingFinished.emit()
    view.show_route(RouteSafety.model_validate(example("getRouteSafety.response")))
    view.select_incident(incidents[4].incident_id, pan=False)
    for layer in LAYERS:
        workspace.set_layer_visible(layer, True)
    state = settle(view)
    assert state["incidents"] == 160
    assert state["zones"] == len(zones)
    assert state["heatPoints"] == 900
    assert state["safeZones"] == len(analytics.safe_zones.zones)
    assert state["routeSegments"] == 5
    assert state["units"] > 0
    assert state["unitLines"] > 0
    assert state["probe"]
    pause(1.0)  # let cluster animations end and the compositor show the new frame
    image = workspace.grab().toImage()
    assert (image.width(), image.height()) == (1600, 1000)
    assert image.save(str(SCREENSHOT))
    colours = {image.pixelColor(x, y).name() for x in range(0, 1200, 7) for y in range(0, 1000, 7)}
    assert len(colours) > 200, "the map area looks blank"
