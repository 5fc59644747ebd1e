"""Health and Incidents operations: health check, create, list, get, cancel, add note."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime

from pydantic import PrivateAttr

from .._query import OneOrMany, path_segment, query
from ..base import BaseClient
from ..models import (
    AddNoteRequest,
    CancelIncidentRequest,
    Category,
    CreateIncidentRequest,
    CreateIncidentResponse,
    HealthStatus,
    Incident,
    IncidentPage,
    IncidentStatus,
    Severity,
    TimelineEvent,
)
from ..pagination import paginate

__all__ = ["CreateIncidentResult", "IncidentOperations"]


class CreateIncidentResult(CreateIncidentResponse):
    """`CreateIncidentResponse` plus the HTTP status: `created` is True for 201, False for a 200 replay."""

    _http_status: int = PrivateAttr(default=200)

    @property
    def http_status(self) -> int:
        """200 (the idempotency key was already used) or 201 (a new incident)."""
        return self._http_status

    @property
    def created(self) -> bool:
        """True when this call created the incident (HTTP 201), False on an idempotent replay."""
        return self._http_status == 201


class IncidentOperations(BaseClient):
    """Health check and the Incidents tag."""

    async def health_check(self) -> HealthStatus:
        """`GET /health`: is the API reachable, and which version answers (no key, no budget)."""
        return await self._call(HealthStatus, "GET", "/health", metered=False)

    async def create_incident(self, request: CreateIncidentRequest) -> CreateIncidentResult:
        """`POST /incidents`: raise an emergency.

        Retried on transient failures only when `request.idempotency_key` is set (a replay then
        answers 200 with `idempotent: true`). Check `result.created` / `result.idempotent`.
        """
        retry = request.idempotency_key is not None
        response = await self._send("POST", "/incidents", body=request.body(), retry=retry)
        result = self._parse(CreateIncidentResult, response, "POST /incidents")
        result._http_status = response.status_code
        return result

    async def list_incidents(
        self,
        *,
        status: OneOrMany[IncidentStatus | str] | None = None,
        category: OneOrMany[Category | str] | None = None,
        severity: OneOrMany[Severity | str] | None = None,
        from_date: date | datetime | None = None,
        to_date: date | datetime | None = None,
        updated_since: datetime | None = None,
        page: int | None = None,
        limit: int | None = None,
    ) -> IncidentPage:
        """`GET /incidents`: one page, newest first. Filters combine with AND; list values with OR."""
        params = query(
            status=status,
            category=category,
            severity=severity,
            from_date=from_date,
            to_date=to_date,
            updated_since=updated_since,
            page=page,
            limit=limit,
        )
        return await self._call(IncidentPage, "GET", "/incidents", params=params)

    def iter_incidents(
        self,
        *,
        status: OneOrMany[IncidentStatus | str] | None = None,
        category: OneOrMany[Category | str] | None = None,
        severity: OneOrMany[Severity | str] | None = None,
        from_date: date | datetime | None = None,
        to_date: date | datetime | None = None,
        updated_since: datetime | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[Incident]:
        """Every incident matching the filters, page after page (`limit` is the page size)."""
        return paginate(
            lambda page: self.list_incidents(
                status=status,
                category=category,
                severity=severity,
                from_date=from_date,
                to_date=to_date,
                updated_since=updated_since,
                page=page,
                limit=limit,
            )
        )

    async def get_incident(self, incident_id: str) -> Incident:
        """`GET /incidents/{incidentId}` (a bare or `{"incident": …}`-wrapped answer both parse)."""
        path = f"/incidents/{path_segment(incident_id, 'incident_id')}"
        return await self._call(Incident, "GET", path)

    async def cancel_incident(
        self, incident_id: str, reason: str | None = None, *, idempotency_key: str | None = None
    ) -> Incident:
        """`POST /incidents/{incidentId}/cancel`: stop an active incident (409 when already closed).

        `idempotency_key` goes out as the `Idempotency-Key` header (keep it for every retry).
        """
        path = f"/incidents/{path_segment(incident_id, 'incident_id')}/cancel"
        body = self._request_model(CancelIncidentRequest, "cancellation", reason=reason).body()
        return await self._call(Incident, "POST", path, body=body, idempotency_key=idempotency_key)

    async def add_incident_note(
        self,
        incident_id: str,
        message: str,
        author: str | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> TimelineEvent:
        """`POST /incidents/{incidentId}/notes`: attach a note (any status, closed ones included)."""
        path = f"/incidents/{path_segment(incident_id, 'incident_id')}/notes"
        body = self._request_model(AddNoteRequest, "note", message=message, author=author).body()
        return await self._call(TimelineEvent, "POST", path, body=body, idempotency_key=idempotency_key)
