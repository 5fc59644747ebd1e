"""Writes from workstations, forwarded to Sety exactly once, by idempotency key.

The key is the workstation's: the `idempotency_key` body field of a create, else the `Idempotency-Key`
header (the hub makes one when a workstation sends neither). A write is stored (pending) in the hub
database before it is sent; Sety gets the same key in the header (and in the create body). The answer
is stored with the key, so a workstation repeating the key gets it again (`Idempotent-Replayed: true`;
a create answers 200 with `idempotent: true`, as Sety does) and Sety sees the write once. A repeat
while the write is still on its way waits for it; the same key with another body answers 409.

The ambiguous-failure checks are done here, once, not by every workstation: after a failure that may
have reached Sety, a note, check-in or access code is looked up on Sety (`core.outbox_send.
look_on_server`) before it is sent again; pending writes are resumed after a hub restart the same way.

Several hubs may share the database: the hub delivering a write holds its lease (`write_leases`); a
repeat of the key reaching another hub waits for the answer in the database instead of sending it too,
and a write whose hub died is taken over, once its lease ran out, by whichever hub sweeps first.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError

from sety_console.api.errors import SetyError
from sety_console.api.models import CreateIncidentRequest, RequestModel
from sety_console.api.passthrough import forward
from sety_console.core.actions import ActionKind, ActionState, OutboxEntry
from sety_console.core.outbox_send import CHECKED_KINDS, look_on_server

from .db import WriteRow, now_ms
from .errors import HubError, bad_request, from_sety
from .shared_records import Actor
from .write_leases import RENEW_S, SWEEP_S, WriteLeases
from .write_results import apply_result

if TYPE_CHECKING:
    from .hub import Hub

log = logging.getLogger(__name__)

WAIT_FOR_ANSWER_S = 8.0
"""How long a workstation's request waits for Sety's answer (under the console's 10 s timeout)."""
BACKOFF_MAX_S = 30.0
ELSEWHERE_POLL_S = 0.25


@dataclass(frozen=True, slots=True)
class WriteOp:
    """One write operation of the contract, as a workstation asked for it."""

    kind: ActionKind
    target_id: str | None
    model: type[RequestModel] | None
    body_required: bool = True


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)


def parse_body(raw: bytes, op: WriteOp) -> dict[str, Any]:
    """The body validated strictly (400 naming the field), as the dict Sety will get."""
    if op.model is None:
        if raw.strip() and raw.strip() != b"{}":
            raise bad_request(None, "This operation takes no request body")
        return {}
    if not raw.strip():
        if op.body_required:
            raise HubError(400, "A JSON request body is required")
        raw = b"{}"
    try:
        return op.model.model_validate_json(raw, strict=True).body()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or None
        kind = first["type"]
        if kind == "json_invalid":
            raise HubError(400, "The request body is not valid JSON") from None
        message = "unknown field" if kind == "extra_forbidden" else str(first["msg"])
        raise bad_request(where, message.removeprefix("Value error, ")) from None


def _replayed(row: WriteRow) -> Answer:
    if row.operation == ActionKind.CREATE_INCIDENT.value and row.state == "done":
        data = json.loads(row.response)
        data["idempotent"] = True
        return Answer(200, json.dumps(data, separators=(",", ":")), {"Idempotent-Replayed": "true"})
    return Answer(row.status, row.response, {"Idempotent-Replayed": "true"})


class Writes:
    """Stores, forwards, answers and replays workstation writes."""

    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._running: dict[str, asyncio.Future[Answer]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.sent_to_sety = 0
        self.leases = WriteLeases(hub.db, hub.hub_id)

    async def submit(
        self,
        op: WriteOp,
        raw: bytes,
        *,
        operator: str,
        workstation: str,
        acted_at_ms: int | None,
        key: str | None,
    ) -> Answer:
        payload = parse_body(raw, op)
        if op.target_id is not None and op.target_id in self._hub.feed.missing_targets:
            raise HubError(404, f"{_resource(op.kind)} not found")
        if op.kind is ActionKind.CREATE_INCIDENT:
            key = payload.get("idempotency_key") or key or f"hub-{uuid.uuid4().hex}"
            payload["idempotency_key"] = key
            CreateIncidentRequest.model_validate(payload)
        key = key or f"hub-{uuid.uuid4().hex}"
        digest = hashlib.sha256(
            json.dumps([op.kind.value, op.target_id, payload], sort_keys=True).encode()
        ).hexdigest()
        row = WriteRow(
            idem_key=key,
            operation=op.kind.value,
            target_id=op.target_id or "",
            body_hash=digest,
            body=json.dumps(payload),
            state="pending",
            operator=operator,
            workstation=workstation,
            acted_at_ms=acted_at_ms or now_ms(),
        )
        existing = await asyncio.to_thread(self._insert_or_get, row)
        if existing is not None:
            if existing.body_hash != digest:
                raise HubError(409, "This Idempotency-Key was already used with a different request")
            if existing.state != "pending":
                return _replayed(existing)
        future = self._running.get(key)
        if future is None and existing is not None:
            if not await asyncio.to_thread(self.leases.take, key):
                return await self._answer_from_elsewhere(key)  # another hub is delivering it
            future = self._running.get(key) or self._start(existing, needs_check=True)
        elif future is None:
            future = self._start(row, needs_check=False)
        try:
            answer = await asyncio.wait_for(asyncio.shield(future), WAIT_FOR_ANSWER_S)
        except TimeoutError:
            raise _not_yet() from None
        return (
            answer
            if existing is None
            else Answer(answer.status, answer.body, {**answer.headers, "Idempotent-Replayed": "true"})
        )

    async def _answer_from_elsewhere(self, key: str) -> Answer:
        """Wait for the hub holding the lease to store Sety's answer (or say to ask again)."""
        deadline = asyncio.get_running_loop().time() + WAIT_FOR_ANSWER_S
        while asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(ELSEWHERE_POLL_S)
            row = await asyncio.to_thread(self._get, key)
            if row is not None and row.state != "pending":
                return _replayed(row)
        raise _not_yet()

    def _get(self, key: str) -> WriteRow | None:
        with self._hub.db.session() as session:
            return session.get(WriteRow, key)

    def _insert_or_get(self, row: WriteRow) -> WriteRow | None:
        try:
            with self._hub.db.session() as session:
                session.add(row)
                session.flush()
                self.leases.add(session, row.idem_key)
            return None
        except IntegrityError:
            with self._hub.db.session() as session:
                return session.get(WriteRow, row.idem_key)

    async def sweep(self) -> None:
        """Deliver the writes nobody delivers (a previous run's, or a dead hub's), until cancelled."""
        while True:
            try:
                orphans = await asyncio.to_thread(self.leases.orphans, set(self._running))
                for row in orphans:
                    if row.idem_key not in self._running and await asyncio.to_thread(
                        self.leases.take, row.idem_key
                    ):
                        log.info("delivering write %s left pending by an earlier run or hub", row.idem_key)
                        self._start(row, needs_check=True)
            except Exception as exc:
                log.warning("could not look for pending writes (%s)", exc)
            await asyncio.sleep(SWEEP_S)

    def _start(self, row: WriteRow, *, needs_check: bool) -> asyncio.Future[Answer]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Answer] = loop.create_future()
        self._running[row.idem_key] = future
        task = loop.create_task(self._deliver(row, future, needs_check))
        keeper = loop.create_task(self._keep_lease(row.idem_key, task))
        self._tasks |= {task, keeper}
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(lambda _: keeper.cancel())
        keeper.add_done_callback(self._tasks.discard)
        return future

    async def _keep_lease(self, key: str, delivery: asyncio.Task[None]) -> None:
        """Renew the lease while delivering; stop the delivery if another hub took it."""
        while True:
            await asyncio.sleep(RENEW_S)
            try:
                kept = await asyncio.to_thread(self.leases.renew, key)
            except Exception as exc:  # the database is away: keep going, the lease may yet hold
                log.warning("could not renew the lease of write %s (%s)", key, exc)
                continue
            if not kept:
                await asyncio.sleep(RENEW_S / 4)  # finished meanwhile? its lease went with it (and this task)
                log.warning("another hub took over write %s; this hub stops delivering it", key)
                delivery.cancel()
                return

    @property
    def in_flight(self) -> int:
        """Writes on their way to Sety now."""
        return len(self._running)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _deliver(self, row: WriteRow, future: asyncio.Future[Answer], needs_check: bool) -> None:
        kind = ActionKind(row.operation)
        attempt = 0
        try:
            while True:
                attempt += 1
                try:
                    answer = await self._attempt(row, kind, needs_check)
                except SetyError as error:
                    if error.transient or error.ambiguous or error.status in (401, 402, 429):
                        needs_check = needs_check or error.ambiguous
                        backoff = min(BACKOFF_MAX_S, 2.0**attempt / 4)
                        delay = getattr(error, "retry_after", backoff) if error.status == 429 else backoff
                        log.info(
                            "write %s to Sety failed (%s); retrying in %.1f s", row.idem_key, error, delay
                        )
                        await asyncio.sleep(max(0.25, delay))
                        continue
                    if error.status == 404 and row.target_id:
                        self._hub.feed.missing_targets.add(row.target_id)
                    hub_error = from_sety(error)
                    answer = Answer(hub_error.status, json.dumps(hub_error.body(error.request_id or "")))
                    await self._finish(row, kind, "failed", answer)
                else:
                    await self._finish(row, kind, "done", answer)
                future.set_result(answer)
                return
        finally:
            self._running.pop(row.idem_key, None)
            if not future.done():
                future.set_exception(_not_yet())
                future.exception()  # retrieved: a waiting request re-raises it, nobody else must

    async def _attempt(self, row: WriteRow, kind: ActionKind, needs_check: bool) -> Answer:
        payload = json.loads(row.body)
        if needs_check and kind in CHECKED_KINDS:
            await asyncio.sleep(self._hub.config.settle_after_ambiguous_s)
            entry = OutboxEntry(
                action_id=row.idem_key,
                kind=kind,
                payload=payload,
                target_id=row.target_id or None,
                state=ActionState.SENDING,
                created_at=datetime.fromtimestamp(row.acted_at_ms / 1000, UTC),
            )
            found = await look_on_server(self._hub.client, entry, set())
            if found is not None:
                log.info("write %s was already on Sety; not sent again", row.idem_key)
                return Answer(201, found.model_dump_json(by_alias=True))
        method, path = _route(kind, row.target_id)
        self.sent_to_sety += 1
        answer = await forward(
            self._hub.client, method, path, body=payload or None, idempotency_key=row.idem_key, retry=False
        )
        headers = {"Idempotent-Replayed": "true"} if answer.replayed else {}
        return Answer(answer.status, answer.body.decode(), headers)

    async def _finish(self, row: WriteRow, kind: ActionKind, state: str, answer: Answer) -> None:
        finished = now_ms()

        def store() -> None:
            with self._hub.db.session() as session:
                stored = session.get(WriteRow, row.idem_key)
                if stored is not None:
                    stored.state, stored.status, stored.response = state, answer.status, answer.body
                    stored.finished_at_ms = finished
                self.leases.drop(session, row.idem_key)

        await asyncio.to_thread(store)
        if state == "done":
            apply_result(self._hub.picture, kind, row.target_id, answer.body)
        detail = "" if state == "done" else f"refused by Sety: {json.loads(answer.body).get('message', '')}"
        await self._hub.shared.audit(
            _actor(row),
            kind.value,
            row.target_id or _created_id(kind, answer.body),
            detail,
            stored_at_ms=finished,
        )


def _not_yet() -> HubError:
    return HubError(
        503,
        "Sety has not confirmed this action yet; the hub keeps sending it. "
        "Repeat the request with the same Idempotency-Key to get its answer",
        headers={"Retry-After": "2"},
    )


def _actor(row: WriteRow) -> Actor:
    return Actor(row.operator, row.workstation, row.acted_at_ms)


ROUTES = {
    ActionKind.CREATE_INCIDENT: ("POST", "/incidents"),
    ActionKind.CANCEL_INCIDENT: ("POST", "/incidents/{}/cancel"),
    ActionKind.ADD_NOTE: ("POST", "/incidents/{}/notes"),
    ActionKind.CREATE_ACCESS_CODE: ("POST", "/access-codes"),
    ActionKind.REVOKE_ACCESS_CODE: ("POST", "/access-codes/{}/revoke"),
    ActionKind.CHECK_IN: ("POST", "/access-logs"),
    ActionKind.CHECK_OUT: ("PATCH", "/access-logs/{}/checkout"),
}


def _route(kind: ActionKind, target_id: str) -> tuple[str, str]:
    method, path = ROUTES[kind]
    return method, path.format(target_id)


def _resource(kind: ActionKind) -> str:
    if kind in (ActionKind.CHECK_OUT, ActionKind.CHECK_IN):
        return "Access log"
    if kind in (ActionKind.REVOKE_ACCESS_CODE, ActionKind.CREATE_ACCESS_CODE):
        return "Access code"
    return "Incident"


def _created_id(kind: ActionKind, body: str) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    if kind is ActionKind.CREATE_INCIDENT:
        return str(data.get("incident", {}).get("incident_id", ""))
    return str(data.get("log_id") or data.get("code_id") or "")
