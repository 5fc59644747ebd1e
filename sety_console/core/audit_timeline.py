"""Which of an incident's timeline entries this console's operators caused, and how to say it:
who, on which workstation, and — when an action reached the server late — both times."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sety_console.api.models import Incident, TimelineEventType

from .audit import AuditEntry

SAME_MOMENT = timedelta(seconds=5)
"""Closer than this, the time entered and the time on the server are one time."""

_CAUSES = {
    TimelineEventType.note_added: "add_note",
    TimelineEventType.cancelled: "cancel_incident",
    TimelineEventType.created: "create_incident",
}


def _matches(kind: TimelineEventType, message: str | None, action: AuditEntry) -> bool:
    if _CAUSES.get(kind) != action.action:
        return False
    return kind is not TimelineEventType.note_added or action.summary == f"Note: {message}"


def our_actions(incident: Incident, actions: Sequence[AuditEntry]) -> dict[int, AuditEntry]:
    """Index in `incident.timeline` → the confirmed action of ours that made that entry."""
    found: dict[int, AuditEntry] = {}
    used: set[str] = set()
    for index, event in enumerate(incident.timeline):
        for action in actions:
            usable = action.action_id not in used and action.outcome == "confirmed"
            if usable and _matches(event.event, event.message, action):
                found[index] = action
                used.add(action.action_id)
                break
    return found


def provenance(action: AuditEntry, on_server: datetime, time_text: Callable[[datetime], str]) -> str:
    """'by Funke Adeyemi at desk-3 · entered 00:42:59 · on the server 00:45:11' (both times only when
    they differ); `time_text` formats a time as the console shows times."""
    where = f" at {action.workstation}" if action.workstation else ""
    said = f"by {action.operator}{where}"
    if abs(on_server - action.acted_at) >= SAME_MOMENT:
        said += f" · entered {time_text(action.acted_at)} · on the server {time_text(on_server)}"
    return said
