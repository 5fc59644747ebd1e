"""The alarm-rate chart: alarms per operator in each 10-minute period of the shift, every bar coloured by
its EEMUA 191 band, with the standard's reference levels (1 acceptable, 2 manageable, more than 10 a
flood) and the shift's average drawn as lines. Periods nobody was on duty are shaded grey."""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from sety_console.core.alarm_kpi_text import rate_text
from sety_console.core.alarm_kpis import ACCEPTABLE_PER_10_MIN, FLOOD_ABOVE, MANAGEABLE_PER_10_MIN, load_words
from sety_console.core.analytics.histogram import Bin, bin_label, histogram, histogram_axis
from sety_console.core.wording import duration_text
from sety_console.ui.common.palette import colors
from sety_console.ui.common.theme import current_theme
from sety_console.ui.supervisor.charts import BarChart

__all__ = [
    "BAND_SAFETY",
    "REFERENCE_LEVELS",
    "AckTimeChart",
    "AlarmRateChart",
    "band_colour",
    "bar_position",
    "legend_html",
]

BAND_SAFETY = {"acceptable": "safe", "manageable": "moderate", "over-demanding": "caution", "flood": "danger"}
"""Each EEMUA band drawn in the palette's safety colour (green → red)."""
REFERENCE_LEVELS = (
    (ACCEPTABLE_PER_10_MIN, "acceptable"),
    (MANAGEABLE_PER_10_MIN, "manageable"),
    (float(FLOOD_ABOVE), "flood"),
)


def band_colour(per_10_min: float) -> str:
    """The bar colour of an alarm rate (its EEMUA band in the safety scale)."""
    return colors(current_theme()).safety_color(BAND_SAFETY[load_words(per_10_min)])


class AlarmRateChart(BarChart):
    """Bars per 10-minute period; `references` holds the lines drawn (level, words)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Alarms per operator per 10 minutes",
            y_label="Alarms per operator",
            x_label="Period start",
            parent=parent,
        )
        self.references: list[tuple[float, str]] = []
        self.average: float | None = None
        self._lines: list[pg.InfiniteLine] = []

    def show_series(
        self,
        labels: Sequence[str],
        values: Sequence[float],
        staffed: Sequence[bool],
        average: float,
    ) -> None:
        """Draw `values` (one per period, labelled `labels`), grey where not `staffed`, and the lines."""
        grey = colors(current_theme()).muted
        tick_every = max(1, round(len(values) / 12 / 6) * 6) if len(values) > 12 else 1
        self.set_bars(
            labels,
            values,
            [band_colour(v) for v in values],
            tick_every=tick_every,
            show_values=len(values) <= 24,
            bands={i: grey for i, on in enumerate(staffed) if not on},
        )
        top = max(max(values, default=0.0), float(FLOOD_ABOVE) + 1.0)
        self.getPlotItem().setYRange(0, top * 1.12, padding=0)
        gutter = max(1.5, len(values) * 0.04)  # the reference lines' labels sit right of the last bar
        self.getPlotItem().setXRange(-0.6, len(values) - 0.4 + gutter, padding=0)
        self._draw_lines(average)

    def _draw_lines(self, average: float) -> None:
        item = self.getPlotItem()
        for line in self._lines:
            item.removeItem(line)
        self._lines = []
        self.references = []
        palette = colors(current_theme())
        for level, words in REFERENCE_LEVELS:
            colour = palette.safety_color(BAND_SAFETY[words])
            below = level == REFERENCE_LEVELS[0][0]  # "1" under its line, "2" over its own: apart
            self._add_line(level, rate_text(level), colour, Qt.PenStyle.DashLine, below=below)
            self.references.append((level, words))
        self.average = average
        self._add_line(average, f"average {rate_text(average)}", palette.text, Qt.PenStyle.DotLine, left=True)

    def _add_line(
        self,
        level: float,
        text: str,
        colour: str,
        style: Qt.PenStyle,
        *,
        left: bool = False,
        below: bool = False,
    ) -> None:
        anchor = (0.0 if left else 1.0, 0.0 if below else 1.0)
        line = pg.InfiniteLine(
            pos=level,
            angle=0,
            pen=pg.mkPen(colour, width=2, style=style),
            label=text,
            labelOpts={"position": 0.005 if left else 0.995, "color": colour, "anchors": [anchor, anchor]},
        )
        line.setZValue(5)
        self.getPlotItem().addItem(line)
        self._lines.append(line)


def legend_html() -> str:
    """What the rate chart's lines and colours mean (shown above it)."""
    palette = colors(current_theme())
    parts = [
        f"<span style='color:{palette.safety_color(BAND_SAFETY[words])}'><b>- - {rate_text(level)}</b> "
        f"{'and less' if words != 'flood' else 'and more'}: {words}</span>"
        for level, words in REFERENCE_LEVELS
    ]
    over = palette.safety_color(BAND_SAFETY["over-demanding"])
    parts.insert(2, f"<span style='color:{over}'><b>■</b> between: over-demanding</span>")
    parts.append(f"<span style='color:{palette.text}'><b>· · ·</b> the average</span>")
    parts.append(f"<span style='color:{palette.muted}'><b>▒</b> nobody on duty</span>")
    return "EEMUA 191, alarms per operator per 10 minutes: " + " &nbsp; ".join(parts)


class AckTimeChart(BarChart):
    """A histogram of times to acknowledge with the p50 and p95 drawn as dashed lines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "How long until an alarm was acknowledged", y_label="Alarms", x_label="", parent=parent
        )
        self.marks: list[tuple[str, float]] = []
        """(words, x position) of each percentile line drawn."""
        self._mark_lines: list[pg.InfiniteLine] = []

    def show_times(self, seconds: Sequence[float], p50: float | None, p95: float | None) -> list[Bin]:
        bins = histogram(list(seconds))
        unit, edges = histogram_axis(bins)
        self.set_bars([bin_label(b) for b in bins], [b.count for b in bins], edge_ticks=edges)
        self.getPlotItem().setLabel("bottom", f"Time to acknowledge, {unit}")
        for line in self._mark_lines:
            self.getPlotItem().removeItem(line)
        self._mark_lines, self.marks = [], []
        palette = colors(current_theme())
        for value, words in ((p50, "p50"), (p95, "p95")):
            if value is None or not bins:
                continue
            x = bar_position(bins, value)
            anchor = (1.0, 0.5) if x > len(bins) / 2 else (0.0, 0.5)  # the words stay inside the plot
            line = pg.InfiniteLine(
                pos=x,
                angle=90,
                pen=pg.mkPen(palette.text, width=2, style=Qt.PenStyle.DashLine),
                label=f" {words} {duration_text(value)} ",
                labelOpts={"position": 0.93 if words == "p50" else 0.78, "color": palette.text,
                           "anchors": [anchor, anchor]},
            )  # fmt: skip
            line.setZValue(5)
            self.getPlotItem().addItem(line)
            self._mark_lines.append(line)
            self.marks.append((words, x))
        return bins


def bar_position(bins: Sequence[Bin], value: float) -> float:
    """Where `value` falls on a histogram drawn with bar i centred at i (edges at i ± 0.5)."""
    for index, bin_ in enumerate(bins):
        if bin_.end is None:
            return float(index)
        if value < bin_.end:
            return index - 0.5 + (value - bin_.start) / (bin_.end - bin_.start)
    return len(bins) - 0.5
