"""What an alarm is, after ISA-18.2 / IEC 62682 (alarm management): states, reasons, priority.

Each open incident that needs the operator has one alarm. Its state is one of

* unacknowledged — rings (sound, banner) until someone acknowledges it;
* acknowledged — seen; rings again only when a new reason appears (a breach after the acknowledgement);
* shelved — silenced by an operator until a time (never a critical incident);
* cleared — the condition is gone (the incident was resolved or cancelled, or its SLA was met): it stops
  ringing by itself and cannot be acknowledged.

The reasons are in words ("SLA breached", "new critical SOS", "escalated", "SLA at risk"); the banner shows
the highest-priority unacknowledged alarm: by severity, then reason (a breach before a new alarm, before
an escalation, before a predicted breach), then the time the alarm was raised — all taken from the
incident's own data, so the order is the same on every repaint and on every workstation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sety_console.api.models import Incident, IncidentStatus, Severity

from .rules import SlaClock, SlaPhase, is_high_priority, sla_clock
from .wording import category_name


class AlarmState(Enum):
    UNACKNOWLEDGED = "unacknowledged"
    ACKNOWLEDGED = "acknowledged"
    SHELVED = "shelved"
    CLEARED = "cleared"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class AlarmReason(Enum):
    """Why an incident alarms; the order of the members is their priority within one severity."""

    SLA_BREACHED = "sla_breached"
    NEW_CRITICAL = "new_critical"
    ESCALATED = "escalated"
    SLA_AT_RISK = "sla_at_risk"

    @property
    def rank(self) -> int:
        return _REASON_RANKS[self]

    @property
    def label(self) -> str:
        """'SLA breached', 'new critical', 'escalated', 'SLA at risk'."""
        return {
            "sla_breached": "SLA breached",
            "new_critical": "new critical",
            "sla_at_risk": "SLA at risk",
        }.get(self.value, self.value)


_REASON_RANKS = {reason: index for index, reason in enumerate(AlarmReason)}

WAITING_FOR_HELP = frozenset(
    {IncidentStatus.created, IncidentStatus.dispatching, IncidentStatus.assigned, IncidentStatus.responding}
)
"""A new critical incident alarms until help is on scene (then its condition has returned to normal)."""

SEVERITY_RANK = {Severity.critical: 0, Severity.high: 1, Severity.medium: 2, Severity.low: 3}


def alarm_reasons(incident: Incident, now: datetime) -> tuple[AlarmReason, ...]:
    """Why `incident` alarms now (before acknowledgements), most important first; () when it does not."""
    if not incident.status.is_active:
        return ()
    clock = sla_clock(incident, now)
    found = []
    if clock.breached and clock.phase in (SlaPhase.ASSIGN, SlaPhase.ARRIVE):
        found.append(AlarmReason.SLA_BREACHED)
    if is_high_priority(incident) and incident.status in WAITING_FOR_HELP:
        found.append(AlarmReason.NEW_CRITICAL)
    if any(entry.event == "escalated" for entry in incident.timeline):
        found.append(AlarmReason.ESCALATED)
    if clock.late_by_seconds is not None and AlarmReason.SLA_BREACHED not in found:
        found.append(AlarmReason.SLA_AT_RISK)
    return tuple(found)


def raised_at(incident: Incident, reason: AlarmReason, now: datetime) -> datetime:
    """When the condition behind `reason` began, from the incident's own data."""
    if reason is AlarmReason.SLA_BREACHED:
        clock: SlaClock = sla_clock(incident, now)
        if clock.due_at is not None and clock.due_at <= now:
            return clock.due_at
    if reason is AlarmReason.ESCALATED:
        escalations = [entry.timestamp for entry in incident.timeline if entry.event == "escalated"]
        if escalations:
            return max(escalations)
    if reason is AlarmReason.SLA_AT_RISK and incident.responder is not None:
        return incident.responder.assigned_at or incident.created_at
    return incident.created_at


def reason_words(reason: AlarmReason, incident: Incident) -> str:
    """'SLA breached', 'new critical SOS', 'escalated', 'SLA at risk'."""
    if reason is AlarmReason.NEW_CRITICAL:
        return f"new {incident.severity.label.lower()} {category_name(incident.category)}"
    return reason.label


@dataclass(frozen=True, slots=True)
class Acted:
    """Who did something to an alarm, and when."""

    by: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Alarm:
    """One incident's alarm at one instant."""

    incident: Incident
    state: AlarmState
    reasons: tuple[AlarmReason, ...]  # the reasons it alarms for now (for a cleared alarm: the last ones)
    unacknowledged: tuple[AlarmReason, ...]  # those nobody has acknowledged yet
    raised_at: datetime
    acknowledged: Acted | None = None
    shelved: Acted | None = None
    shelved_until: datetime | None = None
    cleared_at: datetime | None = None

    @property
    def incident_id(self) -> str:
        return self.incident.incident_id

    @property
    def critical(self) -> bool:
        return self.incident.severity == Severity.critical

    @property
    def reason(self) -> AlarmReason:
        """The reason that decides its priority and its words."""
        return (self.unacknowledged or self.reasons)[0]

    @property
    def rings(self) -> bool:
        return self.state is AlarmState.UNACKNOWLEDGED

    @property
    def can_acknowledge(self) -> bool:
        return self.state in (AlarmState.UNACKNOWLEDGED, AlarmState.SHELVED)

    @property
    def can_shelve(self) -> bool:
        return not self.critical and self.state in (AlarmState.UNACKNOWLEDGED, AlarmState.ACKNOWLEDGED)

    def priority(self) -> tuple[int, int, float, str]:
        """Smaller first: severity, reason, then the older alarm, then the id (a total, stable order)."""
        severity = SEVERITY_RANK.get(self.incident.severity, 4)
        return (severity, self.reason.rank, self.raised_at.timestamp(), self.incident_id)
