"""Core events → Qt signals, so widgets update from the core on the GUI thread with queued semantics.

The core (plain asyncio) publishes `Event`s; Qt code connects to these signals instead. Bursts of
incident change sets within one event-loop turn are merged into one signal (Electrum's
`rate_limited` idea), so a multi-page poll redraws once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from sety_console.core.changes import ChangeSet

if TYPE_CHECKING:
    from sety_console.core.actions import OutboxEntry
    from sety_console.core.session import ConsoleSession


def merge(first: ChangeSet, second: ChangeSet) -> ChangeSet:
    """One change set equivalent to applying `first` then `second`."""
    state: dict[str, str] = {}
    for kind, ids in (("added", first.added), ("updated", first.updated), ("removed", first.removed)):
        state.update(dict.fromkeys(ids, kind))
    for key in second.added:
        state[key] = "updated" if state.get(key) == "removed" else "added"
    for key in second.updated:
        state[key] = "added" if state.get(key) == "added" else "updated"
    for key in second.removed:
        if state.get(key) == "added":
            del state[key]
        else:
            state[key] = "removed"
    return ChangeSet(
        added=tuple(k for k, v in state.items() if v == "added"),
        updated=tuple(k for k, v in state.items() if v == "updated"),
        removed=tuple(k for k, v in state.items() if v == "removed"),
        full_resync=first.full_resync or second.full_resync,
    )


class SessionBridge(QObject):
    """Qt face of a `ConsoleSession`: one signal per core event."""

    incidents_changed = Signal(object)  # ChangeSet (merged per event-loop turn)
    visitors_changed = Signal(object)  # ChangeSet
    zones_changed = Signal(object)  # ChangeSet
    connection_changed = Signal(object)  # ConnectionStatus
    outbox_changed = Signal(object)  # OutboxEntry
    alerts_changed = Signal()
    freshness_changed = Signal()

    def __init__(self, session: ConsoleSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._pending: ChangeSet | None = None
        self._flush = QTimer(self, singleShot=True, interval=0)
        self._flush.timeout.connect(self._emit_incidents)
        session.incidents_changed.connect(self._queue_incidents)
        session.visitors_changed.connect(self.visitors_changed.emit)
        session.zones_changed.connect(self.zones_changed.emit)
        session.connection_changed.connect(self.connection_changed.emit)
        session.outbox_changed.connect(self._outbox)
        session.alerts_changed.connect(lambda _: self.alerts_changed.emit())
        session.freshness_changed.connect(lambda _: self.freshness_changed.emit())

    def _queue_incidents(self, change: ChangeSet) -> None:
        self._pending = change if self._pending is None else merge(self._pending, change)
        if not self._flush.isActive():
            self._flush.start()

    def _emit_incidents(self) -> None:
        change, self._pending = self._pending, None
        if change:
            self.incidents_changed.emit(change)

    def _outbox(self, entry: OutboxEntry) -> None:
        self.outbox_changed.emit(entry)
