"""Schemas shared across the API: errors, pagination, geometry, periods and counts."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from ._base import Coordinates, LngLat, RequestModel, ResponseModel, Timestamp

T = TypeVar("T")


class Error(ResponseModel):
    """The body of every non-2xx answer."""

    code: int
    message: str
    field: str | None = None
    request_id: str | None = None


class Pagination(ResponseModel):
    """Where a page sits; `has_more` is required (paging cannot be trusted without it)."""

    page: int = 1
    limit: int = 20
    total: int = 0
    total_pages: int = 0
    has_more: bool


class PaginatedResponse(ResponseModel, Generic[T]):
    """The `{data, pagination}` envelope of every list operation.

    Both are required: an answer without them (`{}` from a proxy, `{"error": …}`) is malformed, never
    an empty list, so it can never replace what the console holds.
    """

    data: list[T]
    pagination: Pagination


class GeoPoint(ResponseModel):
    """A point as `[lng, lat]` with an optional accuracy."""

    coordinates: Coordinates
    accuracy_m: float | None = None

    @property
    def lng(self) -> float:
        return self.coordinates[0]

    @property
    def lat(self) -> float:
        return self.coordinates[1]


class Location(RequestModel):
    """Where an incident happens, as a caller sends it (strict: unknown fields refused)."""

    coordinates: LngLat
    address: str | None = Field(default=None, max_length=500)
    landmark: str | None = Field(default=None, max_length=200)


class IncidentLocation(ResponseModel):
    """Where an incident happens, as the server reports it."""

    coordinates: Coordinates
    address: str | None = None
    landmark: str | None = None

    @property
    def lng(self) -> float:
        return self.coordinates[0]

    @property
    def lat(self) -> float:
        return self.coordinates[1]


class Period(ResponseModel):
    """A closed time window; `from` is a Python keyword, so the attribute is `from_`."""

    from_: Timestamp = Field(alias="from")
    to: Timestamp


class _Counts(BaseModel):
    """Counts keyed by enum value; values a newer server adds are kept as extra fields."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def as_dict(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.model_dump().items()}


class CategoryCounts(_Counts):
    sos: int = 0
    vehicle: int = 0
    location_threat: int = 0
    medical: int = 0


class SeverityCounts(_Counts):
    low: int = 0
    medium: int = 0
    high: int = 0
    critical: int = 0


class StatusCounts(_Counts):
    created: int = 0
    dispatching: int = 0
    assigned: int = 0
    responding: int = 0
    on_scene: int = 0
    resolved: int = 0
    cancelled: int = 0
