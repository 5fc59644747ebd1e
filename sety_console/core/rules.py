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
    CRITICAL = "critical"  # less than 20 % left
    BREACHED = "breached"


@dataclass(frozen=True, slots=True)
class SlaClock:
    """An incident's SLA state at one instant, computed locally between polls."""

    phase: SlaPhase
    due_at: datetime | None
    seconds_left: float | None
    breached: bool
    urgency: SlaUrgency

    @property
    def label(self) -> str:
        """Short text for the queue: `assign 0:42`, `arrive 12:05`, `BREACHED 3:10`, `met`."""
        if self.phase is SlaPhase.MET:
            return "breached, on scene" if self.breached else "met"
        if self.phase is SlaPhase.CLOSED:
            return "breached" if self.breached else "—"
        assert self.seconds_left is not None
        if self.seconds_left < 0:
            return f"BREACHED {_clock(-self.seconds_left)} ago"
        return f"{self.phase.value} in {_clock(self.seconds_left)}"


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def sla_targets(incident: Incident) -> tuple[int, int]:
    """(assign, arrive) targets in seconds: the server's, else the contract's defaults."""
    default = DEFAULT_SLA_TARGETS.get(incident.severity.value, DEFAULT_SLA_TARGETS["high"])
    sla = incident.sla
    if sla is None:
        return default
    return (sla.response_target_seconds or default[0], sla.arrival_target_seconds or default[1])


def sla_clock(incident: Incident, now: datetime) -> SlaClock:
    """The SLA clock of `incident` at `now` (durations count from `created_at`)."""
    sla = incident.sla
    server_breached = bool(sla and sla.breached)
    assign_target, arrive_target = sla_targets(incident)
    assigned = (sla.assigned_at if sla else None) or (
        incident.responder.assigned_at if incident.responder else None
    )
    arrived = sla.arrived_at if sla else None
    if arrived is not None or incident.status in (IncidentStatus.on_scene, IncidentStatus.resolved):
        urgency = SlaUrgency.BREACHED if server_breached else SlaUrgency.OK
        return SlaClock(SlaPhase.MET, None, None, server_breached, urgency)
    if not incident.status.is_active:
        urgency = SlaUrgency.BREACHED if server_breached else SlaUrgency.OK
        return SlaClock(SlaPhase.CLOSED, None, None, server_breached, urgency)
    phase, target = (SlaPhase.ARRIVE, arrive_target) if assigned else (SlaPhase.ASSIGN, assign_target)
    due = incident.created_at + timedelta(seconds=target)
    left = (due - now).total_seconds()
    breached = server_breached or left < 0
    if breached:
        urgency = SlaUrgency.BREACHED
    elif left < 0.2 * target:
        urgency = SlaUrgency.CRITICAL
    elif left < 0.5 * target:
        urgency = SlaUrgency.WARNING
    else:
        urgency = SlaUrgency.OK
    return SlaClock(phase, due, left, breached, urgency)


def is_high_priority(incident: Incident) -> bool:
    """A new incident that rings the alarm: critical/high SOS or vehicle (alert policy)."""
    return (
        incident.severity in (Severity.critical, Severity.high)
        and incident.category in (Category.sos, Category.vehicle)
        and incident.status.is_active
    )
