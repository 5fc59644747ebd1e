"""How each outbox action is sent, and how to find out whether an earlier try already reached the server.

`send(client, entry)` performs one action with its stored idempotency key and returns the server's
answer as a model. `look_on_server(client, entry, claimed)` is asked, after an ambiguous failure and
once the earlier try can no longer arrive, for the actions a server that ignores `Idempotency-Key`
cannot deduplicate (notes, check-ins, access codes): it pages through every candidate in the time
window since the action was made and returns the server's copy if there is one (so it is not sent
twice), else None. `claimed` lists the ids of results other entries already own, so two identical
notes typed on purpose are still both delivered.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from sety_console.api.models import (
    AccessCode,
    AccessLog,
    CreateAccessCodeRequest,
    CreateAccessLogRequest,
    CreateIncidentRequest,
    CreateIncidentResponse,
    Incident,
    PaginatedResponse,
    TimelineEvent,
    TimelineEventType,
    is_replay,
)

from .actions import ActionKind, OutboxEntry, Settlement

if TYPE_CHECKING:
    from sety_console.api import SetyClient

T = TypeVar("T")

CLOCK_TOLERANCE = timedelta(minutes=2)
"""How far the server's clock may be behind ours when matching an action by its time."""
LOOKUP_PAGE = 100

CHECKED_KINDS = frozenset({ActionKind.ADD_NOTE, ActionKind.CHECK_IN, ActionKind.CREATE_ACCESS_CODE})
"""Actions a server that ignores `Idempotency-Key` cannot deduplicate: look before resending."""

RESULT_MODELS: dict[ActionKind, type[BaseModel]] = {
    ActionKind.CREATE_INCIDENT: CreateIncidentResponse,
    ActionKind.CANCEL_INCIDENT: Incident,
    ActionKind.ADD_NOTE: TimelineEvent,
    ActionKind.CREATE_ACCESS_CODE: AccessCode,
    ActionKind.REVOKE_ACCESS_CODE: AccessCode,
    ActionKind.CHECK_IN: AccessLog,
    ActionKind.CHECK_OUT: AccessLog,
}

WRITE_SCOPE: dict[ActionKind, str] = {
    ActionKind.CREATE_INCIDENT: "incidents:write",
    ActionKind.CANCEL_INCIDENT: "incidents:write",
    ActionKind.ADD_NOTE: "incidents:write",
    ActionKind.CREATE_ACCESS_CODE: "access:write",
    ActionKind.REVOKE_ACCESS_CODE: "access:write",
    ActionKind.CHECK_IN: "access:write",
    ActionKind.CHECK_OUT: "access:write",
}


def parse_result(kind: ActionKind, result: dict[str, Any] | None) -> BaseModel | None:
    """An entry's stored result as its model (None when there is none)."""
    return None if result is None else RESULT_MODELS[kind].model_validate(result)


def result_key(kind: ActionKind, result: dict[str, Any] | None) -> str | None:
    """The id that identifies a stored result on the server (used to skip claimed copies)."""
    if result is None:
        return None
    if kind is ActionKind.ADD_NOTE:
        return f"{result.get('timestamp')}|{result.get('message')}|{result.get('author')}"
    if kind is ActionKind.CHECK_IN:
        return str(result.get("log_id"))
    if kind is ActionKind.CREATE_ACCESS_CODE:
        return str(result.get("code_id"))
    return None


def settlement(entry: OutboxEntry, result: BaseModel) -> Settlement:
    """How the answer `result` to a try of `entry` confirms it."""
    if is_replay(result) or (isinstance(result, CreateIncidentResponse) and result.idempotent):
        return Settlement.REPLAYED
    return Settlement.RESENT if entry.attempts > 1 else Settlement.SENT


def _target(entry: OutboxEntry) -> str:
    if not entry.target_id:
        raise ValueError(f"{entry.kind.value} needs a target id")
    return entry.target_id


async def send(client: SetyClient, entry: OutboxEntry) -> BaseModel:
    """Send `entry` once (with its idempotency key) and return the server's answer. A server that keeps
    when the operator acted (a control-room hub) is told `entry.created_at`, however late the send."""
    header = client.ACTED_AT_HEADER
    if header is None:
        return await _send(client, entry)
    with client.request_headers({header: entry.created_at.isoformat()}):
        return await _send(client, entry)


async def _send(client: SetyClient, entry: OutboxEntry) -> BaseModel:
    payload, kind, key = entry.payload, entry.kind, entry.idempotency_key or None
    if kind is ActionKind.CREATE_INCIDENT:  # keyed by its body's `idempotency_key`
        return await client.create_incident(CreateIncidentRequest.model_validate(payload))
    if kind is ActionKind.CANCEL_INCIDENT:
        return await client.cancel_incident(_target(entry), payload.get("reason"), idempotency_key=key)
    if kind is ActionKind.ADD_NOTE:
        return await client.add_incident_note(
            _target(entry), payload["message"], payload.get("author"), idempotency_key=key
        )
    if kind is ActionKind.CREATE_ACCESS_CODE:
        request = CreateAccessCodeRequest.model_validate(payload)
        return await client.create_access_code(request, idempotency_key=key)
    if kind is ActionKind.REVOKE_ACCESS_CODE:
        return await client.revoke_access_code(_target(entry), idempotency_key=key)
    if kind is ActionKind.CHECK_IN:
        request_log = CreateAccessLogRequest.model_validate(payload)
        return await client.create_access_log(request_log, idempotency_key=key)
    if kind is ActionKind.CHECK_OUT:
        return await client.checkout_visitor(
            _target(entry), payload.get("checkout_notes"), payload.get("checkout_gate"), idempotency_key=key
        )
    raise ValueError(f"unknown action kind {kind!r}")


async def look_on_server(client: SetyClient, entry: OutboxEntry, claimed: set[str]) -> BaseModel | None:
    """The server's copy of an action that may already have been applied, or None if it is not there."""
    since = entry.created_at - CLOCK_TOLERANCE
    if entry.kind is ActionKind.ADD_NOTE:
        return await _find_note(client, entry, since, claimed)
    if entry.kind is ActionKind.CHECK_IN:
        return await _find_check_in(client, entry, since, claimed)
    if entry.kind is ActionKind.CREATE_ACCESS_CODE:
        return await _find_access_code(client, entry, since, claimed)
    return None


async def every_page(fetch: Callable[[int], Awaitable[PaginatedResponse[T]]]) -> AsyncIterator[T]:
    """Every item of a paged list, page after page until the server says there is no more."""
    number = 1
    while True:
        page = await fetch(number)
        for item in page.data:
            yield item
        if not page.pagination.has_more or not page.data:
            return
        number += 1


async def _find_note(
    client: SetyClient, entry: OutboxEntry, since: datetime, claimed: set[str]
) -> TimelineEvent | None:
    incident = await client.get_incident(_target(entry))  # the whole timeline in one answer
    message, author = entry.payload["message"], entry.payload.get("author")
    for event in incident.timeline:
        if event.event != TimelineEventType.note_added or event.timestamp < since:
            continue
        if event.message != message or event.author != author:
            continue
        note = TimelineEvent(
            incident_id=incident.incident_id,
            event=event.event,
            message=event.message,
            author=event.author,
            timestamp=event.timestamp,
        )
        if result_key(ActionKind.ADD_NOTE, note.model_dump(mode="json")) not in claimed:
            return note
    return None


def _same_visit(log: AccessLog, payload: dict[str, Any]) -> bool:
    if log.gate != payload.get("gate"):
        return False
    if payload.get("access_code"):
        return bool(log.access_code == payload["access_code"])
    if payload.get("created_by") and log.created_by not in (None, payload["created_by"]):
        return False
    return bool(log.visitor_name == payload.get("visitor_name") and log.host_name == payload.get("host_name"))


async def _find_check_in(
    client: SetyClient, entry: OutboxEntry, since: datetime, claimed: set[str]
) -> AccessLog | None:
    gate = entry.payload.get("gate")

    def fetch(number: int) -> Awaitable[PaginatedResponse[AccessLog]]:
        return client.list_access_logs(gate=gate, from_date=since, page=number, limit=LOOKUP_PAGE)

    async for log in every_page(fetch):
        if log.checked_in_at >= since and log.log_id not in claimed and _same_visit(log, entry.payload):
            return log
    return None


async def _find_access_code(
    client: SetyClient, entry: OutboxEntry, since: datetime, claimed: set[str]
) -> AccessCode | None:
    payload = entry.payload
    wanted_until = CreateAccessCodeRequest.model_validate(payload).valid_until

    def fetch(number: int) -> Awaitable[PaginatedResponse[AccessCode]]:
        return client.list_access_codes(page=number, limit=LOOKUP_PAGE)

    async for code in every_page(fetch):  # newest `created_at` first: stop at the window's start
        if code.created_at is not None and code.created_at < since:
            return None
        if code.code_id in claimed:
            continue
        same = (code.visitor_name, code.host_name) == (payload.get("visitor_name"), payload.get("host_name"))
        if same and code.valid_until == wanted_until:
            return code
    return None
