"""ScoreGauge: a 0–100 safety score as an arc, a big number and the level in words (100 = safest)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from sety_console.api.models import SafetyLevel
from sety_console.ui.common.palette import colors
from sety_console.ui.common.theme import current_theme

__all__ = ["ScoreGauge"]

_START_DEGREES = 225.0
_SPAN_DEGREES = -270.0


class ScoreGauge(QWidget):
    """Paints `score` on a 270° arc coloured by its `SafetyLevel`, with the number and level in words.

    Without a score it shows `message` (for example `Loading…` or `No score`) in the middle.
    """

    def __init__(self, parent: QWidget | None = None, *, caption: str = "Safety score") -> None:
        super().__init__(parent)
        self._score: int | None = None
        self._level: SafetyLevel | None = None
        self._message = "No score yet"
        self._caption = caption
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setMinimumSize(120, 120)
        self._describe()

    @property
    def score(self) -> int | None:
        return self._score

    @property
    def level(self) -> SafetyLevel | None:
        return self._level

    @property
    def message(self) -> str:
        return self._message

    def set_score(self, score: int, level: SafetyLevel) -> None:
        """Show `score` (clamped to 0–100) and its level."""
        self._score = max(0, min(100, int(score)))
        self._level = level
        self._message = ""
        self._describe()
        self.update()

    def set_message(self, text: str) -> None:
        """Clear the score and show `text` instead (loading, error, nothing to show)."""
        self._score = None
        self._level = None
        self._message = text
        self._describe()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(220, 220)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width

    def _describe(self) -> None:
        if self._score is None or self._level is None:
            text = f"{self._caption}: {self._message}"
        else:
            text = f"{self._caption} {self._score} of 100 (100 is safest): {self._level.label}"
        self.setToolTip(text)
        self.setAccessibleName(text)

    def paintEvent(self, event: QPaintEvent) -> None:
        palette = colors(current_theme())
        side = float(min(self.width(), self.height())) - 8.0
        box = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        pen_width = max(side * 0.085, 6.0)
        arc = box.adjusted(pen_width / 2, pen_width / 2, -pen_width / 2, -pen_width / 2)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        track = QPen(QColor(palette.surface), pen_width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        painter.setPen(track)
        painter.drawArc(arc, int(_START_DEGREES * 16), int(_SPAN_DEGREES * 16))
        if self._score is None or self._level is None:
            self._draw_text(painter, box, self._message, side * 0.09, QColor(palette.muted), 0.0, bold=False)
            painter.end()
            return
        colour = QColor(palette.safety_color(self._level.value))
        if self._score > 0:
            value = QPen(colour, pen_width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
            painter.setPen(value)
            painter.drawArc(arc, int(_START_DEGREES * 16), int(_SPAN_DEGREES * self._score / 100 * 16))
        self._draw_text(painter, box, str(self._score), side * 0.3, QColor(palette.text), -0.06, bold=True)
        self._draw_text(painter, box, self._level.label, side * 0.11, colour, 0.17, bold=True)
        self._draw_text(painter, box, "out of 100", side * 0.06, QColor(palette.muted), 0.3, width=0.5)
        self._draw_text(painter, box, "100 = safest", side * 0.06, QColor(palette.muted), 0.38, width=0.5)
        self._draw_text(painter, box, self._caption, side * 0.065, QColor(palette.muted), -0.27)
        painter.end()

    @staticmethod
    def _draw_text(
        painter: QPainter,
        box: QRectF,
        text: str,
        pixel_size: float,
        colour: QColor,
        offset: float,
        *,
        bold: bool = False,
        width: float = 1.0,
    ) -> None:
        """Draw `text` centred in `width` × the box, shifted down by `offset` × the box's height."""
        font = QFont(painter.font())
        font.setPixelSize(max(int(pixel_size), 8))
        font.setBold(bold)
        painter.setFont(font)
        painter.setPen(colour)
        line_width = box.width() * width
        top = box.center().y() + offset * box.height() - pixel_size
        line = QRectF(box.center().x() - line_width / 2, top, line_width, 2 * pixel_size)
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        painter.drawText(line, int(flags), text)
