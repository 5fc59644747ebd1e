"""Core events as Qt signals, so a widget that is destroyed is never called again."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from sety_console.core.actions import OutboxEntry
from sety_console.core.changes import ChangeSet

from .backend import GateBackend


class GateBridge(QObject):
    """Listens to the backend's `visitors_changed` and `outbox_changed` and re-emits them as signals.

    One bridge serves every gate widget; it detaches from the backend when it is destroyed (or on
    `detach()`), so the core never calls into a deleted Qt object.
    """

    visitors_changed = Signal(object)  # ChangeSet
    outbox_changed = Signal(object)  # OutboxEntry

    def __init__(self, backend: GateBackend, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._backend: GateBackend | None = backend
        backend.visitors_changed.connect(self._on_visitors)
        backend.outbox_changed.connect(self._on_outbox)
        self.destroyed.connect(self._detach_backend(backend))

    def _on_visitors(self, changes: ChangeSet) -> None:
        self.visitors_changed.emit(changes)

    def _on_outbox(self, entry: OutboxEntry) -> None:
        self.outbox_changed.emit(entry)

    def detach(self) -> None:
        """Stop listening to the backend (idempotent)."""
        backend, self._backend = self._backend, None
        if backend is not None:
            _quiet_disconnect(backend, self._on_visitors, self._on_outbox)

    def _detach_backend(self, backend: GateBackend) -> Callable[..., None]:
        visitors, outbox = self._on_visitors, self._on_outbox

        def detach(*_: object) -> None:
            _quiet_disconnect(backend, visitors, outbox)

        return detach


def _quiet_disconnect(
    backend: GateBackend,
    visitors: Callable[[ChangeSet], object],
    outbox: Callable[[OutboxEntry], object],
) -> None:
    with contextlib.suppress(ValueError):  # already detached
        backend.visitors_changed.disconnect(visitors)
    with contextlib.suppress(ValueError):
        backend.outbox_changed.disconnect(outbox)
