"""Python's cyclic garbage collector, run only on the GUI thread.

The embedded sandbox serves from a thread in this process. If a collection triggered there frees a
Qt object caught in a reference cycle, its C++ destructor runs off the GUI thread and Qt later
delivers a timer event to freed memory (seen in the test suite: SIGSEGV in
QTimerInfoList::activateTimers). So automatic collection is switched off and a GUI-thread timer
collects instead: the young generation every second, everything every few minutes.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

TICK_MS = 1000
MIDDLE_EVERY = 10  # ticks
FULL_EVERY = 300  # ticks


class MainThreadGarbageCollector(QObject):
    """Owns the switch: `start()` disables automatic GC, `stop()` restores it."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ticks = 0
        self._timer = QTimer(self, interval=TICK_MS)
        self._timer.timeout.connect(self._collect)

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        gc.collect()
        gc.enable()

    def _collect(self) -> None:
        self._ticks += 1
        if self._ticks % FULL_EVERY == 0:
            gc.collect(2)
        elif self._ticks % MIDDLE_EVERY == 0:
            gc.collect(1)
        else:
            gc.collect(0)
