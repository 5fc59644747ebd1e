"""Access logs: check-in, list and search, statistics, visitors inside, checkout."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from pydantic import Field, model_validator

from sety_console.api.models import AccessLogStatus, CheckoutVisitorRequest, CreateAccessLogRequest, Known

from .. import access_store
from ..auth import Caller, require, sandbox_of
from ..responses import model_response, page_of_models
from ..validation import (
    PageQuery,
    QueryModel,
    WindowEnd,
    WindowStart,
    check_window,
    no_query,
    parse_body,
    parse_query,
)
from .common import raw_body

router = APIRouter(tags=["Access Logs"])

Gate = Field(default=None, min_length=1, max_length=100)


class AccessLogListQuery(PageQuery):
    status: Known[AccessLogStatus] | None = None
    gate: str | None = Gate
    from_date: WindowStart | None = None
    to_date: WindowEnd | None = None
    search: str | None = Field(default=None, min_length=1, max_length=100)

    @model_validator(mode="after")
    def _window(self) -> AccessLogListQuery:
        check_window(self.from_date, self.to_date)
        return self


class StatsQuery(QueryModel):
    from_date: WindowStart | None = None
    to_date: WindowEnd | None = None
    gate: str | None = Gate

    @model_validator(mode="after")
    def _window(self) -> StatsQuery:
        check_window(self.from_date, self.to_date)
        return self


class CurrentQuery(QueryModel):
    gate: str | None = Gate


@router.get("/access-logs")
def list_access_logs(request: Request, caller: Caller = Depends(require("access:read"))) -> Response:
    query = parse_query(request, AccessLogListQuery)
    with sandbox_of(request).db.session() as session:
        rows, total = access_store.list_logs(
            session,
            caller.org_id,
            caller.environment,
            status=query.status.value if query.status else None,
            gate=query.gate,
            start=query.from_date,
            end=query.to_date,
            search=query.search,
            page=query.page,
            limit=query.limit,
        )
        items = [access_store.log_model(row) for row in rows]
    return page_of_models(items, query.page, query.limit, total)


@router.post("/access-logs")
def create_access_log(
    request: Request, caller: Caller = Depends(require("access:write")), body: bytes = Depends(raw_body)
) -> Response:
    no_query(request)
    payload = parse_body(body, CreateAccessLogRequest)
    sandbox = sandbox_of(request)
    keyed = sandbox.idempotency.keyed(request, caller, body, 201)
    return model_response(sandbox.access.check_in(caller.org_id, caller.environment, payload, keyed), 201)


@router.get("/access-logs/stats")
def get_access_log_stats(request: Request, caller: Caller = Depends(require("access:read"))) -> Response:
    query = parse_query(request, StatsQuery)
    access = sandbox_of(request).access
    start, end = access.stats_period(query.from_date, query.to_date)
    return model_response(access.stats(caller.org_id, caller.environment, start, end, query.gate))


@router.get("/access-logs/current")
def list_current_visitors(request: Request, caller: Caller = Depends(require("access:read"))) -> Response:
    query = parse_query(request, CurrentQuery)
    return model_response(sandbox_of(request).access.current(caller.org_id, caller.environment, query.gate))


@router.patch("/access-logs/{log_id}/checkout")
def checkout_visitor(
    log_id: str,
    request: Request,
    caller: Caller = Depends(require("access:write")),
    body: bytes = Depends(raw_body),
) -> Response:
    no_query(request)
    payload = parse_body(body, CheckoutVisitorRequest, required=False)
    sandbox = sandbox_of(request)
    keyed = sandbox.idempotency.keyed(request, caller, body, 200)
    return model_response(sandbox.access.checkout(caller.org_id, caller.environment, log_id, payload, keyed))
