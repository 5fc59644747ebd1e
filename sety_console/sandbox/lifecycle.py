"""Incident state changes, as pure edits of an `Incident` model.

Every function here keeps the contract's invariants: a status change appends a timeline entry
whose `event` is the new status and sets `updated_at`; SLA figures, the responder block and the
terminal timestamps follow the README's table. Each returns the webhook events it causes, in
order (`incident.status_changed` before `incident.resolved` / `incident.cancelled`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sety_console.api.models import (
    SLA,
    CreateIncidentRequest,
    GeoPoint,
    Incident,
    IncidentLocation,
    IncidentStatus,
    IncidentTimelineEvent,
    ResolutionOutcome,
    ResponderAssignment,
    Subject,
    TimelineEventType,
)

SLA_TARGETS: dict[str, tuple[int, int]] = {
    "critical": (60, 600),
    "high": (120, 900),
    "medium": (300, 1800),
    "low": (600, 3600),
}
"""Sandbox SLA targets in seconds (assign, arrive) by severity, from the contract README."""

STATUS_CHANGED = "incident.status_changed"


@dataclass(frozen=True)
class UnitInfo:
    """Identity of a responder unit, as shown in `ResponderAssignment`."""

    responder_id: str
    name: str
    phone: str | None
    unit: str | None
    vehicle_plate: str | None


def sla_targets(severity: str) -> tuple[int, int]:
    return SLA_TARGETS.get(severity, SLA_TARGETS["high"])


def new_incident(
    incident_id: str, request: CreateIncidentRequest, *, is_drill: bool, now: datetime
) -> Incident:
    """A fresh `created` incident with its first timeline entry and SLA targets."""
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)  # the wire's precision
    assign_target, arrive_target = sla_targets(request.severity.value)
    subject = request.subject
    return Incident(
        incident_id=incident_id,
        idempotency_key=request.idempotency_key,
        category=request.category,
        severity=request.severity,
        status=IncidentStatus.created,
        subject=Subject(
            name=subject.name,
            phone=subject.phone,
            email=subject.email,
            reference=subject.reference,
            metadata=dict(subject.metadata or {}),
        ),
        title=request.title,
        description=request.description,
        location=IncidentLocation(
            coordinates=request.location.coordinates,
            address=request.location.address,
            landmark=request.location.landmark,
        ),
        is_drill=is_drill,
        timeline=[_entry("created", "created", "Incident created", now, None)],
        sla=SLA(response_target_seconds=assign_target, arrival_target_seconds=arrive_target),
        responder=None,
        created_at=now,
        updated_at=now,
    )


def _entry(status: str, event: str, message: str, at: datetime, author: str | None) -> IncidentTimelineEvent:
    return IncidentTimelineEvent(
        status=status, event=TimelineEventType(event), message=message, timestamp=at, author=author
    )


def add_event(incident: Incident, event: str, message: str, at: datetime, author: str | None = None) -> None:
    """Append a timeline entry that leaves the status as it is."""
    incident.timeline.append(_entry(incident.status.value, event, message, at, author))
    incident.updated_at = at


def set_status(
    incident: Incident, status: str, message: str, at: datetime, author: str | None = None
) -> list[str]:
    """Move to `status` with its timeline entry; fires `incident.status_changed`."""
    incident.status = IncidentStatus(status)
    incident.timeline.append(_entry(status, status, message, at, author))
    incident.updated_at = at
    return [STATUS_CHANGED]


def _sla(incident: Incident) -> SLA:
    if incident.sla is None:
        assign_target, arrive_target = sla_targets(incident.severity.value)
        incident.sla = SLA(response_target_seconds=assign_target, arrival_target_seconds=arrive_target)
    return incident.sla


def _seconds_since_created(incident: Incident, at: datetime) -> float:
    return round((at - incident.created_at).total_seconds(), 3)


def start_dispatch(incident: Incident, at: datetime) -> list[str]:
    return set_status(incident, "dispatching", "Searching for the nearest available responder", at)


def assign(
    incident: Incident, unit: UnitInfo, at: datetime, position: tuple[float, float], distance: float
) -> list[str]:
    """A responder accepted: `assigned`, responder block set, SLA assignment recorded once."""
    sla = _sla(incident)
    if sla.assigned_at is None:
        sla.assigned_at = at
        sla.time_to_assign_seconds = _seconds_since_created(incident, at)
    incident.responder = _assignment(unit, at, position, distance, None)
    return set_status(incident, "assigned", f"{_label(unit)} accepted the incident", at, unit.name)


def reassign(
    incident: Incident, unit: UnitInfo, at: datetime, position: tuple[float, float], distance: float
) -> list[str]:
    """Another responder takes over; a reassignment from `responding` goes back to `assigned`."""
    previous = incident.responder.name if incident.responder else "The responder"
    incident.responder = _assignment(unit, at, position, distance, None)
    add_event(
        incident, "responder_reassigned", f"{previous} became unavailable; {_label(unit)} took over", at
    )
    if incident.status.value == "responding":
        return set_status(incident, "assigned", f"{_label(unit)} accepted the incident", at, unit.name)
    return []


def depart(incident: Incident, at: datetime, eta_seconds: int, distance: float) -> list[str]:
    """The responder sets off: `responding` with ETA and distance."""
    author = _move_responder(incident, at, None, distance, eta_seconds)
    minutes = max(1, round(eta_seconds / 60))
    return set_status(incident, "responding", f"Responder en route, ETA {minutes} min", at, author)


def move(
    incident: Incident, at: datetime, position: tuple[float, float], distance: float, eta_seconds: int
) -> None:
    """Position, distance and ETA of the moving responder (no timeline entry, no webhook)."""
    _move_responder(incident, at, position, distance, eta_seconds)
    incident.updated_at = at


def arrive(incident: Incident, at: datetime) -> list[str]:
    """On scene: SLA arrival recorded once, ETA 0, distance 0."""
    sla = _sla(incident)
    if sla.arrived_at is None:
        sla.arrived_at = at
        sla.time_to_arrive_seconds = _seconds_since_created(incident, at)
    author = _move_responder(incident, at, incident.location.coordinates, 0.0, 0)
    return set_status(incident, "on_scene", f"{author or 'Responder'} arrived on scene", at, author)


def resolve(incident: Incident, at: datetime, outcome: str, notes: str) -> list[str]:
    """Closed by the responder with an outcome and notes; the responder keeps no ETA/distance."""
    author = _stand_down(incident)
    incident.resolution_outcome = ResolutionOutcome(outcome)
    incident.resolution_notes = notes
    incident.resolved_at = at
    label = outcome.replace("_", " ")
    return [
        *set_status(incident, "resolved", f"Resolved ({label}): {notes}", at, author),
        "incident.resolved",
    ]


def cancel(incident: Incident, at: datetime, reason: str | None) -> list[str]:
    """Cancelled by the platform: `false_alarm`, reason kept, any responder stood down."""
    responder = _stand_down(incident)
    incident.resolution_outcome = ResolutionOutcome.false_alarm
    incident.resolution_notes = reason
    incident.cancelled_at = at
    message = "Cancelled by the platform" + (f": {reason}" if reason else "")
    if responder:
        message += f" ({responder} stood down)"
    return [*set_status(incident, "cancelled", message, at), "incident.cancelled"]


def breach(incident: Incident, at: datetime, reason: str) -> None:
    """An SLA target passed before its milestone: `sla_breached`; `breached` stays true."""
    sla = _sla(incident)
    sla.breached = True
    if sla.breach_reason is None:
        sla.breach_reason = reason
    if reason == "response_target_exceeded":
        text = f"No responder assigned within the {sla.response_target_seconds} s target"
    else:
        text = f"No responder on scene within the {sla.arrival_target_seconds} s target"
    add_event(incident, "sla_breached", text, at)


def add_note(incident: Incident, at: datetime, message: str, author: str | None) -> list[str]:
    add_event(incident, "note_added", message, at, author)
    return ["incident.note_added"]


def _label(unit: UnitInfo) -> str:
    return f"{unit.name} ({unit.unit})" if unit.unit else unit.name


def _assignment(
    unit: UnitInfo, at: datetime, position: tuple[float, float], distance: float, eta: int | None
) -> ResponderAssignment:
    return ResponderAssignment(
        responder_id=unit.responder_id,
        name=unit.name,
        phone=unit.phone,
        unit=unit.unit,
        vehicle_plate=unit.vehicle_plate,
        assigned_at=at,
        eta_seconds=eta,
        distance_meters=round(distance, 1),
        position=GeoPoint(coordinates=position, accuracy_m=10.0),
    )


def _move_responder(
    incident: Incident, at: datetime, position: tuple[float, float] | None, distance: float, eta: int
) -> str | None:
    responder = incident.responder
    if responder is None:
        return None
    if position is not None:
        responder.position = GeoPoint(coordinates=position, accuracy_m=10.0)
    responder.distance_meters = round(distance, 1)
    responder.eta_seconds = eta
    return responder.name


def _stand_down(incident: Incident) -> str | None:
    responder = incident.responder
    if responder is None:
        return None
    responder.eta_seconds = None
    responder.distance_meters = None
    return responder.name
