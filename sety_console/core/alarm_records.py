"""What the alarm log holds: operator actions on alarms and, since issue 16, when alarms came and went.

A record is one line of the append-only log: an operator acknowledged, shelved or unshelved an
incident's alarm, muted or unmuted the sound (`ALL_INCIDENTS`), or — written by the console itself —
an alarm was `raised` (an incident started alarming for a reason) or `cleared` (the reason is gone),
or the console `started` or `stopped` watching the alarms (with its operator: who had them when).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Protocol

from .alarm_model import AlarmReason

ALL_INCIDENTS = "*"  # incident id of mute records


class AlarmAction(Enum):
    ACKNOWLEDGED = "acknowledged"
    SHELVED = "shelved"
    UNSHELVED = "unshelved"
    MUTED = "muted"
    UNMUTED = "unmuted"
    RAISED = "raised"  # the console: an incident began alarming for the record's reasons
    CLEARED = "cleared"  # the console: those reasons are gone (resolved, on scene, SLA met)
    STARTED = "started"  # the console began watching the alarms (`ALL_INCIDENTS`), its operator in `by`
    STOPPED = "stopped"  # the console closed: nobody on this workstation had the alarms from then


CONSOLE_RECORDS = frozenset(
    {AlarmAction.RAISED, AlarmAction.CLEARED, AlarmAction.STARTED, AlarmAction.STOPPED}
)
"""Records the console writes itself (not operator actions)."""


@dataclass(frozen=True, slots=True)
class AlarmRecord:
    """One line of the alarm log: an operator action on an alarm (or on the sound, for `ALL_INCIDENTS`),
    or an alarm raised or cleared — then `by` is the operator the console alarmed and `category` the
    incident's category."""

    incident_id: str
    action: AlarmAction
    reasons: tuple[AlarmReason, ...]
    by: str
    at: datetime
    until: datetime | None = None
    workstation: str = ""
    category: str = ""


class AlarmLog(Protocol):
    """Where alarm records are kept: append-only."""

    async def load(self) -> list[AlarmRecord]: ...

    async def append(self, record: AlarmRecord) -> None: ...
