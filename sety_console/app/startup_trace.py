"""Start-up milestones for `benchmarks/bench_startup.py`: first paint, first data, map drawn.

Off unless `SETY_STARTUP_TRACE` names a file; then each milestone appends one JSON line
`{"event": …, "t": <epoch seconds>}` the first time it happens.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject

_seen: set[str] = set()


def mark(event: str) -> None:
    """Record `event` once (no-op unless tracing is on)."""
    path = os.environ.get("SETY_STARTUP_TRACE")
    if not path or event in _seen:
        return
    _seen.add(event)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"event": event, "t": time.time()}) + "\n")


class PaintMark(QObject):
    """Event filter: marks `event` at the first paint of the watched widget when `ready()` holds."""

    def __init__(self, event: str, ready: Callable[[], bool] = lambda: True) -> None:
        super().__init__()
        self._event = event
        self._ready = ready

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._ready():
            mark(self._event)
            watched.removeEventFilter(self)
        return False


def enabled() -> bool:
    return bool(os.environ.get("SETY_STARTUP_TRACE"))
