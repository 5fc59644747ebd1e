"""A 0–100 score gauge painted with QPainter: an arc coloured by level, the number, a caption."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

_START_DEG = 210  # the arc runs clockwise from 210° (lower left) to -30° (lower right)
_SPAN_DEG = 240


class ScoreGauge(QWidget):
    """Shows `score` (0–100, 100 the safest) or a dash when there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._score: int | None = None
        self._color = QColor("#78909c")
        self._caption = ""
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(130)

    def sizeHint(self) -> QSize:
        return QSize(180, 140)

    @property
    def score(self) -> int | None:
        return self._score

    @property
    def caption(self) -> str:
        return self._caption

    @property
    def color(self) -> QColor:
        return QColor(self._color)

    def set_score(self, score: int | None, color: str = "#78909c", caption: str = "") -> None:
        self._score = None if score is None else max(0, min(100, int(score)))
        self._color = QColor(color)
        self._caption = caption
        self.setAccessibleName(f"Safety score {score if score is not None else 'unknown'} {caption}".strip())
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(self.width(), self.height() * 1.25) - 16
        thickness = max(8.0, side / 11)
        rect = QRectF((self.width() - side) / 2, 8 + thickness / 2, side, side)
        track = QPen(self.palette().mid().color(), thickness, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        painter.setPen(track)
        painter.drawArc(rect, _START_DEG * 16, -_SPAN_DEG * 16)
        if self._score is not None:
            value = QPen(self._color, thickness, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
            painter.setPen(value)
            painter.drawArc(rect, _START_DEG * 16, int(-_SPAN_DEG * 16 * self._score / 100))
        text_color = self.palette().windowText().color()
        number = QFont(self.font())
        number.setPointSizeF(max(14.0, side / 6))
        number.setBold(True)
        painter.setFont(number)
        painter.setPen(text_color)
        center = QRectF(rect.left(), rect.top() + side * 0.22, side, side * 0.3)
        painter.drawText(
            center, Qt.AlignmentFlag.AlignCenter, "—" if self._score is None else str(self._score)
        )
        caption = QFont(self.font())
        caption.setPointSizeF(max(9.0, side / 14))
        caption.setBold(True)
        painter.setFont(caption)
        painter.setPen(self._color if self._score is not None else text_color)
        below = QRectF(rect.left(), center.bottom(), side, side * 0.18)
        painter.drawText(below, Qt.AlignmentFlag.AlignCenter, self._caption)
        painter.end()
