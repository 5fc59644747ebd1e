"""Incidents: the seen core of the API, plus the assumed SLA and responder blocks."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator, model_validator

from ._base import EMAIL_PATTERN, Known, Omittable, RequestModel, ResponseModel, Timestamp
from .common import GeoPoint, IncidentLocation, Location, PaginatedResponse
from .enums import Category, IncidentStatus, ResolutionOutcome, Severity, TimelineEventType


class Subject(ResponseModel):
    """The person the incident is about, as the server reports them (email is a plain string)."""

    name: str = ""
    phone: str | None = None
    email: str | None = None
    reference: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class SubjectInput(RequestModel):
    """`Subject` as a caller sends it: the contract's constraints enforced."""

    name: str = Field(min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=254)
    reference: str | None = Field(default=None, max_length=255)
    metadata: Omittable[dict[str, str]] = Field(default=None, max_length=50)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not EMAIL_PATTERN.match(value):
            raise ValueError("must be an email address")
        return value

    @field_validator("metadata")
    @classmethod
    def _metadata(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        for key, item in (value or {}).items():
            if len(item) > 500:
                raise ValueError(f"value of {key!r} is longer than 500 characters")
        return value


class SLA(ResponseModel):
    response_target_seconds: int | None = None
    arrival_target_seconds: int | None = None
    assigned_at: Timestamp | None = None
    arrived_at: Timestamp | None = None
    time_to_assign_seconds: float | None = None
    time_to_arrive_seconds: float | None = None
    breached: bool = False
    breach_reason: str | None = None


class ResponderAssignment(ResponseModel):
    responder_id: str = ""
    name: str = ""
    phone: str | None = None
    unit: str | None = None
    vehicle_plate: str | None = None
    assigned_at: Timestamp | None = None
    eta_seconds: int | None = None
    distance_meters: float | None = None
    position: GeoPoint | None = None


class IncidentTimelineEvent(ResponseModel):
    """One entry of an incident's timeline (`status` is a plain string by contract)."""

    status: str = ""
    event: TimelineEventType
    message: str = ""
    timestamp: Timestamp
    author: str | None = None


class TimelineEvent(ResponseModel):
    """What Add note returns."""

    event_id: str = ""
    incident_id: str = ""
    event: TimelineEventType
    message: str = ""
    author: str | None = None
    timestamp: Timestamp


class Incident(ResponseModel):
    """An incident; accepted bare or wrapped as `{"incident": …}` wherever one is returned."""

    incident_id: str
    idempotency_key: str | None = None
    category: Category
    severity: Severity = Severity.high
    status: IncidentStatus
    subject: Subject = Field(default_factory=Subject)
    title: str | None = None
    description: str | None = None
    location: IncidentLocation
    resolution_outcome: ResolutionOutcome | None = None
    resolution_notes: str | None = None
    is_drill: bool = False
    timeline: list[IncidentTimelineEvent] = Field(default_factory=list)
    sla: SLA | None = None
    responder: ResponderAssignment | None = None
    created_at: Timestamp
    updated_at: Timestamp
    resolved_at: Timestamp | None = None
    cancelled_at: Timestamp | None = None

    @model_validator(mode="before")
    @classmethod
    def _unwrap(cls, data: Any) -> Any:
        if isinstance(data, dict) and "incident_id" not in data and isinstance(data.get("incident"), dict):
            return data["incident"]
        return data


class CreateIncidentRequest(RequestModel):
    category: Known[Category]
    severity: Known[Severity] = Severity.high
    idempotency_key: Omittable[str] = Field(default=None, min_length=1, max_length=255)
    subject: SubjectInput
    location: Location
    title: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    is_drill: bool = False


class CreateIncidentResponse(ResponseModel):
    incident: Incident
    idempotent: bool = False


class IncidentPage(PaginatedResponse[Incident]):
    pass


class CancelIncidentRequest(RequestModel):
    reason: str | None = Field(default=None, max_length=500)


class AddNoteRequest(RequestModel):
    message: str = Field(min_length=1, max_length=2000, pattern=r"\S")
    author: str | None = Field(default=None, max_length=200)


class HealthStatus(ResponseModel):
    status: str
    api_version: str = ""
    timestamp: Timestamp | None = None
