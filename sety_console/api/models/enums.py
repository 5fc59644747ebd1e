"""Every enum of the contract, tolerant of values a newer server may add (`OpenEnum`)."""

from __future__ import annotations

from ._base import OpenEnum


class Category(OpenEnum):
    sos = "sos"
    vehicle = "vehicle"
    location_threat = "location_threat"
    medical = "medical"


class Severity(OpenEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"

    @property
    def rank(self) -> int:
        """3 for critical down to 0 for low; -1 for a value we do not know."""
        return _SEVERITY_RANK.get(self.value, -1)


_SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2, "critical": 3}


class IncidentStatus(OpenEnum):
    created = "created"
    dispatching = "dispatching"
    assigned = "assigned"
    responding = "responding"
    on_scene = "on_scene"
    resolved = "resolved"
    cancelled = "cancelled"

    @property
    def is_active(self) -> bool:
        return self.value in ACTIVE_STATUSES

    @property
    def is_terminal(self) -> bool:
        return self.value in TERMINAL_STATUSES


ACTIVE_STATUSES = frozenset({"created", "dispatching", "assigned", "responding", "on_scene"})
TERMINAL_STATUSES = frozenset({"resolved", "cancelled"})


class ResolutionOutcome(OpenEnum):
    handled = "handled"
    false_alarm = "false_alarm"
    referred = "referred"
    unable_to_locate = "unable_to_locate"


class TimelineEventType(OpenEnum):
    created = "created"
    dispatching = "dispatching"
    assigned = "assigned"
    responding = "responding"
    on_scene = "on_scene"
    resolved = "resolved"
    cancelled = "cancelled"
    note_added = "note_added"
    responder_reassigned = "responder_reassigned"
    sla_breached = "sla_breached"
    escalated = "escalated"


class AccessCodeStatus(OpenEnum):
    active = "active"
    used = "used"
    expired = "expired"
    revoked = "revoked"


class ValidationReason(OpenEnum):
    ok = "ok"
    not_found = "not_found"
    expired = "expired"
    not_yet_valid = "not_yet_valid"
    used = "used"
    revoked = "revoked"


class AccessLogMethod(OpenEnum):
    access_code = "access_code"
    manual = "manual"
    walk_in = "walk_in"


class AccessLogStatus(OpenEnum):
    checked_in = "checked_in"
    checked_out = "checked_out"


class RiskLevel(OpenEnum):
    low = "low"
    moderate = "moderate"
    high = "high"
    severe = "severe"


class SafetyLevel(OpenEnum):
    safe = "safe"
    moderate = "moderate"
    caution = "caution"
    danger = "danger"


class Trend(OpenEnum):
    improving = "improving"
    stable = "stable"
    worsening = "worsening"


class SafeZoneKind(OpenEnum):
    police_station = "police_station"
    hospital = "hospital"
    fire_station = "fire_station"
    secure_facility = "secure_facility"
    public_space = "public_space"


class Scope(OpenEnum):
    incidents_read = "incidents:read"
    incidents_write = "incidents:write"
    access_read = "access:read"
    access_write = "access:write"
    intel_read = "intel:read"
    admin = "admin"


class Environment(OpenEnum):
    live = "live"
    test = "test"


class WebhookEventType(OpenEnum):
    incident_created = "incident.created"
    incident_status_changed = "incident.status_changed"
    incident_note_added = "incident.note_added"
    incident_resolved = "incident.resolved"
    incident_cancelled = "incident.cancelled"


class WebhookEventFilter(OpenEnum):
    incident_created = "incident.created"
    incident_status_changed = "incident.status_changed"
    incident_note_added = "incident.note_added"
    incident_resolved = "incident.resolved"
    incident_cancelled = "incident.cancelled"
    incident_all = "incident.*"


class WebhookDeliveryStatus(OpenEnum):
    pending = "pending"
    delivered = "delivered"
    failed = "failed"
