"""Gate access: pre-registered access codes, check-ins (access logs), visitors inside, stats."""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from ._base import Known, Omittable, RequestModel, RequestTimestamp, ResponseModel, Timestamp
from .common import PaginatedResponse, Period
from .enums import AccessCodeStatus, AccessLogMethod, AccessLogStatus, ValidationReason


class AccessCode(ResponseModel):
    code_id: str
    code: str = ""
    visitor_name: str = ""
    visitor_phone: str | None = None
    host_name: str = ""
    host_unit: str | None = None
    purpose: str | None = None
    valid_from: Timestamp | None = None
    valid_until: Timestamp | None = None
    max_uses: int = 1
    uses: int = 0
    status: AccessCodeStatus = AccessCodeStatus.active
    gate: str | None = None
    created_at: Timestamp | None = None


class CreateAccessCodeRequest(RequestModel):
    visitor_name: str = Field(min_length=1, max_length=200)
    visitor_phone: str | None = Field(default=None, max_length=32)
    host_name: str = Field(min_length=1, max_length=200)
    host_unit: str | None = Field(default=None, max_length=100)
    purpose: str | None = Field(default=None, max_length=200)
    valid_from: Omittable[RequestTimestamp] = None
    valid_until: RequestTimestamp
    max_uses: int = Field(default=1, ge=1, le=100, strict=True)
    gate: str | None = Field(default=None, max_length=100)

    @model_validator(mode="after")
    def _window(self) -> CreateAccessCodeRequest:
        if self.valid_from is not None and self.valid_from >= self.valid_until:
            raise ValueError("valid_until: must be later than valid_from")
        return self


class AccessCodePage(PaginatedResponse[AccessCode]):
    pass


class ValidateAccessCodeRequest(RequestModel):
    code: str = Field(min_length=1, max_length=32)


class ValidationResult(ResponseModel):
    valid: bool
    reason: ValidationReason
    access_code: AccessCode | None = None
    checked_at: Timestamp | None = None


class AccessLog(ResponseModel):
    log_id: str
    visitor_name: str = ""
    visitor_phone: str | None = None
    visitor_id_number: str | None = None
    host_name: str = ""
    host_unit: str | None = None
    purpose: str | None = None
    gate: str = ""
    vehicle_plate: str | None = None
    access_code: str | None = None
    method: AccessLogMethod = AccessLogMethod.manual
    status: AccessLogStatus = AccessLogStatus.checked_in
    checked_in_at: Timestamp
    checked_out_at: Timestamp | None = None
    checkout_gate: str | None = None
    checkout_notes: str | None = None
    duration_minutes: float | None = None
    created_by: str | None = None


class CreateAccessLogRequest(RequestModel):
    """Check a visitor in: either with `access_code`, or with `visitor_name` and `host_name`."""

    access_code: Omittable[str] = Field(default=None, min_length=1, max_length=32)
    visitor_name: Omittable[str] = Field(default=None, min_length=1, max_length=200)
    visitor_phone: str | None = Field(default=None, max_length=32)
    visitor_id_number: str | None = Field(default=None, max_length=64)
    host_name: Omittable[str] = Field(default=None, min_length=1, max_length=200)
    host_unit: str | None = Field(default=None, max_length=100)
    purpose: str | None = Field(default=None, max_length=200)
    gate: str = Field(min_length=1, max_length=100)
    vehicle_plate: str | None = Field(default=None, max_length=20)
    method: Omittable[Known[AccessLogMethod]] = None
    created_by: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _either_code_or_names(self) -> CreateAccessLogRequest:
        if self.method is AccessLogMethod.access_code:
            raise ValueError("method: must be manual or walk_in")
        if self.access_code is not None:
            if self.method is not None:
                raise ValueError("method: must not be sent together with access_code")
        elif self.visitor_name is None or self.host_name is None:
            missing = "visitor_name" if self.visitor_name is None else "host_name"
            raise ValueError(f"{missing}: required when no access_code is given")
        return self


class CheckoutVisitorRequest(RequestModel):
    checkout_notes: str | None = Field(default=None, max_length=1000)
    checkout_gate: str | None = Field(default=None, max_length=100)


class AccessLogPage(PaginatedResponse[AccessLog]):
    pass


class GateVisits(ResponseModel):
    gate: str
    visits: int = 0


class HourVisits(ResponseModel):
    hour: int
    visits: int = 0


class DayVisits(ResponseModel):
    date: date
    visits: int = 0


class AccessLogStats(ResponseModel):
    period: Period | None = None
    total_visits: int = 0
    currently_inside: int = 0
    average_duration_minutes: float | None = None
    overstays: int = 0
    by_gate: list[GateVisits] = Field(default_factory=list)
    by_hour: list[HourVisits] = Field(default_factory=list)
    by_day: list[DayVisits] = Field(default_factory=list)
    busiest_hour: int | None = None


class CurrentVisitor(ResponseModel):
    log_id: str
    visitor_name: str = ""
    visitor_phone: str | None = None
    host_name: str = ""
    host_unit: str | None = None
    gate: str = ""
    vehicle_plate: str | None = None
    checked_in_at: Timestamp
    minutes_inside: int = 0
    expected_until: Timestamp | None = None
    overstay: bool = False


class CurrentVisitorsResponse(ResponseModel):
    """Everyone inside; `data` and `total` are required (without them it is a broken answer, not an
    empty gate)."""

    data: list[CurrentVisitor]
    total: int
