"""The simulated responder side under the manual clock: the full path, cancel at every active state,
reassignment, SLA breaches, escalation, determinism, traffic."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sety_console.api.models import Incident
from sety_console.sandbox import dispatch
from sety_console.sandbox.plans import PlanSpec

from .conftest import MakeHarness
from .helpers import Harness, statuses

pytestmark = pytest.mark.asyncio

ACTIVE = ("created", "dispatching", "assigned", "responding", "on_scene")
EVENT_RANK = {
    "incident.created": 0,
    "incident.status_changed": 1,
    "incident.resolved": 2,
    "incident.cancelled": 2,
}


def spec(**changes: Any) -> PlanSpec:
    values: dict[str, Any] = {
        "assign_after_s": 30.0,
        "depart_delay_s": 20.0,
        "speed_mps": 10.0,
        "on_scene_s": 300.0,
        "outcome": "handled",
        "notes": "Subject found safe",
    }
    values.update(changes)
    return PlanSpec(**values)


@pytest.fixture
def plan_spec(monkeypatch: pytest.MonkeyPatch) -> dict[str, PlanSpec]:
    """Make every new incident follow `holder["spec"]` instead of a random draw."""
    holder = {"spec": spec()}
    monkeypatch.setattr(dispatch, "draw_spec", lambda _rng, _severity, _category: holder["spec"])
    return holder


async def subscribe(harness: Harness) -> None:
    body = {"url": "http://hooks.test/sety", "events": ["incident.*"]}
    assert (await harness.call("POST", "/webhooks", "admin", json=body)).status_code == 201


async def webhook_trail(harness: Harness) -> list[tuple[str, str]]:
    """(event, incident status) of every delivery so far, in the order the changes happened."""
    await harness.drain_webhooks()
    payloads = harness.receiver.payloads()
    payloads.sort(key=lambda p: (p["data"]["incident"]["updated_at"], EVENT_RANK[p["event"]]))
    return [(p["event"], p["data"]["incident"]["status"]) for p in payloads]


async def test_full_path_to_resolved(harness: Harness, plan_spec: dict[str, PlanSpec]) -> None:
    await subscribe(harness)
    made = await harness.create_incident()
    incident_id = made["incident_id"]
    harness.clock.advance(1)
    assert (await harness.get_incident(incident_id))["status"] == "dispatching"
    harness.clock.advance(29)
    assigned = await harness.get_incident(incident_id)
    assert assigned["status"] == "assigned"
    assert assigned["sla"]["assigned_at"] == "2026-03-10T12:00:30.000Z"
    assert assigned["sla"]["time_to_assign_seconds"] == 30.0
    responder = assigned["responder"]
    assert responder["responder_id"].startswith("rsp_")
    assert assigned["timeline"][-1]["author"] == responder["name"]
    unit = harness.sandbox.dispatcher.units[responder["responder_id"]]
    assert unit.incident_id == incident_id

    harness.clock.advance(20)
    responding = await harness.get_incident(incident_id)
    assert responding["status"] == "responding"
    distance, eta = responding["responder"]["distance_meters"], responding["responder"]["eta_seconds"]
    assert eta == round(distance / 10.0)
    harness.clock.advance(15)
    moved = await harness.get_incident(incident_id)
    assert moved["responder"]["distance_meters"] < distance
    assert moved["responder"]["eta_seconds"] == eta - 15
    assert moved["updated_at"] == "2026-03-10T12:01:05.000Z"
    assert moved["timeline"] == responding["timeline"]  # movement adds no timeline entry

    harness.clock.advance(eta)
    on_scene = await harness.get_incident(incident_id)
    assert on_scene["status"] == "on_scene"
    assert on_scene["responder"]["eta_seconds"] == 0
    assert on_scene["responder"]["distance_meters"] == 0
    assert on_scene["sla"]["time_to_arrive_seconds"] == pytest.approx(50 + eta, abs=0.5)
    harness.clock.advance(300)
    await assert_resolved(harness, await harness.get_incident(incident_id))


async def assert_resolved(harness: Harness, resolved: dict[str, Any]) -> None:
    """The end of the full path: outcome, stood-down responder, ordered timeline, every webhook."""
    assert statuses(resolved) == ["created", "dispatching", "assigned", "responding", "on_scene", "resolved"]
    assert resolved["resolution_outcome"] == "handled"
    assert resolved["resolution_notes"] == "Subject found safe"
    assert resolved["resolved_at"] == resolved["updated_at"] == resolved["timeline"][-1]["timestamp"]
    assert resolved["responder"]["eta_seconds"] is None
    assert resolved["responder"]["distance_meters"] is None
    assert resolved["sla"]["breached"] is False
    assert harness.sandbox.dispatcher.units[resolved["responder"]["responder_id"]].incident_id is None
    timestamps = [e["timestamp"] for e in resolved["timeline"]]
    assert timestamps == sorted(timestamps)
    assert await webhook_trail(harness) == [
        ("incident.created", "created"),
        ("incident.status_changed", "dispatching"),
        ("incident.status_changed", "assigned"),
        ("incident.status_changed", "responding"),
        ("incident.status_changed", "on_scene"),
        ("incident.status_changed", "resolved"),
        ("incident.resolved", "resolved"),
    ]


async def test_one_big_jump_stamps_every_step_at_its_own_time(
    harness: Harness, plan_spec: dict[str, PlanSpec]
) -> None:
    made = await harness.create_incident()
    harness.clock.advance(3600)
    incident = await harness.get_incident(made["incident_id"])
    assert incident["status"] == "resolved"
    times = {e["event"]: e["timestamp"] for e in incident["timeline"]}
    assert times["dispatching"] == "2026-03-10T12:00:01.000Z"
    assert times["assigned"] == "2026-03-10T12:00:30.000Z"
    assert times["responding"] == "2026-03-10T12:00:50.000Z"


@pytest.mark.parametrize("state", ACTIVE)
async def test_cancel_at_each_active_state_stands_the_responder_down(
    harness: Harness,
    plan_spec: dict[str, PlanSpec],
    state: str,
) -> None:
    await subscribe(harness)
    made = await harness.create_incident()
    incident_id = made["incident_id"]
    for _ in range(200):
        current = await harness.get_incident(incident_id)
        if current["status"] == state:
            break
        harness.clock.advance(5)
    assert current["status"] == state
    responder = current["responder"]
    response = await harness.call(
        "POST", f"/incidents/{incident_id}/cancel", "operator", json={"reason": "Safe"}
    )
    cancelled = response.json()
    assert cancelled["status"] == "cancelled"
    assert cancelled["timeline"][-1]["event"] == "cancelled"
    if responder is not None:
        assert cancelled["responder"]["responder_id"] == responder["responder_id"]
        assert cancelled["responder"]["eta_seconds"] is None
        assert harness.sandbox.dispatcher.units[responder["responder_id"]].incident_id is None
        assert "stood down" in cancelled["timeline"][-1]["message"]
    harness.clock.advance(3600)
    assert await harness.get_incident(incident_id) == cancelled  # nothing moves after a cancel
    trail = await webhook_trail(harness)
    assert trail[-2:] == [("incident.status_changed", "cancelled"), ("incident.cancelled", "cancelled")]


async def test_reassignment_while_assigned_changes_no_status(
    harness: Harness, plan_spec: dict[str, PlanSpec]
) -> None:
    await subscribe(harness)
    plan_spec["spec"] = spec(reassign_after_s=40.0)
    made = await harness.create_incident()
    harness.clock.advance(35)
    first = (await harness.get_incident(made["incident_id"]))["responder"]
    harness.clock.advance(5)
    incident = await harness.get_incident(made["incident_id"])
    assert incident["status"] == "assigned"
    assert incident["timeline"][-1]["event"] == "responder_reassigned"
    assert incident["timeline"][-1]["status"] == "assigned"
    assert incident["responder"]["responder_id"] != first["responder_id"]
    assert incident["sla"]["assigned_at"] == "2026-03-10T12:00:30.000Z"  # the first assignment counts
    assert harness.sandbox.dispatcher.units[first["responder_id"]].incident_id is None
    trail = await webhook_trail(harness)
    assert trail.count(("incident.status_changed", "assigned")) == 1
    harness.clock.advance(3600)
    assert (await harness.get_incident(made["incident_id"]))["status"] == "resolved"


async def test_reassignment_while_responding_goes_back_to_assigned(
    harness: Harness, plan_spec: dict[str, PlanSpec]
) -> None:
    await subscribe(harness)
    plan_spec["spec"] = spec(reassign_after_s=60.0)
    made = await harness.create_incident()
    harness.clock.advance(60)
    incident = await harness.get_incident(made["incident_id"])
    assert incident["status"] == "assigned"
    assert [e["event"] for e in incident["timeline"][-3:]] == [
        "responding",
        "responder_reassigned",
        "assigned",
    ]
    trail = await webhook_trail(harness)
    assert trail[-1] == ("incident.status_changed", "assigned")
    harness.clock.advance(3600)
    final = await harness.get_incident(made["incident_id"])
    assert statuses(final)[-3:] == ["responding", "on_scene", "resolved"]


async def test_sla_breaches_and_escalation(harness: Harness, plan_spec: dict[str, PlanSpec]) -> None:
    plan_spec["spec"] = spec(assign_after_s=90.0, escalate_after_s=45.0, speed_mps=0.5)
    made = await harness.create_incident()  # critical: assign within 60 s, arrive within 600 s
    harness.clock.advance(45)
    assert (await harness.get_incident(made["incident_id"]))["timeline"][-1]["event"] == "escalated"
    harness.clock.advance(15)
    breached = await harness.get_incident(made["incident_id"])
    assert breached["timeline"][-1]["event"] == "sla_breached"
    assert breached["timeline"][-1]["status"] == "dispatching"
    assert breached["sla"]["breached"] is True
    assert breached["sla"]["breach_reason"] == "response_target_exceeded"
    assert breached["updated_at"] == "2026-03-10T12:01:00.000Z"
    harness.clock.advance(600)
    later = await harness.get_incident(made["incident_id"])
    reasons = [e["message"] for e in later["timeline"] if e["event"] == "sla_breached"]
    assert len(reasons) == 2
    assert later["sla"]["breached"] is True
    assert later["sla"]["breach_reason"] == "response_target_exceeded"  # the first one missed


async def test_no_free_responder_widens_the_search(make_harness: MakeHarness) -> None:
    harness = await make_harness(responder_count=0)
    made = await harness.create_incident(severity="critical")
    harness.clock.advance(900)
    incident = await harness.get_incident(made["incident_id"])
    assert incident["status"] == "dispatching"
    widened = [e["message"] for e in incident["timeline"] if e["event"] == "escalated"]
    assert any(m.startswith("No free responder within") for m in widened), widened
    assert widened[-1].endswith("search widened to 80 km")  # then it keeps trying without more noise
    assert incident["sla"]["breach_reason"] == "response_target_exceeded"


async def test_same_seed_same_calls_same_story(make_harness: MakeHarness, tmp_path: Path) -> None:
    stories = []
    for name in ("a", "b"):
        harness = await make_harness(database_url=f"sqlite:///{tmp_path / name}.db")
        made = await harness.create_incident(idempotency_key="same")
        harness.clock.advance(5400)
        incident = Incident.model_validate(await harness.get_incident(made["incident_id"]))
        stories.append(incident.model_dump(exclude={"incident_id"}))
    assert stories[0] == stories[1]
    assert stories[0]["status"].value == "resolved"


async def test_traffic_creates_incidents_through_the_api_path(make_harness: MakeHarness) -> None:
    harness = await make_harness(traffic_per_minute=6.0)
    await subscribe(harness)
    harness.clock.advance(600)
    page = (await harness.call("GET", "/incidents?limit=100", "operator")).json()
    assert 30 <= page["pagination"]["total"] <= 90
    assert all(i["is_drill"] for i in page["data"])
    assert any(i["status"] != "created" for i in page["data"])
    await harness.drain_webhooks()
    assert harness.receiver.events().count("incident.created") == page["pagination"]["total"]
