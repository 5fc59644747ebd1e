"""Read-only pyqtgraph bar charts in the console's theme: labelled axes, optional value labels."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyqtgraph as pg
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QWidget

from sety_console.ui.common.palette import colors
from sety_console.ui.common.theme import current_theme

__all__ = ["BarChart", "ChartColours", "chart_colours"]

pg.setConfigOptions(antialias=True)


class ChartColours:
    """The theme's colours as a chart uses them."""

    def __init__(self, theme: str) -> None:
        palette = colors(theme)
        self.background = palette.base
        self.text = palette.text
        self.muted = palette.muted
        self.bar = "#5b8def" if theme == "dark" else "#2f6fd6"
        self.high = palette.safety_color("danger")
        self.low = palette.safety_color("safe")


def chart_colours() -> ChartColours:
    return ChartColours(current_theme())


class BarChart(pg.PlotWidget):  # type: ignore[misc]
    """A bar chart of counts: `set_bars(labels, values, colours)` replaces what is drawn.

    Mouse zoom and pan are off (a supervisor reads it, never explores it); every bar can carry its
    value above it so nobody has to read numbers off the axis.
    """

    def __init__(
        self,
        title: str,
        *,
        y_label: str = "Incidents",
        x_label: str = "",
        title_size: str = "12pt",
        parent: QWidget | None = None,
    ) -> None:
        self.colours = chart_colours()
        super().__init__(parent=parent, background=self.colours.background)
        self.title = title
        self._title_size = title_size
        self._values: list[float] = []
        self._labels: list[str] = []
        self._brushes: list[str] = []
        self._texts: list[pg.TextItem] = []
        self.bands: dict[int, str] = {}
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        item.showGrid(x=False, y=True, alpha=0.25)
        item.setTitle(title, color=self.colours.text, size=title_size, bold=True)
        label_style = {"color": self.colours.muted, "font-size": "10pt"}
        if y_label:
            item.setLabel("left", y_label, **label_style)
        if x_label:
            item.setLabel("bottom", x_label, **label_style)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(self.colours.muted))
            axis.setTextPen(pg.mkPen(self.colours.text))
        self._bands = pg.BarGraphItem(x=[], height=[], width=1.0)
        self._bands.setZValue(-10)
        item.addItem(self._bands)
        self._bars = pg.BarGraphItem(x=[], height=[], width=0.75)
        item.addItem(self._bars)

    @property
    def values(self) -> list[float]:
        return list(self._values)

    @property
    def labels(self) -> list[str]:
        return list(self._labels)

    @property
    def bar_colours(self) -> list[str]:
        return list(self._brushes)

    def set_title(self, title: str, size: str = "") -> None:
        """Replace the title (e.g. when the zone's name for its hours changes)."""
        self.title = title
        self.getPlotItem().setTitle(title, color=self.colours.text, size=size or self._title_size, bold=True)

    def sizeHint(self) -> QSize:
        return QSize(420, 240)

    def set_bars(
        self,
        labels: Sequence[str],
        values: Sequence[float],
        colours: Sequence[str] | None = None,
        *,
        tick_every: int = 1,
        show_values: bool = True,
        bands: Mapping[int, str] | None = None,
        edge_ticks: Sequence[str] | None = None,
    ) -> None:
        """Draw one bar per label; every `tick_every`-th label is written under its bar.

        `bands` shades the whole column of the given bar indices in a colour, so a highlighted bar
        stays visible even when its count is zero. `edge_ticks` (histograms) writes labels on the bar
        edges instead: edge i sits left of bar i; an open bar past the last edge is labelled `≥edge`.
        """
        if len(labels) != len(values):
            raise ValueError("a bar chart needs one label per value")
        self._labels, self._values = list(labels), [float(v) for v in values]
        self._brushes = list(colours) if colours is not None else [self.colours.bar] * len(values)
        xs = list(range(len(values)))
        self._bars.setOpts(
            x=xs, height=self._values, width=0.75, brushes=[pg.mkBrush(c) for c in self._brushes]
        )
        self._bars.setOpts(pen=pg.mkPen(None), pens=None)
        axis = self.getPlotItem().getAxis("bottom")
        if edge_ticks is not None:
            ticks = [(i - 0.5, label) for i, label in enumerate(edge_ticks)]
            if edge_ticks and len(values) >= len(edge_ticks):  # an open last bar: it says where it starts
                ticks = [*ticks[:-1], (len(values) - 1, f"≥{edge_ticks[-1]}")]
        else:
            ticks = [(i, label) for i, label in enumerate(labels) if i % max(tick_every, 1) == 0]
        axis.setTicks([ticks])
        lines = max((label.count("\n") + 1 for label in labels), default=1)
        if lines > 1 and edge_ticks is None:  # room for labels written on two lines
            axis.setHeight(40 + 18 * (lines - 1))
        top = max(max(self._values, default=0.0) * 1.18, 1.0)
        self.getPlotItem().setYRange(0, top, padding=0)
        self.bands = dict(bands or {})
        band_colours = [QColor(colour) for colour in self.bands.values()]
        for colour in band_colours:
            colour.setAlpha(55)
        self._bands.setOpts(
            x=list(self.bands),
            height=[top] * len(self.bands),
            width=1.0,
            brushes=[pg.mkBrush(c) for c in band_colours],
            pen=pg.mkPen(None),
            pens=None,
        )
        self.getPlotItem().setXRange(-0.6, max(len(values) - 0.4, 0.6), padding=0)
        self._label_bars(show_values)

    def set_y_max(self, top: float) -> None:
        """Use the same scale as other charts shown beside this one (so bars compare by eye)."""
        self.getPlotItem().setYRange(0, max(top * 1.18, 1.0), padding=0)

    def _label_bars(self, show_values: bool) -> None:
        for text in self._texts:
            self.getPlotItem().removeItem(text)
        self._texts = []
        if not show_values:
            return
        font = QFont()
        font.setPixelSize(11 if len(self._values) > 12 else 13)
        font.setBold(True)
        for index, value in enumerate(self._values):
            if value <= 0:
                continue
            text = pg.TextItem(f"{value:g}", color=QColor(self.colours.text), anchor=(0.5, 1.0))
            text.setFont(font)
            text.setPos(index, value)
            self.getPlotItem().addItem(text)
            self._texts.append(text)
