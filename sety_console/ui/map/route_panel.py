"""Route safety panel: origin, destination and waypoints (typed or clicked), then the verdict."""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from sety_console.api.models import RouteSafety
from sety_console.core.map_text import (
    CoordinateError,
    LatLng,
    enum_label,
    format_distance,
    format_point,
    parse_point,
)
from sety_console.ui.common.score_gauge import ScoreGauge

from .palette import SAFETY_COLORS, safety_color

MAX_WAYPOINTS = 10
"""The contract's limit on `waypoints`."""

ROLES = ("origin", "destination", "waypoint")
_PICK_TEXT = "Pick on map"
_PICKING_TEXT = "Click the map… (again: cancel)"
_FALLBACK_ADVICE = {
    "safe": "The route looks safe at this time.",
    "moderate": "The route is mostly fine; stay alert in the weaker segments.",
    "caution": "Take care on this route; consider another way or time for the riskiest segment.",
    "danger": "Avoid this route if you can; it crosses dangerous areas.",
}


def recommendation_text(route: RouteSafety) -> str:
    """The server's recommendation, or advice from the level when it sent none."""
    return route.recommendation.strip() or _FALLBACK_ADVICE.get(route.level.value, "No advice available.")


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {SAFETY_COLORS['danger']};")
    label.setVisible(False)
    return label


class RoutePanel(QWidget):
    """Emits `route_requested(origin, destination, waypoints)` with `(lat, lng)` tuples."""

    route_requested = Signal(object, object, object)
    points_changed = Signal(object, object, object)
    """(origin | None, destination | None, [waypoints]) whenever the planned points change."""
    pick_changed = Signal(str)
    """The role being picked on the map (`origin`, `destination`, `waypoint`), or `""`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RoutePanel")
        self._picking = ""
        self._waypoints: list[LatLng] = []
        self.origin_edit = QLineEdit(placeholderText="lat, lng — e.g. 6.5095, 3.3841")
        self.destination_edit = QLineEdit(placeholderText="lat, lng — e.g. 6.4281, 3.4219")
        self.waypoint_edit = QLineEdit(placeholderText="lat, lng (optional stop)")
        self._pick_buttons = {role: QPushButton(_PICK_TEXT) for role in ROLES}
        self.waypoint_list = QListWidget()
        self.waypoint_list.setMaximumHeight(90)
        self.check_button = QPushButton("Check route safety")
        self.check_button.setDefault(True)
        self._error = _error_label()
        self.gauge = ScoreGauge()
        self._verdict = QLabel(wordWrap=True)
        self._status = QLabel("Pick or type an origin and a destination.", wordWrap=True)
        self._result = QGroupBox("Verdict")
        self._build()

    def _build(self) -> None:
        points = QGridLayout()
        for row, (caption, edit, role) in enumerate(
            (
                ("Origin (A)", self.origin_edit, "origin"),
                ("Destination (B)", self.destination_edit, "destination"),
                ("Waypoint", self.waypoint_edit, "waypoint"),
            )
        ):
            points.addWidget(QLabel(caption), row, 0)
            points.addWidget(edit, row, 1)
            points.addWidget(self._pick_buttons[role], row, 2)
            self._pick_buttons[role].clicked.connect(lambda _=False, r=role: self.begin_pick(r))
        self.origin_edit.editingFinished.connect(self._emit_points)
        self.destination_edit.editingFinished.connect(self._emit_points)
        self.waypoint_edit.returnPressed.connect(self._add_typed_waypoint)
        add = QPushButton("Add stop")
        add.clicked.connect(self._add_typed_waypoint)
        remove = QPushButton("Remove stop")
        remove.clicked.connect(self._remove_waypoint)
        clear = QPushButton("Clear all")
        clear.clicked.connect(self.clear)
        self.check_button.clicked.connect(self.request_route)
        stops = QHBoxLayout()
        for button in (add, remove, clear):
            stops.addWidget(button)
        result = QVBoxLayout(self._result)
        result.addWidget(self.gauge)
        result.addWidget(self._verdict)
        self._result.setVisible(False)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(QLabel("<b>Route safety</b>"))
        layout.addLayout(points)
        layout.addWidget(self.waypoint_list)
        layout.addLayout(stops)
        layout.addWidget(self._error)
        layout.addWidget(self.check_button)
        layout.addWidget(self._status)
        layout.addWidget(self._result)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    # -- picking points on the map -------------------------------------------------------------

    @property
    def picking(self) -> str:
        """The role the next map click fills, or `""` when map clicks are not for the route."""
        return self._picking

    def begin_pick(self, role: str) -> None:
        """Let the next map click fill `role`; asking again for the same role cancels."""
        if role not in ROLES:
            raise ValueError(f"unknown route point {role!r}")
        self._set_picking("" if self._picking == role else role)

    def cancel_pick(self) -> None:
        self._set_picking("")

    def _set_picking(self, role: str) -> None:
        self._picking = role
        for name, button in self._pick_buttons.items():
            button.setText(_PICKING_TEXT if name == role else _PICK_TEXT)
        self.pick_changed.emit(role)

    def accept_pick(self, lat: float, lng: float) -> bool:
        """Use a map click for the role being picked; False when no pick was pending."""
        role = self._picking
        if not role:
            return False
        text = format_point((lat, lng))
        if role == "waypoint":
            self.waypoint_edit.setText(text)
            self._add_typed_waypoint()
        else:
            (self.origin_edit if role == "origin" else self.destination_edit).setText(text)
            self._emit_points()
        self._set_picking("")
        return True

    # -- waypoints -----------------------------------------------------------------------------

    @property
    def waypoints(self) -> list[LatLng]:
        return list(self._waypoints)

    def _add_typed_waypoint(self) -> None:
        if len(self._waypoints) >= MAX_WAYPOINTS:
            self._show_error(f"A route can have at most {MAX_WAYPOINTS} stops.")
            return
        try:
            point = parse_point(self.waypoint_edit.text())
        except CoordinateError as exc:
            self._show_error(f"Stop: {exc}")
            return
        self._waypoints.append(point)
        self.waypoint_list.addItem(f"{len(self._waypoints)}. {format_point(point)}")
        self.waypoint_edit.clear()
        self._show_error("")
        self._emit_points()

    def _remove_waypoint(self) -> None:
        row = self.waypoint_list.currentRow()
        if row < 0:
            row = len(self._waypoints) - 1
        if row < 0:
            return
        del self._waypoints[row]
        self.waypoint_list.clear()
        self.waypoint_list.addItems([f"{i + 1}. {format_point(p)}" for i, p in enumerate(self._waypoints)])
        self._emit_points()

    # -- requesting ----------------------------------------------------------------------------

    def _parsed(self, edit: QLineEdit) -> LatLng | None:
        try:
            return parse_point(edit.text())
        except CoordinateError:
            return None

    def _emit_points(self) -> None:
        self.points_changed.emit(
            self._parsed(self.origin_edit), self._parsed(self.destination_edit), self.waypoints
        )

    def request_route(self) -> bool:
        """Check the typed points and emit `route_requested`; False (and a message) if they are wrong."""
        try:
            origin = parse_point(self.origin_edit.text())
        except CoordinateError as exc:
            return self._show_error(f"Origin: {exc}")
        try:
            destination = parse_point(self.destination_edit.text())
        except CoordinateError as exc:
            return self._show_error(f"Destination: {exc}")
        if origin == destination and not self._waypoints:
            return self._show_error("Origin and destination are the same point; pick two different places.")
        self._show_error("")
        self.cancel_pick()
        self.points_changed.emit(origin, destination, self.waypoints)
        self.route_requested.emit(origin, destination, self.waypoints)
        return True

    def _show_error(self, message: str) -> bool:
        self._error.setText(message)
        self._error.setVisible(bool(message))
        return not message

    @property
    def error_text(self) -> str:
        return self._error.text() if self._error.isVisibleTo(self) else ""

    def clear(self) -> None:
        for edit in (self.origin_edit, self.destination_edit, self.waypoint_edit):
            edit.clear()
        self._waypoints.clear()
        self.waypoint_list.clear()
        self._show_error("")
        self.cancel_pick()
        self.clear_result()
        self._emit_points()

    # -- result --------------------------------------------------------------------------------

    def clear_result(self) -> None:
        self._result.setVisible(False)
        self._status.setText("Pick or type an origin and a destination.")
        self._status.setVisible(True)

    def show_loading(self) -> None:
        self._result.setVisible(False)
        self._status.setText("Checking the route…")
        self._status.setVisible(True)

    def show_error(self, message: str) -> None:
        self._result.setVisible(False)
        self._status.setText(f"Could not check the route: {message}")
        self._status.setVisible(True)

    def show_route(self, route: RouteSafety) -> None:
        """The overall score, level, distance, crossed zones and the recommendation in words."""
        self.gauge.set_score(route.overall_score, route.level)
        self._verdict.setText(self.verdict_html(route))
        self._status.setVisible(False)
        self._result.setVisible(True)

    @staticmethod
    def verdict_html(route: RouteSafety) -> str:
        parts = [
            f'<p><b style="color:{safety_color(route.level)}">{html.escape(enum_label(route.level))}</b>'
            f" — score {route.overall_score}/100 over {format_distance(route.distance_meters)}"
            f" in {len(route.segments)} segments.</p>",
            f"<p>{html.escape(recommendation_text(route))}</p>",
        ]
        index = route.riskiest_segment_index
        if index is not None and 0 <= index < len(route.segments):
            seg = route.segments[index]
            level = html.escape(enum_label(seg.level))
            parts.append(f"<p>Riskiest: segment {index + 1}, score {seg.score} ({level}).</p>")
        if route.danger_zones_crossed:
            zones = ", ".join(
                f"{html.escape(z.name or z.zone_id)} ({html.escape(enum_label(z.risk_level))})"
                for z in route.danger_zones_crossed
            )
            parts.append(f"<p>Crosses: {zones}.</p>")
        else:
            parts.append("<p>Crosses no known danger zone.</p>")
        return "".join(parts)

    def verdict_text(self) -> str:
        return self._verdict.text() if self._result.isVisibleTo(self) else self._status.text()
