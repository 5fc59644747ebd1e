"""The `iter_*` async iterators walk every page of every paged list, lazily, and stop when they should."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from sety_console.api import ServerError, SetyClient
from tests.api.conftest import FakeServer, Harness, reply
from tests.api.contract_check import query_parameters
from tests.contract import example, operations

HOOK = "wh_4nj8s2yv6cz0qk1m"

ITERATORS: dict[str, tuple[Callable[[SetyClient], AsyncIterator[Any]], str, dict[str, str]]] = {
    "listIncidents": (
        lambda c: c.iter_incidents(status=["created", "dispatching"], limit=2),
        "/incidents",
        {"status": "created,dispatching", "limit": "2"},
    ),
    "listAccessCodes": (
        lambda c: c.iter_access_codes(status="active"),
        "/access-codes",
        {"status": "active"},
    ),
    "listAccessLogs": (lambda c: c.iter_access_logs(gate="Main Gate"), "/access-logs", {"gate": "Main Gate"}),
    "listDangerZones": (
        lambda c: c.iter_danger_zones(lat=6.5, lng=3.4, min_risk_level="high"),
        "/danger-zones",
        {"lat": "6.5", "lng": "3.4", "min_risk_level": "high"},
    ),
    "listApiKeys": (lambda c: c.iter_api_keys(limit=1), "/api-keys", {"limit": "1"}),
    "listWebhookEndpoints": (lambda c: c.iter_webhook_endpoints(), "/webhooks", {}),
    "listWebhookDeliveries": (
        lambda c: c.iter_webhook_deliveries(HOOK, status="failed"),
        f"/webhooks/{HOOK}/deliveries",
        {"status": "failed"},
    ),
}


def _page(stem: str, number: int, has_more: bool, items: int = 2) -> dict[str, Any]:
    body: dict[str, Any] = copy.deepcopy(example(stem))
    body["data"] = (body["data"] * items)[:items]
    body["pagination"] = {"page": number, "limit": items, "total": 99, "total_pages": 9, "has_more": has_more}
    return body


def test_every_paged_operation_has_an_iterator() -> None:
    paged = {op["operationId"] for _, _, op in operations() if "page" in query_parameters(op)}
    assert paged == set(ITERATORS)


@pytest.mark.asyncio
@pytest.mark.parametrize("operation_id", sorted(ITERATORS))
async def test_iterator_walks_pages_until_has_more_is_false(
    operation_id: str, harness: Harness, server: FakeServer
) -> None:
    make, path, filters = ITERATORS[operation_id]
    stem = f"{operation_id}.response"
    server.queue(
        reply(200, _page(stem, 1, True)), reply(200, _page(stem, 2, True)), reply(200, _page(stem, 3, False))
    )
    async with harness.client() as client:
        items = [item async for item in make(client)]
    assert len(items) == 6
    assert [r.url.path for r in server.requests] == ["/v1/external" + path] * 3
    assert [dict(r.url.params) for r in server.requests] == [filters | {"page": str(n)} for n in (1, 2, 3)]


@pytest.mark.asyncio
async def test_an_empty_page_ends_the_walk_even_if_has_more(harness: Harness, server: FakeServer) -> None:
    stem = "listIncidents.response"
    server.queue(reply(200, _page(stem, 1, True)), reply(200, _page(stem, 2, True, items=0)))
    server.default = reply(500)
    async with harness.client() as client:
        items = [item async for item in client.iter_incidents()]
    assert len(items) == 2
    assert len(server.requests) == 2


@pytest.mark.asyncio
async def test_pages_are_fetched_lazily(harness: Harness, server: FakeServer) -> None:
    server.default = reply(200, _page("listIncidents.response", 1, True))
    async with harness.client() as client:
        walk = client.iter_incidents(limit=2)
        first = await anext(walk)
        assert first.incident_id
        assert len(server.requests) == 1
        await anext(walk)
        await anext(walk)
        assert len(server.requests) == 2
        await walk.aclose()  # type: ignore[attr-defined]


@pytest.mark.asyncio
async def test_an_error_mid_walk_surfaces_after_the_items_already_yielded(
    harness: Harness, server: FakeServer
) -> None:
    server.queue(reply(200, _page("listIncidents.response", 1, True)))
    server.default = lambda request: httpx.Response(503)
    got = []
    async with harness.client(retry=harness.retry(max_attempts=1)) as client:
        walk = client.iter_incidents()
        got = [await anext(walk), await anext(walk)]
        with pytest.raises(ServerError):
            await anext(walk)
    assert len(got) == 2
