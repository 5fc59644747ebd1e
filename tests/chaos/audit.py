"""The server-side audit after a chaos run: how many times did each planned action take effect?

Read straight from the sandbox's database (not through the API, not through the proxy): creates,
notes, check-ins and codes are counted by their marker; a cancel, checkout or revoke must have left
its target in the new state, with exactly one `cancelled` timeline entry for a cancel.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from sety_console.api.models import Incident, TimelineEventType
from sety_console.core.actions import ActionKind
from sety_console.sandbox.runtime import Sandbox
from sety_console.sandbox.tables import AccessCodeRow, AccessLogRow, IncidentRow

from .script import Action


@dataclass
class Audit:
    """Per action kind: planned, exactly once, lost (no effect), duplicated (more than one)."""

    planned: Counter[str] = field(default_factory=Counter)
    once: Counter[str] = field(default_factory=Counter)
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)

    @property
    def exactly_once(self) -> bool:
        return not self.lost and not self.duplicated and sum(self.once.values()) == sum(self.planned.values())

    def summary(self) -> dict[str, object]:
        return {
            "actions": sum(self.planned.values()),
            "by_kind": dict(self.planned),
            "exactly_once": sum(self.once.values()),
            "lost": len(self.lost),
            "duplicated": len(self.duplicated),
        }


def _effects(sandbox: Sandbox, plan: list[Action]) -> dict[str, int]:
    """Marker -> how many times its action took effect on the server."""
    counts: Counter[str] = Counter()
    markers = {a.marker for a in plan}
    with sandbox.db.session() as session:
        for key in session.scalars(select(IncidentRow.idempotency_key)):
            if key in markers:
                counts[key] += 1
        for row in session.scalars(select(IncidentRow)):
            incident = Incident.model_validate_json(row.document)
            for event in incident.timeline:
                if event.event == TimelineEventType.note_added and event.message in markers:
                    counts[event.message] += 1
                if event.event == TimelineEventType.cancelled and incident.resolution_notes in markers:
                    counts[str(incident.resolution_notes)] += 1
        for log in session.scalars(select(AccessLogRow)):
            if log.visitor_name in markers:
                counts[log.visitor_name] += 1
            if log.checkout_notes in markers and log.checked_out_at_ms is not None:
                counts[str(log.checkout_notes)] += 1
        for code in session.scalars(select(AccessCodeRow)):
            if code.visitor_name in markers:
                counts[code.visitor_name] += 1
            if f"revoke {code.code_id}" in markers and code.revoked_at_ms is not None:
                counts[f"revoke {code.code_id}"] += 1
    return counts


def audit(sandbox: Sandbox, plan: list[Action]) -> Audit:
    effects = _effects(sandbox, plan)
    result = Audit()
    for action in plan:
        kind = ActionKind(action.kind).value
        result.planned[kind] += 1
        seen = effects.get(action.marker, 0)
        if seen == 1:
            result.once[kind] += 1
        elif seen == 0:
            result.lost.append(f"{kind} {action.marker}")
        else:
            result.duplicated.append(f"{kind} {action.marker} ×{seen}")
    return result
