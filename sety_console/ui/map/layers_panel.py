"""Layer panel: show or hide each map layer; heatmap window and filters."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QLinearGradient, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sety_console.api.models import Category, HeatmapResponse, Severity
from sety_console.assets import asset_path
from sety_console.core.map_text import category_label

from .palette import HEAT_GRADIENT, RISK_COLORS, SAFETY_COLORS, SEVERITY_COLORS
from .state import LAYERS

HEAT_WINDOWS: tuple[tuple[str, int], ...] = (("24 h", 1), ("7 d", 7), ("30 d", 30), ("90 d", 90))
DEFAULT_HEAT_DAYS = 7
_WINDOW_BUTTON_STYLE = (
    "QToolButton { padding: 2px 8px; }"
    "QToolButton:checked { font-weight: bold; border: 2px solid palette(highlight); border-radius: 3px; }"
)
LAYER_LABELS = {
    "incidents": "Incidents",
    "responders": "Responders",
    "zones": "Danger zones",
    "heatmap": "Heatmap",
    "safe_zones": "Safe zones nearby",
    "route": "Route",
}


def _swatch(layer: str) -> QIcon:
    """A small picture of how the layer looks on the map."""
    pixmap = QPixmap(18, 18)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(QColor("white"), 1.5))
    if layer == "incidents":
        p.setBrush(QColor(SEVERITY_COLORS["critical"]))
        p.drawEllipse(QRectF(2, 2, 14, 14))
    elif layer == "responders":
        p.setBrush(QColor("#0d47a1"))
        p.drawRoundedRect(QRectF(3, 3, 12, 12), 2, 2)
    elif layer == "zones":
        p.setPen(QPen(QColor(RISK_COLORS["high"]), 2))
        p.setBrush(QColor(RISK_COLORS["high"]).lighter(160))
        p.drawEllipse(QRectF(2, 2, 14, 14))
    elif layer == "heatmap":
        gradient = QLinearGradient(0, 0, 18, 0)
        for stop, color in HEAT_GRADIENT.items():
            gradient.setColorAt(float(stop), QColor(color))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(gradient)
        p.drawRoundedRect(QRectF(1, 4, 16, 10), 3, 3)
    elif layer == "safe_zones":
        p.setPen(QPen(QColor("#1a237e"), 2))
        p.setBrush(QColor("white"))
        p.drawRoundedRect(QRectF(2, 2, 14, 14), 3, 3)
        p.drawText(QRectF(2, 2, 14, 14), Qt.AlignmentFlag.AlignCenter, "P")
    else:
        p.setPen(QPen(QColor(SAFETY_COLORS["safe"]), 4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawLine(3, 14, 15, 4)
    p.end()
    return QIcon(pixmap)


def category_icon(key: str, color: QColor) -> QIcon:
    """The category glyph shipped in resources/icons/categories (also used on the map), in `color`
    so that it reads on light and dark themes alike."""
    icons = asset_path("icons", "categories")
    pixmap = QPixmap()
    pixmap.loadFromData(icons.joinpath(f"{key}.svg").read_bytes(), "SVG")
    p = QPainter(pixmap)
    p.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    p.fillRect(pixmap.rect(), color)
    p.end()
    return QIcon(pixmap)


class LayersPanel(QWidget):
    """Emits `layer_toggled(name, visible)` and `heatmap_requested(days, categories, severities)`.

    The heatmap request lists the checked category and severity values (all of them when
    nothing is filtered out); it is not emitted while a list is empty.
    """

    layer_toggled = Signal(str, bool)
    heatmap_requested = Signal(int, list, list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LayersPanel")
        self.layer_boxes: dict[str, QCheckBox] = {}
        self.window_buttons: dict[int, QToolButton] = {}
        self.category_boxes: dict[str, QCheckBox] = {}
        self.severity_boxes: dict[str, QCheckBox] = {}
        self._heat_status = QLabel("No heatmap loaded yet.", wordWrap=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self._layers_box())
        layout.addWidget(self._heatmap_box())
        layout.addStretch(1)

    def _layers_box(self) -> QGroupBox:
        box = QGroupBox("Layers")
        grid = QGridLayout(box)
        for index, name in enumerate(LAYERS):
            check = QCheckBox(LAYER_LABELS[name])
            check.setIcon(_swatch(name))
            check.setChecked(True)
            check.toggled.connect(lambda on, n=name: self.layer_toggled.emit(n, on))
            self.layer_boxes[name] = check
            grid.addWidget(check, index // 2, index % 2)
        return box

    def _heatmap_box(self) -> QGroupBox:
        box = QGroupBox("Heatmap")
        layout = QVBoxLayout(box)
        windows = QHBoxLayout()
        group = QButtonGroup(self)
        for label, days in HEAT_WINDOWS:
            button = QToolButton()
            button.setText(label)
            button.setCheckable(True)
            button.setStyleSheet(_WINDOW_BUTTON_STYLE)
            button.setToolTip(f"Incidents of the last {label}")
            button.setChecked(days == DEFAULT_HEAT_DAYS)
            group.addButton(button, days)
            windows.addWidget(button)
            self.window_buttons[days] = button
        windows.addStretch(1)
        group.idClicked.connect(lambda _days: self._emit_heatmap())
        layout.addWidget(QLabel("Window"))
        layout.addLayout(windows)
        filters = QGridLayout()
        for index, category in enumerate(Category):
            check = QCheckBox(category_label(category))
            check.setChecked(True)
            check.setIcon(category_icon(category.value, self.palette().windowText().color()))
            check.toggled.connect(self._emit_heatmap)
            self.category_boxes[category.value] = check
            filters.addWidget(check, index // 2, index % 2)
        for index, severity in enumerate(reversed(list(Severity))):
            check = QCheckBox(severity.label)
            check.setChecked(True)
            check.setIcon(_dot(SEVERITY_COLORS[severity.value]))
            check.toggled.connect(self._emit_heatmap)
            self.severity_boxes[severity.value] = check
            filters.addWidget(check, 2 + index // 2, index % 2)
        layout.addLayout(filters)
        layout.addWidget(self._heat_status)
        return box

    def heatmap_query(self) -> tuple[int, list[str], list[str]]:
        """(window in days, checked categories, checked severities) as the panel shows them."""
        days = next((d for d, b in self.window_buttons.items() if b.isChecked()), DEFAULT_HEAT_DAYS)
        categories = [key for key, box in self.category_boxes.items() if box.isChecked()]
        severities = [key for key, box in self.severity_boxes.items() if box.isChecked()]
        return days, categories, severities

    def _emit_heatmap(self) -> None:
        days, categories, severities = self.heatmap_query()
        if not categories or not severities:
            self._heat_status.setText("Check at least one category and one severity to draw the heatmap.")
            return
        self._heat_status.setText("Loading heatmap…")
        self.heatmap_requested.emit(days, categories, severities)

    def request_heatmap(self) -> None:
        """Emit `heatmap_requested` for the current choice (e.g. when the workspace first opens)."""
        self._emit_heatmap()

    def set_heatmap_summary(self, heatmap: HeatmapResponse | None, error: str = "") -> None:
        if error:
            self._heat_status.setText(f"Heatmap not updated: {error}")
        elif heatmap is None:
            self._heat_status.setText("No heatmap loaded yet.")
        else:
            cells = f" in {heatmap.grid_meters} m cells" if heatmap.grid_meters else ""
            self._heat_status.setText(
                f"{heatmap.total_incidents} incidents{cells}, {len(heatmap.points)} hot cells."
            )

    def heat_status_text(self) -> str:
        return self._heat_status.text()

    def set_layer_checked(self, name: str, visible: bool) -> None:
        """Reflect a layer shown or hidden elsewhere, without emitting `layer_toggled`."""
        box = self.layer_boxes[name]
        box.blockSignals(True)
        box.setChecked(visible)
        box.blockSignals(False)


def _dot(color: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(color))
    p.drawEllipse(QRectF(1, 1, 12, 12))
    p.end()
    return QIcon(pixmap)
