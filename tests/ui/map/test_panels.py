"""Side panels: area check, route safety and layers, driven like an operator would."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from sety_console.api.models import DangerAnalytics, RouteSafety, SafetyLevel, SafetyScore
from sety_console.ui.map import AreaPanel, LayersPanel, RoutePanel
from sety_console.ui.map.route_panel import MAX_WAYPOINTS
from tests.contract import example


def _route() -> RouteSafety:
    return RouteSafety.model_validate(example("getRouteSafety.response"))


def test_area_panel_shows_score_factors_and_analytics(qtbot: QtBot) -> None:
    panel = AreaPanel()
    qtbot.addWidget(panel)
    panel.resize(380, 900)
    panel.show()
    analytics = DangerAnalytics.model_validate(example("getDangerAnalytics.response"))
    panel.show_loading((6.5095, 3.3841))
    assert panel.status_text() == "Checking this area…"
    assert not panel.gauge.isVisible()
    panel.show_area(analytics.safety_score, analytics)
    assert panel.gauge.isVisible()
    assert (panel.gauge.score, panel.gauge.level) == (48, SafetyLevel.caution)
    shown = panel.summary()
    assert shown["Point"] == "6.50950, 3.38410 · within 2 km"
    assert "-22" in shown["Factors"]
    assert "Recent incidents" in shown["Factors"]
    assert shown["Incidents"] == "64 in 90 days · 11 critical, 24 high"
    assert shown["Mostly"] == "Location threat (25)"
    assert shown["Riskiest hours"] == "18:00–21:00 UTC"
    assert shown["Trend"].startswith("Worsening (+12.5 %)")
    assert "High risk, 62% chance" in shown["Next 24 h"]
    assert shown["Safe zones"].startswith("Sabo Police Division (Police station, 850 m, 24 h)")
    assert panel.status_text() == ""


def test_area_panel_score_without_analytics_and_errors(qtbot: QtBot) -> None:
    panel = AreaPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.show_area(SafetyScore.model_validate(example("getSafetyScore.response")))
    assert panel.gauge.score == 78
    assert "Incidents" not in panel.summary()
    panel.show_error("the server did not answer (timeout after 10 s)")
    assert panel.status_text() == "Could not check this area: the server did not answer (timeout after 10 s)"
    assert not panel.gauge.isVisible()


def test_route_panel_requests_typed_points_as_tuples(qtbot: QtBot) -> None:
    panel = RoutePanel()
    qtbot.addWidget(panel)
    panel.origin_edit.setText("6.5095, 3.3841")
    panel.destination_edit.setText("6.4281,3.4219")
    panel.waypoint_edit.setText("6.4969, 3.3515")
    panel.waypoint_edit.returnPressed.emit()
    with qtbot.waitSignal(panel.route_requested) as blocker:
        QTest.mouseClick(panel.check_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [(6.5095, 3.3841), (6.4281, 3.4219), [(6.4969, 3.3515)]]


def test_route_panel_explains_bad_points_and_sends_nothing(qtbot: QtBot) -> None:
    panel = RoutePanel()
    qtbot.addWidget(panel)
    panel.show()
    sent: list[object] = []
    panel.route_requested.connect(lambda *args: sent.append(args))
    panel.origin_edit.setText("96.5, 3.3841")
    panel.destination_edit.setText("6.4281, 3.4219")
    assert panel.request_route() is False
    assert panel.error_text == "Origin: Latitude 96.5 is outside -90…90. Is the order 'latitude, longitude'?"
    panel.origin_edit.setText("")
    assert panel.request_route() is False
    assert panel.error_text.startswith("Origin: Type a point as 'latitude, longitude'")
    panel.origin_edit.setText("6.4281, 3.4219")
    assert panel.request_route() is False
    assert "same point" in panel.error_text
    assert sent == []


def test_route_panel_takes_points_from_map_clicks_and_limits_stops(qtbot: QtBot) -> None:
    panel = RoutePanel()
    qtbot.addWidget(panel)
    points: list[tuple[object, ...]] = []
    panel.points_changed.connect(lambda *args: points.append(args))
    assert panel.accept_pick(6.5, 3.4) is False  # not picking: the click is for the area check
    panel.begin_pick("origin")
    assert panel.picking == "origin"
    assert panel.accept_pick(6.51, 3.38) is True
    assert panel.origin_edit.text() == "6.51000, 3.38000"
    assert panel.picking == ""
    assert points[-1] == ((6.51, 3.38), None, [])
    for i in range(MAX_WAYPOINTS + 1):
        panel.begin_pick("waypoint")
        panel.accept_pick(6.45 + i / 100, 3.4)
    assert len(panel.waypoints) == MAX_WAYPOINTS
    assert panel.error_text == f"A route can have at most {MAX_WAYPOINTS} stops."
    panel.begin_pick("destination")
    panel.begin_pick("destination")  # asking again cancels
    assert panel.picking == ""


def test_route_panel_verdict_in_words(qtbot: QtBot) -> None:
    panel = RoutePanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.show_loading()
    assert panel.verdict_text() == "Checking the route…"
    route = _route()
    panel.show_route(route)
    text = panel.verdict_text()
    assert "score 62/100 over 10.0 km in 5 segments" in text
    assert "prefer a daytime trip" in text
    assert "Riskiest: segment 4, score 41 (Caution)" in text
    assert "Crosses: Obalende Motor Park (High)" in text
    assert panel.gauge.score == 62
    silent = route.model_copy(update={"recommendation": "", "danger_zones_crossed": []})
    panel.show_route(silent)
    assert "stay alert in the weaker segments" in panel.verdict_text()
    assert "Crosses no known danger zone" in panel.verdict_text()


def test_layers_panel_toggles_and_heatmap_requests(qtbot: QtBot) -> None:
    panel = LayersPanel()
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignal(panel.layer_toggled) as toggled:
        panel.layer_boxes["zones"].click()
    assert toggled.args == ["zones", False]
    with qtbot.waitSignal(panel.heatmap_requested) as requested:
        panel.window_buttons[30].click()
    assert requested.args == [
        30,
        ["sos", "vehicle", "location_threat", "medical"],
        ["critical", "high", "medium", "low"],
    ]
    with qtbot.waitSignal(panel.heatmap_requested) as requested:
        panel.severity_boxes["low"].click()
    assert requested.args[2] == ["critical", "high", "medium"]
    for box in panel.category_boxes.values():
        box.setChecked(False)
    assert panel.heatmap_query()[1] == []
    assert "at least one category" in panel.heat_status_text()
    panel.set_layer_checked("route", False)
    assert not panel.layer_boxes["route"].isChecked()
