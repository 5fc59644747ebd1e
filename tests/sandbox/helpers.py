"""Helpers shared by the sandbox tests: the harness object, request bodies, a webhook receiver."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI

from sety_console.sandbox.runtime import Sandbox

START = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
PREFIX = "/v1/external"
ROLES = ("operator", "guard", "supervisor", "admin", "other_org")


class WebhookReceiver:
    """An `httpx.MockTransport` standing in for a customer's webhook endpoint.

    `statuses` is consumed one per request (then 200); every request is recorded with its raw body.
    """

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.statuses: list[int] = []
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status = self.statuses.pop(0) if self.statuses else 200
        return httpx.Response(status, json={"ok": status < 300})

    def events(self) -> list[str]:
        return [r.headers["X-Sety-Event"] for r in self.requests]

    def payloads(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]


@dataclass
class Harness:
    """A running in-process sandbox and an HTTP client for it."""

    app: FastAPI
    sandbox: Sandbox
    client: httpx.AsyncClient
    keys: dict[str, str]
    receiver: WebhookReceiver
    created: list[str] = field(default_factory=list)

    @property
    def clock(self) -> Any:
        return self.sandbox.clock

    def auth(self, role: str = "admin") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}

    async def call(self, method: str, path: str, role: str | None = "admin", **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if role is not None:
            headers.update(self.auth(role))
        return await self.client.request(method, path, headers=headers, **kwargs)

    async def create_incident(self, role: str = "operator", **fields: Any) -> dict[str, Any]:
        response = await self.call("POST", "/incidents", role, json=incident_body(**fields))
        assert response.status_code == 201, response.text
        incident: dict[str, Any] = response.json()["incident"]
        return incident

    async def get_incident(self, incident_id: str, role: str = "operator") -> dict[str, Any]:
        response = await self.call("GET", f"/incidents/{incident_id}", role)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def drain_webhooks(self) -> None:
        await self.sandbox.webhooks.drain()


def incident_body(**fields: Any) -> dict[str, Any]:
    """A valid Create incident body in Ikoyi; keyword arguments replace or add fields."""
    body: dict[str, Any] = {
        "category": "sos",
        "severity": "critical",
        "subject": {"name": "Amaka Obi", "phone": "+2348012345678", "reference": "USER-9921"},
        "location": {"coordinates": [3.4219, 6.4281], "address": "14 Bourdillon Road, Ikoyi, Lagos"},
    }
    body.update(fields)
    return body


def code_body(**fields: Any) -> dict[str, Any]:
    """A valid Create access code body, valid from START until the next day."""
    body: dict[str, Any] = {
        "visitor_name": "Emeka Eze",
        "visitor_phone": "+2348098765432",
        "host_name": "Bisi Adeyemi",
        "host_unit": "Block C, Flat 4",
        "purpose": "Family visit",
        "valid_until": "2026-03-11T18:00:00.000Z",
        "gate": "Main Gate",
    }
    body.update(fields)
    return body


def statuses(incident: dict[str, Any]) -> list[str]:
    """The timeline's status-change events, in order."""
    changes = {"created", "dispatching", "assigned", "responding", "on_scene", "resolved", "cancelled"}
    return [e["event"] for e in incident["timeline"] if e["event"] in changes]
