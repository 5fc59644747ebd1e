"""A control-room hub's events → Qt signals (the hub's counterpart of `session_signals`).

`HubLink` (claims, who is on shift, the shared audit, the stream's state) and `HubAlarmLog` (alarm
actions not yet recorded by the hub) publish core `Event`s; widgets connect to these signals instead.
The bridge unsubscribes when it is destroyed, so a closed window is never called.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from sety_console.core.events import Event
from sety_console.core.hub_session import HubSession

from .session_signals import Subscription, _unsubscribe


class HubSignals(QObject):
    """Qt face of a `HubSession`'s shared state."""

    link_changed = Signal(object)  # LinkState
    claim_changed = Signal(str, object)  # incident id, ClaimRecord | None
    shift_changed = Signal(object)  # list[OnShift]
    audit_added = Signal(object)  # AuditRecord
    unshared_changed = Signal(int)  # alarm actions the hub has not recorded yet
    refused = Signal(str)  # an alarm action the hub refused for good, in words

    def __init__(self, hub: HubSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        link, alarm_log = hub.link, hub.alarm_log
        listeners: list[tuple[Event[Any], Callable[[Any], object]]] = [
            (link.link_changed, self.link_changed.emit),
            (link.claim_changed, lambda change: self.claim_changed.emit(*change)),
            (link.shift_changed, self.shift_changed.emit),
            (link.audit_added, self.audit_added.emit),
            (alarm_log.unshared_changed, self.unshared_changed.emit),
            (alarm_log.refused, self.refused.emit),
        ]
        subscriptions: list[Subscription] = []
        for event, listener in listeners:
            event.connect(listener)
            subscriptions.append((event, listener))
        self._subscriptions = subscriptions
        self.destroyed.connect(lambda *_: _unsubscribe(subscriptions))

    def detach(self) -> None:
        _unsubscribe(self._subscriptions)
