"""Street-like tiles for screenshots: pale land, white streets in a grid that continues across
tiles, a main road every few blocks, and the tile's z/x/y in a corner (so a cached tile shows)."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QImageWriter, QPainter, QPen

BLOCK = 96  # px between streets, in world pixels at any zoom


def street_tile(z: int, x: int, y: int) -> bytes:
    """A 256×256 PNG; safe to call from the tile server's threads (QImage, no widgets)."""
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(QColor("#efe9e1"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    x0, y0 = x * 256, y * 256
    for axis in (0, 1):
        origin = x0 if axis == 0 else y0
        first = origin - origin % BLOCK
        for pos in range(first, origin + 256 + BLOCK, BLOCK):
            main = (pos // BLOCK) % 5 == 0
            width = 9 if main else 5
            for colour, extra in (("#c9c0b5", 2), ("#fbd38d" if main else "#ffffff", 0)):
                p.setPen(QPen(QColor(colour), width + extra))
                if axis == 0:
                    p.drawLine(pos - origin, 0, pos - origin, 256)
                else:
                    p.drawLine(0, pos - origin, 256, pos - origin)
    p.setPen(QColor("#9e9e9e"))
    p.setFont(QFont("DejaVu Sans", 8))
    p.drawText(QRect(4, 240, 200, 14), Qt.AlignmentFlag.AlignLeft, f"test tile {z}/{x}/{y}")
    p.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    QImageWriter(buffer, QByteArray(b"png")).write(image)
    buffer.close()
    return bytes(data.data())
