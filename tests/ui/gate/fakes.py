"""An in-memory `GateSession` for fast widget tests: the contract's access rules and a small outbox.

It behaves like the sandbox for the access operations (validation precedence, uses, 409 on a second
checkout, filters on the log) and like the core's outbox (PENDING → SENDING → DONE / FAILED, retried
while the server is "unreachable", each action applied once).
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sety_console.api.errors import ConflictError, NotFoundError, SetyConnectError, SetyError
from sety_console.api.models import (
    AccessCode,
    AccessCodePage,
    AccessCodeStatus,
    AccessLog,
    AccessLogMethod,
    AccessLogPage,
    AccessLogStats,
    AccessLogStatus,
    CreateAccessCodeRequest,
    CreateAccessLogRequest,
    CurrentVisitor,
    DayVisits,
    GateVisits,
    HourVisits,
    Pagination,
    ValidationReason,
    ValidationResult,
)
from sety_console.core.actions import ActionKind, ActionState, OutboxEntry
from sety_console.core.changes import ChangeSet
from sety_console.core.events import Event
from sety_console.core.stores import visitor_from_log


class FakeVisitorStore:
    """The core's VisitorStore, reduced to what the gate reads."""

    def __init__(self) -> None:
        self.by_id: dict[str, CurrentVisitor] = {}

    def values(self) -> Iterable[CurrentVisitor]:
        return list(self.by_id.values())

    def get(self, log_id: str, /) -> CurrentVisitor | None:
        return self.by_id.get(log_id)


class FakeGateSession:
    """Satisfies `sety_console.ui.gate.gate_session.GateSession` with data in memory."""

    def __init__(self, now: datetime | None = None, *, auto_deliver: bool = True) -> None:
        self.now = now or datetime.now(UTC)
        self.auto_deliver = auto_deliver
        self.online = True
        self.read_delay = 0.0
        self.codes: dict[str, AccessCode] = {}
        self.logs: dict[str, AccessLog] = {}
        self.visitors = FakeVisitorStore()
        self.visitors_changed: Event[ChangeSet] = Event()
        self.outbox_changed: Event[OutboxEntry] = Event()
        self.outbox: dict[str, OutboxEntry] = {}
        self.sent: list[tuple[ActionKind, dict[str, Any]]] = []
        self.list_calls: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self._random = random.Random(7)

    # ------------------------------------------------------------------ reads

    async def _read(self) -> None:
        await asyncio.sleep(self.read_delay)
        if not self.online:
            raise SetyConnectError("Could not connect to the Sety API (connection refused)")

    async def validate_access_code(self, code: str) -> ValidationResult:
        await self._read()
        found = next((c for c in self.codes.values() if c.code == code), None)
        return ValidationResult(
            valid=self._reason(found) is ValidationReason.ok,
            reason=self._reason(found),
            access_code=self._current(found) if found else None,
            checked_at=self.now,
        )

    def _current(self, code: AccessCode) -> AccessCode:
        """The code as the server reports it now: an active code past its window reads `expired`."""
        if code.status is AccessCodeStatus.active and code.valid_until and code.valid_until < self.now:
            return code.model_copy(update={"status": AccessCodeStatus.expired})
        return code

    def _reason(self, code: AccessCode | None) -> ValidationReason:
        if code is None:
            return ValidationReason.not_found
        if code.status is AccessCodeStatus.revoked:
            return ValidationReason.revoked
        if code.uses >= code.max_uses:
            return ValidationReason.used
        if code.valid_until and code.valid_until < self.now:
            return ValidationReason.expired
        if code.valid_from and code.valid_from > self.now:
            return ValidationReason.not_yet_valid
        return ValidationReason.ok

    async def list_access_codes(
        self, *, status: list[str] | None = None, page: int = 1, limit: int = 50
    ) -> AccessCodePage:
        await self._read()
        rows = [self._current(c) for c in self.codes.values()]
        rows = [c for c in rows if not status or c.status.value in status]
        rows.sort(key=lambda c: c.created_at or self.now, reverse=True)
        return AccessCodePage(data=_page(rows, page, limit), pagination=_pagination(len(rows), page, limit))

    async def list_access_logs(
        self,
        *,
        status: AccessLogStatus | None = None,
        gate: str | None = None,
        from_date: date | None = None,
        to_date: date | None = None,
        search: str | None = None,
        page: int = 1,
        limit: int = 50,
    ) -> AccessLogPage:
        await self._read()
        self.list_calls.append(
            {"status": status, "gate": gate, "from_date": from_date, "to_date": to_date, "search": search}
            | {"page": page, "limit": limit}
        )
        rows = [
            log for log in self.logs.values() if _log_matches(log, status, gate, from_date, to_date, search)
        ]
        rows.sort(key=lambda log: log.checked_in_at, reverse=True)
        return AccessLogPage(data=_page(rows, page, limit), pagination=_pagination(len(rows), page, limit))

    async def access_log_stats(
        self, *, from_date: date | None = None, to_date: date | None = None, gate: str | None = None
    ) -> AccessLogStats:
        await self._read()
        start = from_date or (self.now - timedelta(days=30)).date()
        end = to_date or self.now.date()
        logs = [log for log in self.logs.values() if _log_matches(log, None, gate, start, end, None)]
        return _stats(logs, start, end, len(self.visitors.by_id))

    # ------------------------------------------------------------------ outbox

    async def create_access_code(self, request: CreateAccessCodeRequest) -> OutboxEntry:
        return self._submit(ActionKind.CREATE_ACCESS_CODE, request.body(), None)

    async def revoke_access_code(self, code_id: str) -> OutboxEntry:
        return self._submit(ActionKind.REVOKE_ACCESS_CODE, {}, code_id)

    async def check_in(self, request: CreateAccessLogRequest) -> OutboxEntry:
        return self.queue_check_in(request)

    def queue_check_in(self, request: CreateAccessLogRequest) -> OutboxEntry:
        """`check_in` without awaiting (as if saved at once): for tests that script the outbox."""
        request = request.model_copy(update={"created_by": "guard on duty"})
        return self._submit(ActionKind.CHECK_IN, request.body(), None)

    async def check_out(self, log_id: str, notes: str | None = None, gate: str | None = None) -> OutboxEntry:
        payload = {k: v for k, v in (("checkout_notes", notes), ("checkout_gate", gate)) if v}
        return self._submit(ActionKind.CHECK_OUT, payload, log_id)

    def pending_for(self, target_id: str) -> list[OutboxEntry]:
        return [e for e in self.outbox.values() if e.target_id == target_id and e.is_open]

    def _submit(self, kind: ActionKind, payload: dict[str, Any], target: str | None) -> OutboxEntry:
        entry = OutboxEntry(f"act_{next(self._ids)}", kind, payload, target, ActionState.PENDING, self.now)
        self._store(entry)
        if self.auto_deliver:
            asyncio.get_event_loop().call_soon(self.deliver, entry.action_id)
        return entry

    def _store(self, entry: OutboxEntry) -> None:
        self.outbox[entry.action_id] = entry
        self.outbox_changed.emit(entry)

    def deliver(self, action_id: str) -> None:
        """One send attempt, as the core's outbox makes it."""
        entry = self.outbox[action_id]
        if not entry.is_open:
            return
        self._store(replace(entry, state=ActionState.SENDING, attempts=entry.attempts + 1))
        entry = self.outbox[action_id]
        if not self.online:
            self._store(replace(entry, state=ActionState.PENDING, error="Could not connect to the Sety API"))
            return
        try:
            result = self._apply(entry)
        except ConflictError as error:
            # as the core's outbox: a visit already out / a code no longer active means the intent holds
            done = entry.kind in (ActionKind.CHECK_OUT, ActionKind.REVOKE_ACCESS_CODE)
            state, message = (
                (ActionState.DONE, f"Already done on the server: {error.message}")
                if done
                else (
                    ActionState.FAILED,
                    str(error),
                )
            )
            self._store(replace(entry, state=state, error=message))
            return
        except SetyError as error:
            self._store(replace(entry, state=ActionState.FAILED, error=str(error)))
            return
        self.sent.append((entry.kind, entry.payload))
        self._store(replace(entry, state=ActionState.DONE, error=None, result=result))

    def deliver_all(self) -> None:
        """Retry every open action (what the core does when the server answers again)."""
        for action_id in [a for a, e in self.outbox.items() if e.is_open]:
            self.deliver(action_id)

    # ------------------------------------------------------------------ the "server"

    def _apply(self, entry: OutboxEntry) -> dict[str, Any]:
        if entry.kind is ActionKind.CHECK_IN:
            return self._apply_check_in(entry.payload).model_dump(mode="json")
        if entry.kind is ActionKind.CHECK_OUT:
            assert entry.target_id is not None
            return self._apply_check_out(entry.target_id, entry.payload).model_dump(mode="json")
        if entry.kind is ActionKind.CREATE_ACCESS_CODE:
            request = CreateAccessCodeRequest.model_validate(entry.payload)
            return self.add_code(**request.model_dump(exclude_none=True)).model_dump(mode="json")
        if entry.kind is ActionKind.REVOKE_ACCESS_CODE:
            assert entry.target_id is not None
            return self._apply_revoke(entry.target_id).model_dump(mode="json")
        raise AssertionError(entry.kind)

    def _apply_check_in(self, payload: dict[str, Any]) -> AccessLog:
        fields = dict(payload)
        code_text = fields.pop("access_code", None)
        method = AccessLogMethod(fields.pop("method", "manual"))
        if code_text is not None:
            code = next((c for c in self.codes.values() if c.code == code_text), None)
            reason = self._reason(code)
            if code is None or reason is not ValidationReason.ok:
                raise SetyError(f"Access code not valid: {reason.value}", status=400, field="access_code")
            self.codes[code.code_id] = code.model_copy(update=_used(code))
            fields = {"visitor_name": code.visitor_name, "host_name": code.host_name} | fields
            fields.setdefault("host_unit", code.host_unit)
            fields.setdefault("visitor_phone", code.visitor_phone)
            method = AccessLogMethod.access_code
        return self.add_log(access_code=code_text, method=method, **fields)

    def _apply_check_out(self, log_id: str, payload: dict[str, Any]) -> AccessLog:
        log = self.logs.get(log_id)
        if log is None:
            raise NotFoundError("Access log not found", status=404)
        if log.status is AccessLogStatus.checked_out:
            raise ConflictError("Visitor already checked out", status=409)
        minutes = (self.now - log.checked_in_at).total_seconds() / 60
        updated = log.model_copy(
            update={
                "status": AccessLogStatus.checked_out,
                "checked_out_at": self.now,
                "duration_minutes": round(minutes, 1),
                "checkout_notes": payload.get("checkout_notes"),
                "checkout_gate": payload.get("checkout_gate"),
            }
        )
        self.logs[log_id] = updated
        self.visitors.by_id.pop(log_id, None)
        self.visitors_changed.emit(ChangeSet(removed=(log_id,)))
        return updated

    def _apply_revoke(self, code_id: str) -> AccessCode:
        code = self.codes.get(code_id)
        if code is None:
            raise NotFoundError("Access code not found", status=404)
        if code.status is not AccessCodeStatus.active:
            raise ConflictError(f"Access code is already {code.status.value}", status=409)
        self.codes[code_id] = code.model_copy(update={"status": AccessCodeStatus.revoked})
        return self.codes[code_id]

    # ------------------------------------------------------------------ data builders

    def add_code(self, **fields: Any) -> AccessCode:
        """An access code as the server would store it (6 unique digits unless `code` is given)."""
        code_id = f"acc_{next(self._ids):016d}"
        digits = fields.pop("code", None) or f"{self._random.randrange(100000, 999999)}"
        defaults = {
            "valid_from": self.now,
            "valid_until": self.now + timedelta(hours=8),
            "created_at": self.now,
        }
        code = AccessCode(code_id=code_id, code=digits, **(defaults | fields))
        self.codes[code_id] = code
        return code

    def add_log(self, *, inside: bool = True, **fields: Any) -> AccessLog:
        """An access log; a visitor still inside also enters the visitors store (and the change set)."""
        log_id = f"log_{next(self._ids):016d}"
        fields.setdefault("checked_in_at", self.now)
        fields.setdefault("gate", "Main Gate")
        log = AccessLog(log_id=log_id, **fields)
        self.logs[log_id] = log
        if inside and log.status is AccessLogStatus.checked_in:
            self.visitors.by_id[log_id] = self._visitor(log)
            self.visitors_changed.emit(ChangeSet(added=(log_id,)))
        return log

    def _visitor(self, log: AccessLog) -> CurrentVisitor:
        """The core's row for a check-in, plus what the server adds: the code's window and overstay."""
        code = next((c for c in self.codes.values() if log.access_code and c.code == log.access_code), None)
        until = code.valid_until if code else None
        row = visitor_from_log(log, self.now)
        return row.model_copy(update={"expected_until": until, "overstay": bool(until and until < self.now)})


def _used(code: AccessCode) -> dict[str, Any]:
    uses = code.uses + 1
    return {"uses": uses, "status": AccessCodeStatus.used if uses >= code.max_uses else code.status}


def _log_matches(
    log: AccessLog,
    status: AccessLogStatus | None,
    gate: str | None,
    from_date: date | None,
    to_date: date | None,
    search: str | None,
) -> bool:
    day = log.checked_in_at.astimezone(UTC).date()
    needle = (search or "").lower()
    haystack = " ".join(filter(None, (log.visitor_name, log.visitor_phone, log.vehicle_plate))).lower()
    return (
        (status is None or log.status is status)
        and (gate is None or log.gate == gate)
        and (from_date is None or day >= from_date)
        and (to_date is None or day <= to_date)
        and needle in haystack
    )


def _page(rows: list[Any], page: int, limit: int) -> list[Any]:
    return rows[(page - 1) * limit : page * limit]


def _pagination(total: int, page: int, limit: int) -> Pagination:
    pages = (total + limit - 1) // limit
    return Pagination(page=page, limit=limit, total=total, total_pages=pages, has_more=page < pages)


def _stats(logs: list[AccessLog], start: date, end: date, inside: int) -> AccessLogStats:
    hours = Counter(log.checked_in_at.astimezone(UTC).hour for log in logs)
    days = Counter(log.checked_in_at.astimezone(UTC).date() for log in logs)
    gates = Counter(log.gate for log in logs)
    durations = [log.duration_minutes for log in logs if log.duration_minutes is not None]
    span = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    return AccessLogStats(
        total_visits=len(logs),
        currently_inside=inside,
        average_duration_minutes=sum(durations) / len(durations) if durations else None,
        overstays=sum(1 for log in logs if (log.duration_minutes or 0) > 240),
        by_gate=[GateVisits(gate=g, visits=n) for g, n in gates.most_common()],
        by_hour=[HourVisits(hour=h, visits=hours[h]) for h in range(24)],
        by_day=[DayVisits(date=d, visits=days[d]) for d in span],
        busiest_hour=max(range(24), key=lambda h: hours[h]) if logs else None,
    )
