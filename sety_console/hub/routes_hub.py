"""The hub's own HTTP API under `/hub/v1` (not part of the Sety contract): shared operator state.

    GET    /hub/v1/whoami                         operator name, hub id, environment (live/test), scopes
    GET    /hub/v1/health                         link to Sety, requests sent and answers (429s), budget,
                                                  whether this hub leads, webhook push
    POST   /hub/v1/webhooks/sety                  Sety's webhook deliveries (signed; see push_receiver)
    GET    /hub/v1/state                          {seq, alarms, claims, on_shift}
    PUT    /hub/v1/alarms/{incident_id}/{reason}  {state, shelved_until?, note?} → the alarm record
    POST   /hub/v1/claims/{incident_id}           {force?} → the claim ("taken by Ada, 03:12"); 409 if taken
    DELETE /hub/v1/claims/{incident_id}?force=…   release
    GET    /hub/v1/audit?after_id=&limit=&newest= audit entries, oldest first (newest=true: the last `limit`)
    POST   /hub/v1/audit                          {action, target_id?, detail?} a workstation's own action
    GET    /hub/v1/shift                          operators connected now

Every call needs a hub token; `X-Sety-Workstation` names the workstation and `X-Sety-Acted-At` (RFC 3339)
the time the operator acted (default: when the hub received it). Changes are pushed on the stream.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from .access import Caller, require
from .errors import HubError, bad_request
from .routes_contract import hub_of
from .shared_records import Actor, AlarmState, StateError

router = APIRouter(prefix="/hub/v1")


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AlarmChange(_Body):
    state: AlarmState
    shelved_until: AwareDatetime | None = None
    note: str = Field(default="", max_length=1000)


class ClaimChange(_Body):
    force: bool = False


class AuditEntry(_Body):
    action: str = Field(min_length=1, max_length=64)
    target_id: str = Field(default="", max_length=64)
    detail: str = Field(default="", max_length=2000)


async def _body(request: Request, model: type[_Body]) -> Any:
    raw = await request.body()
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or None
        raise bad_request(
            field, "unknown field" if first["type"] == "extra_forbidden" else first["msg"]
        ) from None


def _actor(caller: Caller) -> Actor:
    return Actor(caller.operator, caller.workstation, caller.acted_at_ms)


def _state_error(error: StateError) -> HubError:
    return HubError(error.status, str(error))


@router.get("/whoami")
def whoami(request: Request, caller: Caller = Depends(require(None))) -> dict[str, Any]:
    hub = hub_of(request)
    return {
        "operator": caller.operator,
        "hub_id": hub.hub_id,
        "environment": hub.environment,
        "scopes": hub.feed.scopes,
    }


@router.get("/health")
def health(request: Request, caller: Caller = Depends(require(None))) -> dict[str, Any]:
    """How the hub stands: its link to Sety, its use of the key's budget, the picture's size."""
    hub = hub_of(request)
    budget = hub.client.budget
    return {
        **hub.feed.status(),
        "type": "health",
        "sety_requests": hub.traffic.requests,
        "sety_answers": {str(code): n for code, n in sorted(hub.traffic.statuses.items())},
        "budget": {"limit": budget.limit, "remaining": budget.remaining},
        "poll_requests": hub.feed.poller.requests,
        "forwarded_reads": len(hub.reads.forwarded),
        "forwarded_writes": hub.writes.sent_to_sety,
        "picture": {kind: len(hub.picture.published[kind]) for kind in ("incidents", "visitors", "zones")},
        "streams": len(hub.streams),
        "hub_id": hub.hub_id,
        "leading": hub.leadership.leading,
        "hubs": hub.cluster.nodes(),
        "push_here": {**hub.push.health.summary(), "applied": hub.push.applier.applied},
    }


@router.get("/state")
def state(request: Request, caller: Caller = Depends(require(None))) -> dict[str, Any]:
    hub = hub_of(request)
    return {"seq": hub.changelog.head, **hub.shared.snapshot()}


@router.put("/alarms/{incident_id}/{reason}")
async def set_alarm(
    incident_id: str, reason: str, request: Request, caller: Caller = Depends(require(None))
) -> dict[str, Any]:
    change: AlarmChange = await _body(request, AlarmChange)
    shelved_until: datetime | None = change.shelved_until
    try:
        return await hub_of(request).shared.set_alarm(
            _actor(caller),
            incident_id,
            reason[:64],
            change.state,
            shelved_until=shelved_until,
            note=change.note,
        )
    except StateError as error:
        raise _state_error(error) from error


@router.post("/claims/{incident_id}")
async def claim(
    incident_id: str, request: Request, caller: Caller = Depends(require(None))
) -> dict[str, Any]:
    change: ClaimChange = await _body(request, ClaimChange)
    try:
        return await hub_of(request).shared.claim(_actor(caller), incident_id, force=change.force)
    except StateError as error:
        raise _state_error(error) from error


@router.delete("/claims/{incident_id}")
async def release(
    incident_id: str, request: Request, force: bool = False, caller: Caller = Depends(require(None))
) -> dict[str, Any]:
    try:
        await hub_of(request).shared.release(_actor(caller), incident_id, force=force)
    except StateError as error:
        raise _state_error(error) from error
    return {"incident_id": incident_id, "released": True}


@router.get("/audit")
def audit(
    request: Request,
    after_id: int = 0,
    limit: int = 200,
    newest: bool = False,
    caller: Caller = Depends(require(None)),
) -> dict[str, Any]:
    if not 1 <= limit <= 1000:
        raise bad_request("limit", "must be between 1 and 1000")
    entries = hub_of(request).shared.audit_entries(after_id=after_id, limit=limit, newest=newest)
    return {"data": entries}


@router.post("/audit", status_code=201)
async def add_audit(request: Request, caller: Caller = Depends(require(None))) -> dict[str, Any]:
    entry: AuditEntry = await _body(request, AuditEntry)
    return await hub_of(request).shared.audit(_actor(caller), entry.action, entry.target_id, entry.detail)


@router.get("/shift")
def shift(request: Request, caller: Caller = Depends(require(None))) -> dict[str, Any]:
    return {"on_shift": hub_of(request).shared.on_shift()}
