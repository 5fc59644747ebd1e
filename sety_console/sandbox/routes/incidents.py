"""Incidents: create (idempotent), list (filters, delta polls), get, cancel, add note."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from pydantic import model_validator

from sety_console.api.models import (
    AddNoteRequest,
    CancelIncidentRequest,
    Category,
    CreateIncidentRequest,
    IncidentStatus,
    Known,
    Severity,
)

from .. import incident_store
from ..auth import Caller, require, sandbox_of
from ..errors import not_found
from ..incident_store import IncidentFilters
from ..responses import model_response, page_of_documents, raw_json_response
from ..validation import (
    CommaList,
    DateTimeParam,
    PageQuery,
    WindowEnd,
    WindowStart,
    check_window,
    no_query,
    parse_body,
    parse_query,
)
from .common import raw_body

router = APIRouter(tags=["Incidents"])


class IncidentListQuery(PageQuery):
    status: CommaList[Known[IncidentStatus]] | None = None
    category: CommaList[Known[Category]] | None = None
    severity: CommaList[Known[Severity]] | None = None
    from_date: WindowStart | None = None
    to_date: WindowEnd | None = None
    updated_since: DateTimeParam | None = None

    @model_validator(mode="after")
    def _window(self) -> IncidentListQuery:
        check_window(self.from_date, self.to_date)
        return self

    def filters(self) -> IncidentFilters:
        return IncidentFilters(
            statuses=tuple(s.value for s in self.status or ()),
            categories=tuple(c.value for c in self.category or ()),
            severities=tuple(s.value for s in self.severity or ()),
            created_from=self.from_date,
            created_to=self.to_date,
            updated_since=self.updated_since,
        )


@router.post("/incidents")
def create_incident(
    request: Request, caller: Caller = Depends(require("incidents:write")), body: bytes = Depends(raw_body)
) -> Response:
    no_query(request)
    payload = parse_body(body, CreateIncidentRequest)
    document, replay = sandbox_of(request).incidents.create(caller.org_id, caller.environment, payload)
    answer = '{"incident":' + document + ',"idempotent":' + ("true" if replay else "false") + "}"
    return raw_json_response(answer, status=200 if replay else 201)


@router.get("/incidents")
def list_incidents(request: Request, caller: Caller = Depends(require("incidents:read"))) -> Response:
    query = parse_query(request, IncidentListQuery)
    sandbox = sandbox_of(request)
    with sandbox.db.session() as session:
        documents, total = incident_store.list_documents(
            session,
            caller.org_id,
            caller.environment,
            query.filters(),
            query.page,
            query.limit,
            sandbox.incidents.counts,
        )
    return page_of_documents(documents, query.page, query.limit, total)


@router.get("/incidents/{incident_id}")
def get_incident(
    incident_id: str, request: Request, caller: Caller = Depends(require("incidents:read"))
) -> Response:
    no_query(request)
    with sandbox_of(request).db.session() as session:
        row = incident_store.get_scoped(session, caller.org_id, caller.environment, incident_id)
        if row is None:
            raise not_found("Incident")
        return raw_json_response(row.document)


@router.post("/incidents/{incident_id}/cancel")
def cancel_incident(
    incident_id: str,
    request: Request,
    caller: Caller = Depends(require("incidents:write")),
    body: bytes = Depends(raw_body),
) -> Response:
    no_query(request)
    payload = parse_body(body, CancelIncidentRequest, required=False)
    sandbox = sandbox_of(request)
    keyed = sandbox.idempotency.keyed(request, caller, body, 200)
    document = sandbox.incidents.cancel(caller.org_id, caller.environment, incident_id, payload.reason, keyed)
    return raw_json_response(document)


@router.post("/incidents/{incident_id}/notes")
def add_incident_note(
    incident_id: str,
    request: Request,
    caller: Caller = Depends(require("incidents:write")),
    body: bytes = Depends(raw_body),
) -> Response:
    no_query(request)
    payload = parse_body(body, AddNoteRequest)
    sandbox = sandbox_of(request)
    keyed = sandbox.idempotency.keyed(request, caller, body, 201)
    note = sandbox.incidents.add_note(caller.org_id, caller.environment, incident_id, payload, keyed)
    return model_response(note, status=201)
