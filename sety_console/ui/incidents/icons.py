"""Small pixmaps of the queue and detail: category glyphs tinted for the theme, severity chips."""

from __future__ import annotations

import functools
import logging

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from sety_console.api.models import Category
from sety_console.assets import asset_path

log = logging.getLogger(__name__)

_KNOWN = {c.value for c in Category}


def category_icon_path(category: Category) -> str:
    """Path of the bundled SVG of `category` (`unknown.svg` for values this version does not know)."""
    name = category.value if category.value in _KNOWN else "unknown"
    return str(asset_path("icons", "categories", f"{name}.svg"))


@functools.cache
def category_icon(category_value: str, color: str, size: int = 18) -> QIcon:
    """The category glyph drawn in `color` (the bundled SVGs are one-colour shapes)."""
    path = category_icon_path(Category(category_value))
    renderer = QSvgRenderer(path)
    if not renderer.isValid():
        log.warning("category icon %s could not be read", path)
        return QIcon()
    pixmap = QPixmap(size * 2, size * 2)  # drawn at 2x: crisp on high-dpi screens too
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    renderer.render(painter, QRectF(0, 0, size * 2, size * 2))
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(pixmap.rect(), QColor(color))
    painter.end()
    return _icon(pixmap)


def _icon(pixmap: QPixmap) -> QIcon:
    """An icon that looks the same selected or not (colour carries meaning here)."""
    pixmap.setDevicePixelRatio(2.0)
    icon = QIcon()
    for mode in (QIcon.Mode.Normal, QIcon.Mode.Selected, QIcon.Mode.Active):
        icon.addPixmap(pixmap, mode)
    return icon


@functools.cache
def color_chip(color: str, size: int = 14) -> QIcon:
    """A rounded square of `color`: the severity chip."""
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(color))
    painter.drawRoundedRect(QRectF(1, 1, size * 2 - 2, size * 2 - 2), 6, 6)
    painter.end()
    return _icon(pixmap)
