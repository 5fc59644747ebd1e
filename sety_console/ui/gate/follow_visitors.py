"""The access log and the statistics follow the visitors inside, without hammering the API.

A check-in or checkout (a visitor added to or removed from the live list) marks both panels stale. The
one the guard is looking at reloads after `DELAY_MS` (a burst of arrivals is one reload), and never
twice within `MIN_GAP_S`; a panel that is not shown reloads when it is shown again. At worst that is
one request every 10 s while the guard watches a busy gate — inside the 60-a-minute plan beside the
visitors poll (every 5 s with the gate in focus) — and none while the gate is not on screen.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, QTimer

from sety_console.core.changes import ChangeSet

DELAY_MS = 1500
MIN_GAP_S = 10.0


class FollowVisitors(QObject):
    """Reloads the shown panel of `reloads` (name → reload) after the visitors inside changed.

    `shown()` names the panel on screen, or None when none of them is (another tab or workspace).
    """

    def __init__(
        self,
        reloads: Mapping[str, Callable[[], object]],
        shown: Callable[[], str | None],
        *,
        monotonic: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._reloads = dict(reloads)
        self._shown = shown
        self._monotonic = monotonic
        self._stale: set[str] = set()
        self._last: dict[str, float] = {}
        self._timer = QTimer(self, singleShot=True, interval=DELAY_MS)
        self._timer.timeout.connect(self._reload_shown)

    def stale(self) -> frozenset[str]:
        """The panels that have not caught up with the visitors yet."""
        return frozenset(self._stale)

    def on_visitors(self, change: ChangeSet) -> None:
        """A visitor came in or went out (minutes inside ticking on is not a reason to reload)."""
        if change.added or change.removed or change.full_resync:
            self._stale.update(self._reloads)
            if not self._timer.isActive():
                self._timer.start(DELAY_MS)

    def on_shown(self) -> None:
        """A panel came on screen (tab, workspace): a stale one catches up now."""
        if self._shown() in self._stale and not self._timer.isActive():
            self._timer.start(0)

    def loaded(self, name: str) -> None:
        """`name` was just (re)loaded by other means (first show, Ctrl+R): it is up to date."""
        self._stale.discard(name)
        self._last[name] = self._monotonic()

    def _reload_shown(self) -> None:
        name = self._shown()
        if name not in self._stale:
            return
        wait = self._last.get(name, float("-inf")) + MIN_GAP_S - self._monotonic()
        if wait > 0:
            self._timer.start(int(wait * 1000) + 1)
            return
        self.loaded(name)
        self._reloads[name]()
