"""Keeping a top-level window on its screen: a first size that fits, never larger than the screen.

Pure geometry (no widgets), so the rules are tested for every screen size without owning one.
All sizes are logical pixels: a 4K screen at 200 % is 1920 × 1080 here.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QMargins, QRect, QSize
from PySide6.QtGui import QScreen

DEFAULT_SIZE = QSize(1600, 1000)
"""The smallest first size on a screen with room for it; a smaller screen gets all of its available area."""
FIRST_SHARE = 0.9
"""On a larger screen the first size is this share of it."""


def fit_rect(rect: QRect, available: QRect) -> QRect:
    """`rect` shrunk to at most `available`'s size and moved inside it."""
    width = min(rect.width(), available.width())
    height = min(rect.height(), available.height())
    x = min(max(rect.x(), available.x()), available.x() + available.width() - width)
    y = min(max(rect.y(), available.y()), available.y() + available.height() - height)
    return QRect(x, y, width, height)


def first_frame(available: QRect, wanted: QSize = DEFAULT_SIZE) -> QRect:
    """Where a window opens the first time on a screen: centred, at least `wanted` (or 90 % of a
    larger screen), never larger than `available`."""
    width = min(available.width(), max(wanted.width(), int(available.width() * FIRST_SHARE)))
    height = min(available.height(), max(wanted.height(), int(available.height() * FIRST_SHARE)))
    x = available.x() + (available.width() - width) // 2
    y = available.y() + (available.height() - height) // 2
    return QRect(x, y, width, height)


def client_rect(frame: QRect, margins: QMargins) -> QRect:
    """The client area inside a window frame with these decoration margins (title bar, borders)."""
    return frame.marginsRemoved(margins)


def screen_key(screen: QScreen | None) -> str:
    """A settings key naming a screen by its name and logical size (`HDMI_1_1920x1080`)."""
    if screen is None:
        return "unknown"
    size = screen.size()
    name = re.sub(r"[^A-Za-z0-9]+", "_", screen.name()).strip("_") or "screen"
    return f"{name}_{size.width()}x{size.height()}"
