"""`Idempotency-Key` on the sandbox, as the contract's rules for servers say: a repeat answers the first
answer with `Idempotent-Replayed: true` and acts no further, another request on the same key answers
409, concurrent repeats never act twice, the record is kept with the write; and a switch to ignore
the header (a server that does not know it). Runs on SQLite and, in `.ci/run`, on PostgreSQL."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from sety_console.sandbox.idempotency import KeyedRepeat, KeyedWrite, claim, remember
from sety_console.sandbox.tables import AccessCodeRow, AccessLogRow, IdempotencyRow

from .conftest import MakeHarness
from .helpers import Harness, code_body

pytestmark = pytest.mark.asyncio

KEY = "4f1c2a0e-6d1b-4b7e-9a51-0c3c2f6b8d11"


@dataclass
class Keyed:
    """One keyed write: how to prepare its target, send it, and count its effect on the server."""

    prepare: Callable[[Harness], Awaitable[str]]
    send: Callable[[Harness, str, str], Awaitable[httpx.Response]]
    effect: Callable[[Harness, str], Awaitable[int]]


async def _incident(h: Harness) -> str:
    return str((await h.create_incident())["incident_id"])


async def _code(h: Harness) -> str:
    response = await h.call("POST", "/access-codes", "guard", json=code_body())
    return str(response.json()["code_id"])


async def _visit(h: Harness) -> str:
    body = {"visitor_name": "Ada", "host_name": "Bisi", "gate": "Main Gate"}
    response = await h.call("POST", "/access-logs", "guard", json=body)
    return str(response.json()["log_id"])


async def _nothing(h: Harness) -> str:
    return ""


def _headers(key: str) -> dict[str, str]:
    return {"Idempotency-Key": key}


async def _notes(h: Harness, incident_id: str) -> int:
    incident = await h.get_incident(incident_id)
    return sum(1 for e in incident["timeline"] if e["event"] == "note_added")


async def _cancelled(h: Harness, incident_id: str) -> int:
    incident = await h.get_incident(incident_id)
    return sum(1 for e in incident["timeline"] if e["event"] == "cancelled")


def _rows(table: Any) -> Callable[[Harness, str], Awaitable[int]]:
    async def count(h: Harness, _target: str) -> int:
        with h.sandbox.db.session() as session:
            return int(session.scalar(select(func.count()).select_from(table)) or 0)

    return count


async def _api_keys(h: Harness, _target: str) -> int:
    return int((await h.call("GET", "/api-keys")).json()["pagination"]["total"])


async def _webhooks(h: Harness, _target: str) -> int:
    return int((await h.call("GET", "/webhooks")).json()["pagination"]["total"])


async def _revoked(h: Harness, code_id: str) -> int:
    with h.sandbox.db.session() as session:
        row = session.get(AccessCodeRow, code_id)
        return 0 if row is None or row.revoked_at_ms is None else 1


async def _checked_out(h: Harness, log_id: str) -> int:
    with h.sandbox.db.session() as session:
        row = session.get(AccessLogRow, log_id)
        return 0 if row is None or row.checked_out_at_ms is None else 1


WRITES: dict[str, Keyed] = {
    "addIncidentNote": Keyed(
        _incident,
        lambda h, t, k: h.call(
            "POST", f"/incidents/{t}/notes", "operator", json={"message": "On my way"}, headers=_headers(k)
        ),
        _notes,
    ),
    "cancelIncident": Keyed(
        _incident,
        lambda h, t, k: h.call(
            "POST", f"/incidents/{t}/cancel", "operator", json={"reason": "test"}, headers=_headers(k)
        ),
        _cancelled,
    ),
    "createAccessCode": Keyed(
        _nothing,
        lambda h, t, k: h.call("POST", "/access-codes", "guard", json=code_body(), headers=_headers(k)),
        _rows(AccessCodeRow),
    ),
    "revokeAccessCode": Keyed(
        _code,
        lambda h, t, k: h.call("POST", f"/access-codes/{t}/revoke", "guard", headers=_headers(k)),
        _revoked,
    ),
    "createAccessLog": Keyed(
        _nothing,
        lambda h, t, k: h.call(
            "POST",
            "/access-logs",
            "guard",
            json={"visitor_name": "Ada", "host_name": "Bisi", "gate": "Main Gate"},
            headers=_headers(k),
        ),
        _rows(AccessLogRow),
    ),
    "checkoutVisitor": Keyed(
        _visit,
        lambda h, t, k: h.call(
            "PATCH",
            f"/access-logs/{t}/checkout",
            "guard",
            json={"checkout_notes": "bye"},
            headers=_headers(k),
        ),
        _checked_out,
    ),
    "createApiKey": Keyed(
        _nothing,
        lambda h, t, k: h.call(
            "POST",
            "/api-keys",
            json={"name": "Night desk", "scopes": ["incidents:read"]},
            headers=_headers(k),
        ),
        _api_keys,
    ),
    "createWebhookEndpoint": Keyed(
        _nothing,
        lambda h, t, k: h.call(
            "POST",
            "/webhooks",
            json={"url": "https://example.com/hook", "events": ["incident.*"]},
            headers=_headers(k),
        ),
        _webhooks,
    ),
}


@pytest.mark.parametrize("operation_id", sorted(WRITES))
async def test_a_repeat_answers_the_first_answer_and_acts_no_further(
    operation_id: str, harness: Harness
) -> None:
    write = WRITES[operation_id]
    target = await write.prepare(harness)
    before = await write.effect(harness, target)
    first = await write.send(harness, target, KEY)
    assert first.status_code in (200, 201), first.text
    assert "Idempotent-Replayed" not in first.headers
    after_first = await write.effect(harness, target)
    again = await write.send(harness, target, KEY)
    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "X-RateLimit-Remaining" in again.headers
    assert await write.effect(harness, target) == after_first == before + 1


@pytest.mark.parametrize("operation_id", sorted(WRITES))
async def test_ignored_header_acts_like_a_server_that_does_not_know_it(
    operation_id: str, make_harness: MakeHarness
) -> None:
    harness = await make_harness(honour_idempotency_key=False)
    write = WRITES[operation_id]
    target = await write.prepare(harness)
    first = await write.send(harness, target, KEY)
    again = await write.send(harness, target, KEY)
    assert "Idempotent-Replayed" not in again.headers
    if operation_id in ("cancelIncident", "revokeAccessCode", "checkoutVisitor"):
        assert again.status_code == 409  # the second try acted on the new state
    else:
        assert again.content != first.content  # acted twice
    malformed = await write.send(harness, target, "with space")
    assert malformed.status_code != 400 or malformed.json().get("field") != "Idempotency-Key"


async def test_same_key_with_another_body_or_operation_answers_409(harness: Harness) -> None:
    incident_id = await _incident(harness)
    path = f"/incidents/{incident_id}/notes"
    first = await harness.call("POST", path, "operator", json={"message": "A"}, headers=_headers(KEY))
    assert first.status_code == 201
    other = await harness.call("POST", path, "operator", json={"message": "B"}, headers=_headers(KEY))
    assert other.status_code == 409
    assert "different request" in other.json()["message"]
    elsewhere = await harness.call(
        "POST", f"/incidents/{incident_id}/cancel", "operator", json={}, headers=_headers(KEY)
    )
    assert elsewhere.status_code == 409
    assert await _notes(harness, incident_id) == 1
    assert await _cancelled(harness, incident_id) == 0


async def test_the_same_body_written_differently_is_the_same_request(harness: Harness) -> None:
    incident_id = await _incident(harness)
    path = f"/incidents/{incident_id}/notes"
    headers = {**_headers(KEY), "Content-Type": "application/json"}
    first = await harness.call(
        "POST", path, "operator", content=b'{"message":"A","author":"Ada"}', headers=headers
    )
    again = await harness.call(
        "POST", path, "operator", content=b'{ "author": "Ada",\n  "message": "A" }', headers=headers
    )
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.content == first.content


@pytest.mark.parametrize("bad", [b"", b" ", b"with space", "\u00e9".encode(), b"x" * 256])
async def test_a_malformed_key_is_refused_with_400(harness: Harness, bad: bytes) -> None:
    incident_id = await _incident(harness)
    response = await harness.call(
        "POST",
        f"/incidents/{incident_id}/notes",
        "operator",
        json={"message": "A"},
        headers={"Idempotency-Key": bad},
    )
    assert response.status_code == 400
    assert response.json()["field"] == "Idempotency-Key"
    assert await _notes(harness, incident_id) == 0


async def test_keys_belong_to_one_organisation_and_environment(harness: Harness) -> None:
    body = {"message": "On my way"}
    ours, theirs = await _incident(harness), str((await harness.create_incident("other_org"))["incident_id"])
    mine = await harness.call(
        "POST", f"/incidents/{ours}/notes", "operator", json=body, headers=_headers(KEY)
    )
    other = await harness.call(
        "POST", f"/incidents/{theirs}/notes", "other_org", json=body, headers=_headers(KEY)
    )
    assert mine.status_code == other.status_code == 201
    assert "Idempotent-Replayed" not in other.headers


async def test_a_refused_write_does_not_use_up_its_key(harness: Harness) -> None:
    incident_id = await _incident(harness)
    cancel = f"/incidents/{incident_id}/cancel"
    assert (
        await harness.call("POST", cancel, "operator", json={}, headers=_headers("k1"))
    ).status_code == 200
    refused = await harness.call("POST", cancel, "operator", json={}, headers=_headers("k2"))
    assert refused.status_code == 409  # already cancelled: nothing done, nothing recorded
    with harness.sandbox.db.session() as session:
        keys = set(session.scalars(select(IdempotencyRow.key)))
    assert keys == {"k1"}


async def test_a_repeat_of_a_code_answers_even_after_its_valid_until(harness: Harness) -> None:
    body = code_body(valid_until="2026-03-10T12:05:00.000Z")
    first = await harness.call("POST", "/access-codes", "guard", json=body, headers=_headers(KEY))
    assert first.status_code == 201
    harness.clock.advance(600)  # the original answer was lost; the retry comes after valid_until
    again = await harness.call("POST", "/access-codes", "guard", json=body, headers=_headers(KEY))
    assert (again.status_code, again.content) == (201, first.content)


async def test_concurrent_repeats_never_act_twice(harness: Harness) -> None:
    body = {"visitor_name": "Ada", "host_name": "Bisi", "gate": "Main Gate"}
    answers = await asyncio.gather(
        *(harness.call("POST", "/access-logs", "guard", json=body, headers=_headers(KEY)) for _ in range(12))
    )
    assert all(a.status_code in (201, 409) for a in answers), [a.status_code for a in answers]
    done = [a for a in answers if a.status_code == 201]
    assert len({a.json()["log_id"] for a in done}) == 1
    assert sum(1 for a in done if "Idempotent-Replayed" not in a.headers) == 1
    assert await _rows(AccessLogRow)(harness, "") == 1


async def test_a_repeat_in_flight_waits_for_the_first_transaction(harness: Harness) -> None:
    """Below the app's write lock: the database's key makes a second transaction wait, then replay."""
    db = harness.sandbox.db
    keyed = KeyedWrite("org_x", "test", KEY, "fp", 201, 0)
    first_claimed, finish_first = threading.Event(), threading.Event()
    outcome: list[str] = []

    def first() -> None:
        with db.session() as session:
            claim(keyed, session)
            first_claimed.set()
            finish_first.wait(10)
            remember(keyed, session, '{"first": true}')

    def second() -> None:
        first_claimed.wait(10)
        try:
            with db.session() as session:
                claim(keyed, session)
                outcome.append("acted")
        except KeyedRepeat:
            outcome.append("repeat")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    await asyncio.sleep(0.5)
    assert outcome == []  # the second is still waiting for the first
    finish_first.set()
    for thread in threads:
        await asyncio.to_thread(thread.join, 30)
    assert outcome == ["repeat"]
    response = harness.sandbox.idempotency.answer(KeyedRepeat(keyed))
    assert response.body == b'{"first": true}'


async def test_the_record_survives_a_restart(database_url: str, make_harness: MakeHarness) -> None:
    first_life = await make_harness()
    incident_id = await _incident(first_life)
    path = f"/incidents/{incident_id}/notes"
    first = await first_life.call("POST", path, "operator", json={"message": "A"}, headers=_headers(KEY))
    second_life = await make_harness()
    again = await second_life.call("POST", path, "operator", json={"message": "A"}, headers=_headers(KEY))
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.content == first.content


LISTS = [
    "/incidents",
    "/access-codes",
    "/access-logs",
    "/danger-zones",
    "/api-keys",
    "/webhooks",
]


async def test_a_page_far_past_the_end_is_an_empty_page(harness: Harness) -> None:
    await _incident(harness)
    for path in LISTS:
        for page in (10**6, 2**62, 2**63, 10**30, 10**200):
            response = await harness.call("GET", path, params={"page": str(page), "limit": "100"})
            assert response.status_code == 200, (path, page, response.text)
            body: dict[str, Any] = response.json()
            assert body["data"] == []
            assert body["pagination"]["page"] == page
            assert body["pagination"]["has_more"] is False


async def test_a_page_far_past_the_end_of_deliveries_is_empty(harness: Harness) -> None:
    hook = await harness.call(
        "POST", "/webhooks", json={"url": "https://example.com/hook", "events": ["incident.*"]}
    )
    path = f"/webhooks/{hook.json()['endpoint_id']}/deliveries"
    response = await harness.call("GET", path, params={"page": str(10**30)})
    assert response.status_code == 200
    assert response.json()["data"] == []
