"""Start-up milestones for `benchmarks/bench_startup.py`: first paint, first data, map drawn.

Off unless `SETY_STARTUP_TRACE` names a file; then each milestone appends one JSON line
`{"event": …, "t": <epoch seconds>}` the first time it happens.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

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


class StartupTrace:
    """The milestones bench_startup reads: first paint, queue rows painted, map's first drawn push."""

    def __init__(self) -> None:
        self._filters: list[PaintMark] = []

    def watch_window(self, window: QWidget) -> None:
        self._filters.append(PaintMark("paint"))
        window.installEventFilter(self._filters[-1])

    def watch_queue(self, control: Any) -> None:
        """`control` is the control room (its queue view and model)."""
        self._filters.append(PaintMark("data", lambda: control.model.rowCount() > 0))
        control.queue.table.viewport().installEventFilter(self._filters[-1])

    def watch_map(self, window: QWidget, view: Any) -> None:
        timer = QTimer(window, interval=50)

        def map_drawn() -> None:
            if view.rendered_seq > 0:
                mark("map")
                timer.stop()

        timer.timeout.connect(map_drawn)
        timer.start()
