"""What each queue cell looks like for each Qt role: text, colours, icons, fonts, tooltips."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from sety_console.api.models import Severity
from sety_console.core.local_time import to_local
from sety_console.core.rules import SlaUrgency
from sety_console.ui.common.palette import Palette

from .claim_text import ClaimCell
from .icons import category_icon, color_chip
from .queue_columns import Column, QueueRow, format_age, sla_tooltip

DISPLAY = int(Qt.ItemDataRole.DisplayRole)
DECORATION = int(Qt.ItemDataRole.DecorationRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
FONT = int(Qt.ItemDataRole.FontRole)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
INCIDENT_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
"""`data(index, INCIDENT_ID_ROLE)` is the row's incident id."""
Now = Callable[[], datetime]
"""The time is asked for only by the cells that show it (age, SLA)."""

_CENTER = int(Qt.AlignmentFlag.AlignCenter)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LOUD = frozenset({SlaUrgency.AT_RISK, SlaUrgency.BREACHED})
_SEVERITY_COLUMNS = (Column.SEVERITY,)


def flash_strength(elapsed: float, duration: float) -> float:
    """0..1 strength of a new row's flash: three pulses that fade out over `duration` seconds."""
    if elapsed < 0 or elapsed >= duration:
        return 0.0
    fade = 1.0 - elapsed / duration
    pulse = 0.6 + 0.4 * math.cos(2 * math.pi * elapsed * 3 / duration)
    return fade * pulse


PROJECTED = "≈ "
"""Before an age or an SLA clock counted on from data that is not live."""


def projection_words(as_of: datetime) -> str:
    return f"Projection: counted on from data as of {to_local(as_of):%H:%M:%S}, not live."


class QueueCells:
    """Role values of one cell, given its row, the time and the theme's palette."""

    def __init__(self, palette: Palette) -> None:
        self.set_palette(palette)
        self._bold = QFont()
        self._bold.setBold(True)
        self._projected = QFont()
        self._projected.setItalic(True)
        self.projection_as_of: datetime | None = None
        """Set while the data is not live: ages and SLA clocks count on from it and say so."""
        self.claims: dict[str, ClaimCell] = {}
        """Incident id → who has taken it (a control-room hub's claims; empty on a direct connection)."""

    def set_palette(self, palette: Palette) -> None:
        self.palette = palette
        self._closed = QColor(palette.closed)
        self._critical_row = QColor(palette.critical_row)
        self._drill = (QColor(palette.drill.fg), QColor(palette.drill.bg or palette.surface))
        self._sla = {
            urgency: (QColor(sw.fg), QColor(sw.bg) if sw.bg else None) for urgency, sw in palette.sla.items()
        }
        self._flash = QColor(palette.flash)
        self._severity: dict[str, QColor] = {}

    def data(self, row: QueueRow, column: int, role: int, now: Now, tick: int, flash: float) -> Any:
        """The value of `role` for `row` in `column`; `flash` is the row's flash strength (0: none)."""
        if role == DISPLAY:
            return self._text(row, column, now, tick)
        if role == FOREGROUND:
            return self._foreground(row, column, now, tick)
        if role == BACKGROUND:
            return self._background(row, column, now, tick, flash)
        if role == DECORATION:
            return self._decoration(row, column)
        if role == FONT:
            return self._font(row, column, now, tick)
        if role == ALIGNMENT:
            return _CENTER if column == Column.DRILL else (_RIGHT if column == Column.AGE else None)
        if role == TOOLTIP:
            return self._tooltip(row, column, now, tick)
        if role == INCIDENT_ID_ROLE:
            return row.incident_id
        return None

    def _text(self, row: QueueRow, column: int, now: Now, tick: int) -> str:
        mark = PROJECTED if self.projection_as_of is not None else ""
        if column == Column.AGE:
            return mark + format_age((now() - row.incident.created_at).total_seconds())
        if column == Column.SLA:
            return mark + row.sla(now, tick).headline
        if column == Column.TAKEN:
            claim = self.claims.get(row.incident_id)
            return claim.text if claim is not None else ""
        return row.display[column]

    def _foreground(self, row: QueueRow, column: int, now: Now, tick: int) -> QColor | None:
        if self.projection_as_of is not None and column in (Column.AGE, Column.SLA):
            return self._closed
        if column == Column.SEVERITY:
            value = row.fields.severity
            color = self._severity.get(value)
            if color is None:
                color = self._severity[value] = QColor(self.palette.severity_color(value))
            return color
        if column == Column.SLA:
            return self._sla[row.sla(now, tick).urgency][0]
        if column == Column.DRILL:
            return self._drill[0]
        return self._closed if row.fields.terminal else None

    def _background(self, row: QueueRow, column: int, now: Now, tick: int, flash: float) -> QColor | None:
        # The SLA and drill colours keep their meaning even while a new row flashes.
        if column == Column.SLA:
            background = self._sla[row.sla(now, tick).urgency][1]
            if background is not None:
                return background
        if column == Column.DRILL and row.incident.is_drill:
            return self._drill[1]
        if flash > 0:
            color = QColor(self._flash)
            color.setAlphaF(min(1.0, 0.25 + 0.75 * flash))
            return color
        if row.incident.severity is Severity.critical and not row.fields.terminal:
            return self._critical_row
        return None

    def _decoration(self, row: QueueRow, column: int) -> Any:
        if column == Column.SEVERITY:
            return color_chip(self.palette.severity_color(row.fields.severity))
        if column == Column.CATEGORY:
            return category_icon(row.incident.category.value, self.palette.text)
        return None

    def _font(self, row: QueueRow, column: int, now: Now, tick: int) -> QFont | None:
        if self.projection_as_of is not None and column in (Column.AGE, Column.SLA):
            return self._projected
        if column == Column.SEVERITY and row.incident.severity in (Severity.critical, Severity.high):
            return self._bold
        if column == Column.SLA and row.sla(now, tick).urgency in _LOUD:
            return self._bold
        if column == Column.DRILL:
            return self._bold
        if column == Column.TAKEN:
            claim = self.claims.get(row.incident_id)
            return self._bold if claim is not None and claim.mine else None
        return None

    def _tooltip(self, row: QueueRow, column: int, now: Now, tick: int) -> str:
        tip = self._clock_tooltip(row, column, now, tick)
        if self.projection_as_of is not None and column in (Column.AGE, Column.SLA):
            return f"{projection_words(self.projection_as_of)}\n{tip}"
        return tip

    def _clock_tooltip(self, row: QueueRow, column: int, now: Now, tick: int) -> str:
        incident = row.incident
        if column == Column.AGE:
            age = format_age((now() - incident.created_at).total_seconds())
            return f"Created {to_local(incident.created_at):%Y-%m-%d %H:%M:%S %Z} ({age} ago)"
        if column == Column.SLA:
            return sla_tooltip(incident, row.sla(now, tick))
        if column == Column.TAKEN:
            claim = self.claims.get(row.incident_id)
            return claim.tooltip if claim is not None else "Nobody has taken this incident (Ctrl+T takes it)."
        return row.tooltips[column]
