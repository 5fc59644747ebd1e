"""Core events → Qt signals: the one bridge from the session (plain asyncio) to widgets.

The core publishes `Event`s; widgets connect to these signals instead, so they are called on the GUI
thread through Qt and never after they are gone: the bridge unsubscribes from every core event when
it is destroyed (or on `detach()`), so a core `Event` never keeps a closed widget alive or calls it.
Bursts of incident change sets within one event-loop turn are merged into one signal (Electrum's
`rate_limited` idea), so a multi-page poll redraws once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from sety_console.core.changes import ChangeSet
from sety_console.core.events import Event

Subscription = tuple[Event[Any], Callable[[Any], object]]


class SessionSignals(QObject):
    """Qt face of a `ConsoleSession` (or of any object with some of its events, like a test fake)."""

    incidents_changed = Signal(object)  # ChangeSet, merged per event-loop turn
    visitors_changed = Signal(object)  # ChangeSet
    zones_changed = Signal(object)  # ChangeSet
    connection_changed = Signal(object)  # ConnectionStatus
    outbox_changed = Signal(object)  # OutboxEntry
    alerts_changed = Signal()
    freshness_changed = Signal()

    def __init__(self, session: object, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: ChangeSet | None = None
        self._flush = QTimer(self, singleShot=True, interval=0)
        self._flush.timeout.connect(self._emit_incidents)
        listeners: dict[str, Callable[[Any], object]] = {
            "incidents_changed": self._queue_incidents,
            "visitors_changed": self._visitors,
            "zones_changed": self._zones,
            "connection_changed": self._connection,
            "outbox_changed": self._outbox,
            "alerts_changed": self._alerts,
            "freshness_changed": self._freshness,
        }
        subscriptions: list[Subscription] = []
        for name, listener in listeners.items():
            event = getattr(session, name, None)
            if isinstance(event, Event):
                event.connect(listener)
                subscriptions.append((event, listener))
        self._subscriptions = subscriptions
        self.destroyed.connect(lambda *_: _unsubscribe(subscriptions))  # holds the list, not `self`

    def detach(self) -> None:
        """Stop listening to the session (idempotent)."""
        _unsubscribe(self._subscriptions)

    def _queue_incidents(self, change: ChangeSet) -> None:
        self._pending = change if self._pending is None else self._pending.then(change)
        if not self._flush.isActive():
            self._flush.start()

    def _emit_incidents(self) -> None:
        change, self._pending = self._pending, None
        if change:
            self.incidents_changed.emit(change)

    def _visitors(self, change: ChangeSet) -> None:
        self.visitors_changed.emit(change)

    def _zones(self, change: ChangeSet) -> None:
        self.zones_changed.emit(change)

    def _connection(self, status: object) -> None:
        self.connection_changed.emit(status)

    def _outbox(self, entry: object) -> None:
        self.outbox_changed.emit(entry)

    def _alerts(self, _: object) -> None:
        self.alerts_changed.emit()

    def _freshness(self, _: object) -> None:
        self.freshness_changed.emit()


def _unsubscribe(subscriptions: list[Subscription]) -> None:
    while subscriptions:
        event, listener = subscriptions.pop()
        with contextlib.suppress(ValueError):  # already gone
            event.disconnect(listener)
