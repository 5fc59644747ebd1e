"""Dispatch rules computed locally: incident priority, the queue's default order, SLA clocks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from sety_console.api.models import Category, Incident, IncidentStatus, Severity

# Contract README, "Sandbox SLA targets": used when the server sends no `sla` block.
DEFAULT_SLA_TARGETS: dict[str, tuple[int, int]] = {
    "critical": (60, 600),
    "high": (120, 900),
    "medium": (300, 1800),
    "low": (600, 3600),
}

_CATEGORY_RANK = {Category.sos: 0, Category.vehicle: 1, Category.medical: 2, Category.location_threat: 3}
# Waiting for a responder is more urgent than a responder already on the way.
_STATUS_RANK = {
    IncidentStatus.created: 0,
    IncidentStatus.dispatching: 0,
    IncidentStatus.assigned: 1,
    IncidentStatus.responding: 2,
    IncidentStatus.on_scene: 3,
}

PriorityKey = tuple[int, int, int, int, float, str]


def priority_key(incident: Incident) -> PriorityKey:
    """Ascending sort key of the queue's default order: priority first, then age (oldest first).

    Priority: open before closed; severity (critical first); category (SOS, then vehicle,
    medical, location threat, unknown); status (still unassigned first).
    """
    closed = 0 if incident.status.is_active else 1
    severity = -incident.severity.rank
    category = _CATEGORY_RANK.get(incident.category, 4)
    status = _STATUS_RANK.get(incident.status, 4)
    return (closed, severity, category, status, incident.created_at.timestamp(), incident.incident_id)


class SlaPhase(Enum):
    """Which SLA milestone an incident is waiting for."""

    ASSIGN = "assign"
    ARRIVE = "arrive"
    MET = "met"  # on scene or later
    CLOSED = "closed"  # resolved or cancelled before arrival


class SlaUrgency(Enum):
    """How worried the operator should be: drives the clock's colour."""

    OK = "ok"
    WARNING = "warning"  # less than half of the target left
    AT_RISK = "at_risk"  # predicted miss: the responder's ETA is past the target, or < 20 % left
    BREACHED = "breached"
    CRITICAL = "at_risk"  # the former name of AT_RISK (an alias: same member)


AT_RISK_SHARE = 0.2
"""With no ETA to go by, a target is at risk once less than this share of it is left."""
WARNING_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class SlaClock:
    """An incident's SLA state at one instant, computed locally between polls.

    `breached` is the SLA as a whole (the server's flag, or a target passed locally); `missed` is
    which target was missed first. `urgency` is about the target still running: an incident
    assigned late whose arrival is on time is `breached` but not BREACHED-urgent.
    `late_by_seconds` is the predicted margin past the arrival target from the responder's ETA
    (counted from now), set only when that prediction says the target will be missed.
    """

    phase: SlaPhase
    due_at: datetime | None
    seconds_left: float | None
    breached: bool
    urgency: SlaUrgency
    target_seconds: int | None = None
    missed: SlaPhase | None = None
    eta_seconds: int | None = None
    late_by_seconds: float | None = None

    @property
    def at_risk(self) -> bool:
        """The running target is predicted to be missed (not yet breached)."""
        return self.urgency is SlaUrgency.AT_RISK


def sla_targets(incident: Incident) -> tuple[int, int]:
    """(assign, arrive) targets in seconds: the server's, else the contract's defaults."""
    default = DEFAULT_SLA_TARGETS.get(incident.severity.value, DEFAULT_SLA_TARGETS["high"])
    sla = incident.sla
    if sla is None:
        return default
    return (sla.response_target_seconds or default[0], sla.arrival_target_seconds or default[1])


_REASON_PHASE = {"response_target_exceeded": SlaPhase.ASSIGN, "arrival_target_exceeded": SlaPhase.ARRIVE}


def missed_target(incident: Incident) -> SlaPhase | None:
    """Which target was missed first by the record: the server's reason, else the measured times."""
    sla = incident.sla
    if sla is None:
        return None
    if sla.breach_reason in _REASON_PHASE:
        return _REASON_PHASE[sla.breach_reason]
    assign, arrive = sla_targets(incident)
    if sla.time_to_assign_seconds is not None and sla.time_to_assign_seconds > assign:
        return SlaPhase.ASSIGN
    if sla.time_to_arrive_seconds is not None and sla.time_to_arrive_seconds > arrive:
        return SlaPhase.ARRIVE
    return None


def sla_clock(incident: Incident, now: datetime) -> SlaClock:
    """The SLA clock of `incident` at `now` (durations count from `created_at`)."""
    sla = incident.sla
    recorded = missed_target(incident)
    server_breached = bool(sla and sla.breached) or recorded is not None
    assign_target, arrive_target = sla_targets(incident)
    assigned = (sla.assigned_at if sla else None) or (
        incident.responder.assigned_at if incident.responder else None
    )
    arrived = sla.arrived_at if sla else None
    if arrived is not None or incident.status in (IncidentStatus.on_scene, IncidentStatus.resolved):
        urgency = SlaUrgency.BREACHED if server_breached else SlaUrgency.OK
        return SlaClock(SlaPhase.MET, None, None, server_breached, urgency, missed=recorded)
    if not incident.status.is_active:
        urgency = SlaUrgency.BREACHED if server_breached else SlaUrgency.OK
        return SlaClock(SlaPhase.CLOSED, None, None, server_breached, urgency, missed=recorded)
    phase, target = (SlaPhase.ARRIVE, arrive_target) if assigned else (SlaPhase.ASSIGN, assign_target)
    due = incident.created_at + timedelta(seconds=target)
    left = (due - now).total_seconds()
    missed = recorded or (phase if left < 0 else None)
    eta = _running_eta(incident) if phase is SlaPhase.ARRIVE else None
    late_by = eta - left if eta is not None and 0 <= left < eta else None
    running_breached = left < 0 or (server_breached and recorded in (phase, None))
    urgency = _urgency(left, target, eta, late_by, running_breached)
    return SlaClock(phase, due, left, server_breached or left < 0, urgency, target, missed, eta, late_by)


def _running_eta(incident: Incident) -> int | None:
    responder = incident.responder
    if responder is None or incident.status not in (IncidentStatus.assigned, IncidentStatus.responding):
        return None
    return responder.eta_seconds


def _urgency(left: float, target: int, eta: int | None, late_by: float | None, breached: bool) -> SlaUrgency:
    if breached:
        return SlaUrgency.BREACHED
    if late_by is not None:
        return SlaUrgency.AT_RISK
    if left < AT_RISK_SHARE * target and eta is None:  # an ETA that fits says it will make it
        return SlaUrgency.AT_RISK
    if left < WARNING_SHARE * target:
        return SlaUrgency.WARNING
    return SlaUrgency.OK


DRILL_ENVIRONMENTS = frozenset({"test", "sandbox"})
"""Contract: `sety_test_` keys (and so the sandbox) force `is_drill: true` on every incident."""


def drills_forced(environment: str) -> bool:
    """True when the server makes every incident a drill (a test key or the sandbox)."""
    return environment in DRILL_ENVIRONMENTS


def is_high_priority(incident: Incident) -> bool:
    """A new incident that rings the alarm: critical/high SOS or vehicle (alert policy)."""
    return (
        incident.severity in (Severity.critical, Severity.high)
        and incident.category in (Category.sos, Category.vehicle)
        and incident.status.is_active
    )
