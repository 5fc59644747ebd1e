"""What each operator did during the shift, from the audit trail: acknowledged, shelved, wrote, and the
rest of their actions, each with what it was about and what the server made of it."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sety_console.core.audit import AuditEntry
from sety_console.core.wording import duration_text

__all__ = [
    "INCIDENT_ACTIONS",
    "OperatorActivity",
    "action_words",
    "activity_by_operator",
    "kind_of",
    "server_words",
]

INCIDENT_ACTIONS = frozenset(
    {
        "create_incident", "cancel_incident", "add_note",
        "alarm_acknowledged", "alarm_shelved", "alarm_unshelved",
    }
)  # fmt: skip
"""Actions whose target is an incident (the report names it by subject and address)."""
_WORDS = {
    "create_incident": "Created an incident",
    "cancel_incident": "Cancelled the incident",
    "check_in": "Checked a visitor in",
    "check_out": "Checked a visitor out",
    "create_access_code": "Issued an access code",
    "revoke_access_code": "Revoked an access code",
    "alarm_muted": "Muted the alarm sound",
    "alarm_unmuted": "Turned the alarm sound back on",
    "alarm_unshelved": "Unshelved the alarm",
}
_UNNAMED = "(no operator name)"
_UNTIL = re.compile(r" \(until [^)]*\)")
_OLD_UNTIL = re.compile(r" until \d\d:\d\d\b")  # trails before issue 16: a clock time, zone unknown


def kind_of(entry: AuditEntry) -> str:
    """`acknowledged`, `shelved`, `note` or `other`: the columns of the activity summary."""
    return {"alarm_acknowledged": "acknowledged", "alarm_shelved": "shelved", "add_note": "note"}.get(
        entry.action, "other"
    )


def action_words(entry: AuditEntry) -> str:
    """What the operator did, in words (the note's text, the alarm's reasons, until when it was shelved)."""
    summary = entry.summary
    if entry.action == "add_note":
        return "Wrote: “" + summary.removeprefix("Note: ") + "”"
    if entry.action == "alarm_acknowledged":
        return "Acknowledged the alarm" + summary.removeprefix("Alarm acknowledged")
    if entry.action == "alarm_shelved":  # the length, not the recorder's clock time (its zone may differ)
        return "Shelved the alarm" + _length_only(summary.removeprefix("Alarm shelved"))
    if entry.action == "alarm_muted":
        return _WORDS["alarm_muted"] + _length_only(summary.removeprefix("Alarm muted"))
    if entry.action == "cancel_incident":
        return "Cancelled the incident: " + summary.removeprefix("Cancel incident: ")
    words = _WORDS.get(entry.action)
    if words is None:
        return summary or entry.action
    if summary and entry.action.startswith(("create", "check")):
        return f"{words}: {summary}"
    return words


def _length_only(words: str) -> str:
    """Drop the clock time a shelve or mute ran until (written in the recorder's zone): keep its length."""
    return _OLD_UNTIL.sub("", _UNTIL.sub("", words))


def server_words(entry: AuditEntry) -> str:
    """`confirmed`, `confirmed 3 min later` (an action that waited), `refused: …` or `not yet confirmed`."""
    if entry.action.startswith("alarm_"):
        return "this workstation"
    if entry.outcome == "refused":
        return f"refused: {entry.detail or 'no reason given'}"
    late = entry.late_by
    if entry.outcome == "confirmed" and late is not None:
        return (
            "confirmed"
            if late.total_seconds() < 60
            else f"confirmed {duration_text(late.total_seconds())} later"
        )
    return "not yet confirmed"


@dataclass(frozen=True, slots=True)
class OperatorActivity:
    """One operator's actions in the shift, oldest first."""

    operator: str
    workstations: tuple[str, ...]
    entries: tuple[AuditEntry, ...]

    def count(self, kind: str) -> int:
        return sum(kind_of(e) == kind for e in self.entries)

    @property
    def refused(self) -> int:
        return sum(e.outcome == "refused" for e in self.entries)


def activity_by_operator(entries: Iterable[AuditEntry]) -> list[OperatorActivity]:
    """The entries grouped by operator, in the order the operators first acted."""
    grouped: dict[str, list[AuditEntry]] = defaultdict(list)
    for entry in entries:
        grouped[entry.operator or _UNNAMED].append(entry)
    found = [
        OperatorActivity(
            name,
            tuple(sorted({e.workstation for e in mine if e.workstation})),
            tuple(sorted(mine, key=lambda e: e.acted_at)),
        )
        for name, mine in grouped.items()
    ]
    return sorted(found, key=lambda a: (a.entries[0].acted_at, a.operator))
