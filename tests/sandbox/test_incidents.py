"""Incidents over HTTP: create (idempotency, drills), list (filters, order, delta), get, cancel, notes."""

from __future__ import annotations

import re

import pytest

from sety_console.api.models import CreateIncidentResponse, Incident, IncidentPage, TimelineEvent

from .conftest import MakeHarness
from .helpers import Harness, incident_body

pytestmark = pytest.mark.asyncio


async def test_create_returns_201_with_a_complete_incident(harness: Harness) -> None:
    response = await harness.call(
        "POST", "/incidents", "operator", json=incident_body(idempotency_key="trip-1")
    )
    assert response.status_code == 201
    body = response.json()
    CreateIncidentResponse.model_validate(body)
    incident = body["incident"]
    assert body["idempotent"] is False
    assert re.match(r"^inc_[a-z0-9]{16}$", incident["incident_id"])
    assert incident["status"] == "created"
    assert incident["is_drill"] is True  # test keys force drills
    assert incident["timeline"] == [
        {
            "status": "created",
            "event": "created",
            "message": "Incident created",
            "timestamp": "2026-03-10T12:00:00.000Z",
            "author": None,
        }
    ]
    assert incident["sla"]["response_target_seconds"] == 60
    assert incident["sla"]["arrival_target_seconds"] == 600
    assert incident["responder"] is None
    assert incident["subject"]["email"] is None
    assert incident["subject"]["metadata"] == {}
    assert incident["created_at"] == incident["updated_at"] == "2026-03-10T12:00:00.000Z"


async def test_severity_defaults_to_high(harness: Harness) -> None:
    body = incident_body()
    del body["severity"]
    incident = (await harness.call("POST", "/incidents", "operator", json=body)).json()["incident"]
    assert incident["severity"] == "high"
    assert incident["sla"]["response_target_seconds"] == 120


async def test_idempotent_replay_returns_the_stored_incident_whatever_the_body(harness: Harness) -> None:
    first = await harness.call("POST", "/incidents", "operator", json=incident_body(idempotency_key="s-1"))
    harness.clock.advance(30)
    replay = await harness.call(
        "POST", "/incidents", "operator", json=incident_body(idempotency_key="s-1", category="medical")
    )
    assert replay.status_code == 200
    assert replay.json()["idempotent"] is True
    assert replay.json()["incident"]["incident_id"] == first.json()["incident"]["incident_id"]
    assert replay.json()["incident"]["category"] == "sos"
    listed = (await harness.call("GET", "/incidents", "operator")).json()
    assert listed["pagination"]["total"] == 1


async def test_idempotency_keys_are_scoped_per_organisation(harness: Harness) -> None:
    mine = await harness.call("POST", "/incidents", "operator", json=incident_body(idempotency_key="shared"))
    theirs = await harness.call(
        "POST", "/incidents", "other_org", json=incident_body(idempotency_key="shared")
    )
    assert theirs.status_code == 201
    assert theirs.json()["incident"]["incident_id"] != mine.json()["incident"]["incident_id"]


async def test_live_keys_keep_is_drill_and_their_own_data(harness: Harness) -> None:
    key = (await harness.call("POST", "/api-keys", "admin", json={"name": "x", "scopes": ["admin"]})).json()
    from sety_console.sandbox import accounts
    from sety_console.sandbox.clock import to_ms

    with harness.sandbox.db.session() as session:
        _, live = accounts.mint_key(
            session,
            accounts.DEMO_ORG_ID,
            "live",
            "live ops",
            ["incidents:read", "incidents:write"],
            to_ms(harness.clock.now()),
        )
    assert key["environment"] == "test"
    headers = {"Authorization": f"Bearer {live}"}
    made = await harness.call("POST", "/incidents", None, headers=headers, json=incident_body(is_drill=False))
    assert made.json()["incident"]["is_drill"] is False
    drill = await harness.call("POST", "/incidents", None, headers=headers, json=incident_body(is_drill=True))
    assert drill.json()["incident"]["is_drill"] is True
    incident_id = made.json()["incident"]["incident_id"]
    assert (await harness.call("GET", f"/incidents/{incident_id}", "operator")).status_code == 404
    assert (await harness.call("GET", "/incidents", "operator")).json()["pagination"]["total"] == 0


async def test_list_is_newest_first_with_filters(harness: Harness) -> None:
    ids = []
    for category, severity in [("sos", "critical"), ("medical", "low"), ("vehicle", "high")]:
        ids.append((await harness.create_incident(category=category, severity=severity))["incident_id"])
        harness.clock.advance(0.3)  # well below the 1 s dispatch delay: statuses stay `created`
    page = (await harness.call("GET", "/incidents", "operator")).json()
    IncidentPage.model_validate(page)
    assert [i["incident_id"] for i in page["data"]] == ids[::-1]

    async def listed(query: str) -> list[str]:
        response = await harness.call("GET", f"/incidents?{query}", "operator")
        assert response.status_code == 200, response.text
        return [i["incident_id"] for i in response.json()["data"]]

    assert await listed("category=sos,medical") == [ids[1], ids[0]]
    assert await listed("severity=high") == [ids[2]]
    assert await listed("status=created") == ids[::-1]
    assert await listed("status=resolved") == []
    assert await listed("from_date=2026-03-10T12:00:00.300Z") == [ids[2], ids[1]]
    assert await listed("to_date=2026-03-10T12:00:00.300Z") == [ids[1], ids[0]]
    assert await listed("from_date=2026-03-10&to_date=2026-03-10") == ids[::-1]
    assert await listed("from_date=2026-03-11") == []
    second = (await harness.call("GET", "/incidents?limit=2&page=2", "operator")).json()
    assert second["pagination"] == {"page": 2, "limit": 2, "total": 3, "total_pages": 2, "has_more": False}


async def test_delta_poll_with_updated_since(harness: Harness) -> None:
    first = await harness.create_incident()
    harness.clock.advance(0.5)
    second = await harness.create_incident()
    query = f"updated_since={second['updated_at']}"
    assert [
        i["incident_id"]
        for i in (await harness.call("GET", f"/incidents?{query}", "operator")).json()["data"]
    ] == [second["incident_id"]]
    harness.clock.advance(2)  # both move to dispatching
    changed = (await harness.call("GET", f"/incidents?{query}", "operator")).json()["data"]
    assert {i["incident_id"] for i in changed} == {first["incident_id"], second["incident_id"]}
    assert all(i["status"] == "dispatching" for i in changed)


async def test_get_returns_the_bare_incident(harness: Harness) -> None:
    made = await harness.create_incident()
    got = await harness.get_incident(made["incident_id"])
    Incident.model_validate(got)
    assert got == made


async def test_cancel_then_409(harness: Harness) -> None:
    made = await harness.create_incident()
    harness.clock.advance(5)
    response = await harness.call(
        "POST", f"/incidents/{made['incident_id']}/cancel", "operator", json={"reason": "User is safe"}
    )
    assert response.status_code == 200
    cancelled = response.json()
    assert cancelled["status"] == "cancelled"
    assert cancelled["resolution_outcome"] == "false_alarm"
    assert cancelled["resolution_notes"] == "User is safe"
    assert cancelled["cancelled_at"] == cancelled["updated_at"] == "2026-03-10T12:00:05.000Z"
    assert cancelled["timeline"][-1]["message"] == "Cancelled by the platform: User is safe"
    again = await harness.call("POST", f"/incidents/{made['incident_id']}/cancel", "operator")
    assert again.status_code == 409
    assert again.json()["message"] == "Incident is already cancelled"


async def test_cancel_accepts_an_empty_or_absent_body(harness: Harness) -> None:
    bodies: tuple[dict[str, str] | None, ...] = (None, {})
    for body in bodies:
        made = await harness.create_incident()
        kwargs = {} if body is None else {"json": body}
        response = await harness.call(
            "POST", f"/incidents/{made['incident_id']}/cancel", "operator", **kwargs
        )
        assert response.status_code == 200
        assert response.json()["resolution_notes"] is None
        assert response.json()["timeline"][-1]["message"] == "Cancelled by the platform"
    bad = await harness.call(
        "POST", f"/incidents/{made['incident_id']}/cancel", "operator", json={"why": "x"}
    )
    assert bad.status_code == 400


async def test_notes_in_any_state_bump_updated_at(harness: Harness) -> None:
    made = await harness.create_incident()
    harness.clock.advance(3)
    response = await harness.call(
        "POST",
        f"/incidents/{made['incident_id']}/notes",
        "operator",
        json={"message": "Caller says two men walked off.", "author": "Dispatch: Funke"},
    )
    assert response.status_code == 201
    note = TimelineEvent.model_validate(response.json())
    assert re.match(r"^evt_[a-z0-9]{16}$", note.event_id)
    assert response.json()["timestamp"] == "2026-03-10T12:00:03.000Z"
    incident = await harness.get_incident(made["incident_id"])
    assert incident["timeline"][-1] == {
        "status": "dispatching",
        "event": "note_added",
        "message": "Caller says two men walked off.",
        "timestamp": "2026-03-10T12:00:03.000Z",
        "author": "Dispatch: Funke",
    }
    assert incident["updated_at"] == "2026-03-10T12:00:03.000Z"
    await harness.call("POST", f"/incidents/{made['incident_id']}/cancel", "operator")
    after = await harness.call(
        "POST", f"/incidents/{made['incident_id']}/notes", "operator", json={"message": "ok"}
    )
    assert after.status_code == 201
    blank = await harness.call(
        "POST", f"/incidents/{made['incident_id']}/notes", "operator", json={"message": "  "}
    )
    assert blank.status_code == 400


async def test_other_environment_and_organisation_are_404(make_harness: MakeHarness) -> None:
    harness = await make_harness()
    made = await harness.create_incident()
    for method, path in [
        ("GET", f"/incidents/{made['incident_id']}"),
        ("POST", f"/incidents/{made['incident_id']}/cancel"),
    ]:
        response = await harness.call(method, path, "other_org")
        assert response.status_code == 404
        assert response.json()["message"] == "Incident not found"
