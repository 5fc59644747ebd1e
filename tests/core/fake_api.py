"""An in-memory fake of the Sety API (the parts the core uses), served through `httpx.MockTransport`.

It follows the contract closely enough for the core's logic: pagination newest first, status and
`updated_since` filters (switchable off: then 400 naming the field), idempotent create, cancel 409 on
closed incidents, notes, access logs with checkout 409, current visitors, danger zones, access codes,
scopes (403), 401/402, and a per-key fixed one-minute rate window with `X-RateLimit-*` and 429.
`Idempotency-Key` is ignored unless `honours_idempotency_key` (then repeats replay the first answer).
Time comes from the test's `ManualClock`. `FaultyTransport` wraps any transport to inject failures
before or after the server acted, or to deliver a request late (after the client gave up on it).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import httpx

from sety_console.api.models import format_timestamp
from sety_console.core.clock import ManualClock

BASE_URL = "http://sety.test/v1/external"
KEY = "sety_test_" + "a" * 32
ALL_SCOPES = {"incidents:read", "incidents:write", "access:read", "access:write", "intel:read"}
ACTIVE = ("created", "dispatching", "assigned", "responding", "on_scene")


def ts(value: datetime) -> str:
    return format_timestamp(value)


@dataclass
class Window:
    limit: int
    reset_at: datetime
    used: int = 0


@dataclass
class FakeApi:
    clock: ManualClock
    rate_limit: int = 1000
    supports_updated_since: bool = True
    scopes: set[str] = field(default_factory=lambda: set(ALL_SCOPES))
    key_status: int | None = None  # 401 or 402 to refuse every request
    incidents: dict[str, dict[str, Any]] = field(default_factory=dict)
    logs: dict[str, dict[str, Any]] = field(default_factory=dict)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    zones: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    status_counts: dict[int, int] = field(default_factory=dict)
    window: Window | None = None
    honours_idempotency_key: bool = False
    keys_seen: list[tuple[str, str, str | None]] = field(default_factory=list)  # (method, path, key)
    _replays: dict[str, httpx.Response] = field(default_factory=dict)
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    # ------------------------------------------------------------------ data helpers

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids):016d}"

    def add_incident(
        self,
        *,
        severity: str = "high",
        category: str = "sos",
        status: str = "dispatching",
        created_at: datetime | None = None,
    ) -> dict[str, Any]:
        now = self.clock.now()
        created = created_at or now
        incident = {
            "incident_id": self.new_id("inc"),
            "category": category,
            "severity": severity,
            "status": status,
            "subject": {"name": "Ada"},
            "location": {"coordinates": [3.4, 6.5]},
            "timeline": [{"status": "created", "event": "created", "message": "", "timestamp": ts(created)}],
            "created_at": ts(created),
            "updated_at": ts(now),
        }
        self.incidents[incident["incident_id"]] = incident
        return incident

    def set_status(self, incident_id: str, status: str) -> None:
        incident = self.incidents[incident_id]
        incident["status"] = status
        incident["updated_at"] = ts(self.clock.now())
        incident["timeline"].append(
            {"status": status, "event": status, "message": "", "timestamp": ts(self.clock.now())}
        )

    def notes(self, incident_id: str) -> list[dict[str, Any]]:
        return [e for e in self.incidents[incident_id]["timeline"] if e["event"] == "note_added"]

    def count(self, method: str, prefix: str) -> int:
        return sum(1 for m, p in self.requests if m == method and p.startswith(prefix))

    # ------------------------------------------------------------------ HTTP

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/v1/external")
        self.requests.append((request.method, path))
        key = request.headers.get("Idempotency-Key")
        if request.method != "GET":
            self.keys_seen.append((request.method, path, key))
        if key and self.honours_idempotency_key and key in self._replays:
            stored = self._replays[key]
            response = httpx.Response(
                stored.status_code, content=stored.content, headers={"Idempotent-Replayed": "true"}
            )
        else:
            response = self._dispatch(request, path)
            if key and self.honours_idempotency_key and response.is_success:
                self._replays[key] = response
        self.status_counts[response.status_code] = self.status_counts.get(response.status_code, 0) + 1
        return response

    def _dispatch(self, request: httpx.Request, path: str) -> httpx.Response:
        if self.key_status:
            return self.error(self.key_status, "key refused")
        headers = self._rate()
        if headers is None:
            return self.error(429, "Too many requests", headers={**self._rate_headers(), "Retry-After": "5"})
        route = self._route(request.method, path)
        if route is None:
            return self.error(404, f"no route {path}", headers=headers)
        handler, scope, arg = route
        if scope not in self.scopes:
            return self.error(403, f"missing scope {scope}", headers=headers)
        query = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        body = json.loads(request.content) if request.content else {}
        response = handler(arg, query, body)
        response.headers.update(headers)
        return response

    def _route(self, method: str, path: str) -> tuple[Callable[..., httpx.Response], str, str] | None:
        parts = path.strip("/").split("/")
        table: dict[tuple[str, str], tuple[Callable[..., httpx.Response], str]] = {
            ("GET", "incidents"): (self.list_incidents, "incidents:read"),
            ("POST", "incidents"): (self.create_incident, "incidents:write"),
            ("GET", "incidents/*"): (self.get_incident, "incidents:read"),
            ("POST", "incidents/*/cancel"): (self.cancel, "incidents:write"),
            ("POST", "incidents/*/notes"): (self.add_note, "incidents:write"),
            ("GET", "access-logs"): (self.list_logs, "access:read"),
            ("POST", "access-logs"): (self.check_in, "access:write"),
            ("GET", "access-logs/current"): (self.current, "access:read"),
            ("PATCH", "access-logs/*/checkout"): (self.checkout, "access:write"),
            ("GET", "danger-zones"): (self.list_zones, "intel:read"),
            ("POST", "access-codes"): (self.create_code, "access:write"),
            ("GET", "access-codes"): (self.list_codes, "access:read"),
            ("POST", "access-codes/*/revoke"): (self.revoke, "access:write"),
        }
        arg = ""
        if len(parts) >= 2 and parts[1] not in ("current",):
            arg, parts = parts[1], [parts[0], "*", *parts[2:]]
        found = table.get((method, "/".join(parts)))
        return (found[0], found[1], arg) if found else None

    def _rate(self) -> dict[str, str] | None:
        now = self.clock.now()
        if self.window is None or now >= self.window.reset_at:
            start = now.replace(second=0, microsecond=0)
            self.window = Window(self.rate_limit, start + timedelta(minutes=1))
        if self.window.used >= self.window.limit:
            return None
        self.window.used += 1
        return self._rate_headers()

    def _rate_headers(self) -> dict[str, str]:
        assert self.window is not None
        return {
            "X-RateLimit-Limit": str(self.window.limit),
            "X-RateLimit-Remaining": str(max(0, self.window.limit - self.window.used)),
            "X-RateLimit-Reset": ts(self.window.reset_at),
        }

    @staticmethod
    def error(
        status: int, message: str, *, field: str | None = None, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        body = {"code": status, "message": message, "field": field, "request_id": "req_test"}
        return httpx.Response(status, json=body, headers=headers or {})

    # ------------------------------------------------------------------ incidents

    def list_incidents(self, _: str, query: dict[str, str], __: Any) -> httpx.Response:
        if "updated_since" in query and not self.supports_updated_since:
            return self.error(400, "Unknown query parameter updated_since", field="updated_since")
        items = list(self.incidents.values())
        if "status" in query:
            wanted = set(query["status"].split(","))
            items = [i for i in items if i["status"] in wanted]
        if "updated_since" in query:
            since = datetime.fromisoformat(query["updated_since"])
            items = [i for i in items if datetime.fromisoformat(i["updated_at"]) >= since]
        if "from_date" in query:
            since = datetime.fromisoformat(query["from_date"])
            items = [i for i in items if datetime.fromisoformat(i["created_at"]) >= since]
        items.sort(key=lambda i: (i["created_at"], i["incident_id"]), reverse=True)
        return self.page(items, query)

    @staticmethod
    def page(items: list[dict[str, Any]], query: dict[str, str]) -> httpx.Response:
        page, limit = int(query.get("page", 1)), int(query.get("limit", 20))
        chunk = items[(page - 1) * limit : page * limit]
        total_pages = max(1, -(-len(items) // limit))
        pagination = {
            "page": page,
            "limit": limit,
            "total": len(items),
            "total_pages": total_pages,
            "has_more": page < total_pages,
        }
        return httpx.Response(200, json={"data": chunk, "pagination": pagination})

    def get_incident(self, incident_id: str, *_: Any) -> httpx.Response:
        incident = self.incidents.get(incident_id)
        return httpx.Response(200, json=incident) if incident else self.error(404, "Incident not found")

    def create_incident(self, _: str, __: Any, body: dict[str, Any]) -> httpx.Response:
        key = body.get("idempotency_key")
        for incident in self.incidents.values():
            if key and incident.get("idempotency_key") == key:
                return httpx.Response(200, json={"incident": incident, "idempotent": True})
        incident = self.add_incident(
            severity=body.get("severity", "high"), category=body["category"], status="created"
        )
        incident["idempotency_key"] = key
        return httpx.Response(201, json={"incident": incident, "idempotent": False})

    def cancel(self, incident_id: str, _: Any, body: dict[str, Any]) -> httpx.Response:
        incident = self.incidents.get(incident_id)
        if incident is None:
            return self.error(404, "Incident not found")
        if incident["status"] not in ACTIVE:
            return self.error(409, f"Incident is already {incident['status']}")
        self.set_status(incident_id, "cancelled")
        incident["resolution_notes"] = body.get("reason")
        return httpx.Response(200, json=incident)

    def add_note(self, incident_id: str, _: Any, body: dict[str, Any]) -> httpx.Response:
        incident = self.incidents.get(incident_id)
        if incident is None:
            return self.error(404, "Incident not found")
        now = ts(self.clock.now())
        event = {
            "status": incident["status"],
            "event": "note_added",
            "message": body["message"],
            "author": body.get("author"),
            "timestamp": now,
        }
        incident["timeline"].append(event)
        incident["updated_at"] = now
        return httpx.Response(201, json={**event, "event_id": self.new_id("evt"), "incident_id": incident_id})

    # ------------------------------------------------------------------ access

    def check_in(self, _: str, __: Any, body: dict[str, Any]) -> httpx.Response:
        log = {
            "log_id": self.new_id("log"),
            "status": "checked_in",
            "checked_in_at": ts(self.clock.now()),
            "method": "manual",
            **body,
        }
        self.logs[log["log_id"]] = log
        return httpx.Response(201, json=log)

    def list_logs(self, _: str, query: dict[str, str], __: Any) -> httpx.Response:
        items = sorted(self.logs.values(), key=lambda log: log["checked_in_at"], reverse=True)
        if "gate" in query:
            items = [log for log in items if log["gate"] == query["gate"]]
        return self.page(items, query)

    def current(self, *_: Any) -> httpx.Response:
        inside = [log for log in self.logs.values() if log["status"] == "checked_in"]
        return httpx.Response(200, json={"data": inside, "total": len(inside)})

    def checkout(self, log_id: str, _: Any, body: dict[str, Any]) -> httpx.Response:
        log = self.logs.get(log_id)
        if log is None:
            return self.error(404, "Visit not found")
        if log["status"] != "checked_in":
            return self.error(409, "Visitor already checked out")
        log.update(status="checked_out", checked_out_at=ts(self.clock.now()), **body)
        return httpx.Response(200, json=log)

    def list_zones(self, _: str, query: dict[str, str], __: Any) -> httpx.Response:
        return self.page(self.zones, query)

    def create_code(self, _: str, __: Any, body: dict[str, Any]) -> httpx.Response:
        code = {
            "code_id": self.new_id("acc"),
            "code": "123456",
            "status": "active",
            "created_at": ts(self.clock.now()),
            **body,
        }
        self.codes[code["code_id"]] = code
        return httpx.Response(201, json=code)

    def list_codes(self, _: str, query: dict[str, str], __: Any) -> httpx.Response:
        return self.page(sorted(self.codes.values(), key=lambda c: c["created_at"], reverse=True), query)

    def revoke(self, code_id: str, *_: Any) -> httpx.Response:
        code = self.codes.get(code_id)
        if code is None:
            return self.error(404, "Access code not found")
        if code["status"] != "active":
            return self.error(409, "Access code is not active")
        code["status"] = "revoked"
        return httpx.Response(200, json=code)


@dataclass
class Fault:
    """One injected failure: `when` is "before" (the server never sees it) or "after" (it acted)."""

    when: str
    kind: str  # timeout | reset | 500 | 429 | malformed | connect


class FaultyTransport(httpx.AsyncBaseTransport):
    """Wraps a transport; the next matching requests fail as scripted by `faults`.

    Kind "late" (when "before"): the client times out at once, and the request reaches the server
    only `late_by` seconds later on the manual clock (`deliver_late()` hands it over when due).
    """

    def __init__(
        self, handler: Callable[[httpx.Request], httpx.Response], clock: ManualClock | None = None
    ) -> None:
        self._handler = handler
        self._clock = clock
        self.faults: list[tuple[str, Fault]] = []  # (method+path prefix, fault)
        self.late_by = 0.0
        self.in_flight: list[tuple[datetime, httpx.Request]] = []

    def deliver_late(self) -> int:
        """Hand the held requests whose time has come to the server; returns how many."""
        assert self._clock is not None
        due = [r for at, r in self.in_flight if at <= self._clock.now()]
        self.in_flight = [(at, r) for at, r in self.in_flight if at > self._clock.now()]
        for request in due:
            self._handler(request)
        return len(due)

    def inject(self, match: str, when: str, kind: str, times: int = 1) -> None:
        self.faults.extend((match, Fault(when, kind)) for _ in range(times))

    def _take(self, request: httpx.Request) -> Fault | None:
        key = f"{request.method} {request.url.path.removeprefix('/v1/external')}"
        for index, (match, fault) in enumerate(self.faults):
            if key.startswith(match):
                del self.faults[index]
                return fault
        return None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        fault = self._take(request)
        if fault and fault.kind == "late":
            assert self._clock is not None
            self.in_flight.append((self._clock.now() + timedelta(seconds=self.late_by), request))
            raise httpx.ReadTimeout("timed out (the request is still on its way)", request=request)
        if fault and fault.when == "before":
            self._raise(fault, request)
            return self._status(fault)
        response = self._handler(request)
        if fault:  # the server acted; the answer is lost or mangled
            self._raise(fault, request)
            if fault.kind == "malformed":
                return httpx.Response(response.status_code, content=b"{not json", headers=response.headers)
            return self._status(fault)
        return response

    @staticmethod
    def _raise(fault: Fault, request: httpx.Request) -> None:
        if fault.kind == "timeout":
            raise httpx.ReadTimeout("timed out", request=request)
        if fault.kind == "reset":
            raise httpx.RemoteProtocolError("connection reset", request=request)
        if fault.kind == "connect":
            raise httpx.ConnectError("refused", request=request)

    @staticmethod
    def _status(fault: Fault) -> httpx.Response:
        if fault.kind == "429":
            return httpx.Response(
                429, json={"code": 429, "message": "slow down"}, headers={"Retry-After": "3"}
            )
        return httpx.Response(502, content=b"<html>Bad gateway</html>")
