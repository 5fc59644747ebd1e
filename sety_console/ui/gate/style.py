"""Colours and type sizes of the gate workspace: high contrast, readable at night from a step away."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QWidget


class Tone(Enum):
    """What a banner, card or row means; each tone is a (background, text) pair with contrast ≥ 4.5:1."""

    IDLE = ("#263238", "#FFFFFF")
    GOOD = ("#0B6B2C", "#FFFFFF")
    BAD = ("#B3001B", "#FFFFFF")
    WARN = ("#FFC107", "#000000")
    PENDING = ("#0D47A1", "#FFFFFF")
    DONE = ("#455A64", "#FFFFFF")

    @property
    def background(self) -> QColor:
        return QColor(self.value[0])

    @property
    def foreground(self) -> QColor:
        return QColor(self.value[1])

    def sheet(self, selector: str = "") -> str:
        """A style sheet painting a widget (or `selector`) in this tone."""
        body = f"background-color: {self.value[0]}; color: {self.value[1]};"
        return f"{selector} {{ {body} }}" if selector else body


# Type sizes in points.
ANSWER_PT = 40
DETAIL_PT = 18
INPUT_PT = 34
CODE_PT = 48
BUTTON_PT = 13


def font(points: int, *, bold: bool = False, mono: bool = False) -> QFont:
    """A font of `points` size; `mono` for digits that must not be misread (0/O, 1/l)."""
    result = QFont("DejaVu Sans Mono" if mono else "DejaVu Sans")
    if mono:
        result.setStyleHint(QFont.StyleHint.Monospace)
    result.setPointSize(points)
    result.setBold(bold)
    return result


@dataclass(frozen=True, slots=True)
class Look:
    """Type size and weight written into the widget's own style sheet, so an app-wide theme (whose
    `QWidget { font-size: … }` beats `setFont`) can never shrink the gate's big answers."""

    points: int | None = None
    bold: bool = False
    mono: bool = False

    def declarations(self) -> str:
        parts = [f"font-size: {self.points}pt;"] if self.points else []
        if self.bold:
            parts.append("font-weight: bold;")
        if self.mono:
            parts.append('font-family: "DejaVu Sans Mono", monospace;')
        return " ".join(parts)

    def apply(self, widget: QWidget, tone: Tone | None = None) -> None:
        """Paint `widget` with this look and, when given, the tone's colours."""
        if self.points:
            widget.setFont(font(self.points, bold=self.bold, mono=self.mono))
        colours = tone.sheet() if tone is not None and tone is not Tone.IDLE else ""
        widget.setStyleSheet(f"{self.declarations()} {colours}".strip())
