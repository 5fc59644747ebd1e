"""Percentiles and round-width histograms of durations, with the words their bars and axes carry."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Bin", "bin_label", "histogram", "histogram_axis", "percentile"]

NICE_WIDTHS_SECONDS = (5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The `q`-th percentile (0–100) with linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * min(max(q, 0.0), 100.0) / 100.0
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True, slots=True)
class Bin:
    """One histogram bar: `start` ≤ value < `end` seconds; `end` None is the open last bar."""

    start: float
    end: float | None
    count: int


def histogram(values: Sequence[float], max_bins: int = 12) -> list[Bin]:
    """Bars of a round width (5 s … 1 day) from zero; far-out values share an open last bar.

    The bulk is every value up to the upper outer fence (third quartile + 3 × the interquartile
    range); the width is the smallest round one that fits it in `max_bins - 1` bars, so one very
    slow incident never squashes the rest into a single bar.
    """
    if not values:
        return []
    q1, q3 = percentile(values, 25) or 0.0, percentile(values, 75) or 0.0
    fence = q3 + 3 * (q3 - q1)
    top = max(v for v in values if v <= fence)
    width = next(
        (w for w in NICE_WIDTHS_SECONDS if math.floor(top / w) + 1 <= max_bins - 1), NICE_WIDTHS_SECONDS[-1]
    )
    closed = math.floor(top / width) + 1
    counts = [0] * closed
    overflow = 0
    for value in values:
        index = int(max(value, 0.0) // width)
        if index < closed:
            counts[index] += 1
        else:
            overflow += 1
    bins = [Bin(i * width, (i + 1) * width, n) for i, n in enumerate(counts)]
    if overflow:
        bins.append(Bin(closed * width, None, overflow))
    return bins


def _short_duration(seconds: float) -> str:
    total = round(seconds)
    if total < 60:
        return f"{total} s"
    if total < 3600:
        return f"{total / 60:g} min"
    return f"{total / 3600:g} h"


def bin_label(bin_: Bin) -> str:
    """A histogram bar's range: `0–30 s`, `1–2 min`, `≥ 10 min`."""
    if bin_.end is None:
        return f"≥ {_short_duration(bin_.start)}"
    start, end = _short_duration(bin_.start), _short_duration(bin_.end)
    start_number, _, start_unit = start.partition(" ")
    end_number, _, end_unit = end.partition(" ")
    if start_unit == end_unit or bin_.start == 0:
        return f"{start_number}–{end_number} {end_unit}"
    return f"{start}–{end}"


def histogram_axis(bins: list[Bin]) -> tuple[str, list[str]]:
    """A unit for a histogram's axis and the label of each bar edge in it (`0`, `0.5`, `1` … min).

    With an open last bar (values beyond the last edge), the last label is where that bar starts.
    """
    edges = [b.start for b in bins] + [b.end for b in bins if b.end is not None][-1:]
    top = max(edges, default=0.0)
    unit, size = (
        ("seconds", 1.0) if top <= 120 else ("minutes", 60.0) if top <= 180 * 60 else ("hours", 3600.0)
    )
    return unit, [f"{edge / size:g}" for edge in dict.fromkeys(edges)]
