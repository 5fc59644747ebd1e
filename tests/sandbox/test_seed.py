"""Demo data: a year of history with full timelines, a live queue at start, the gate; fast to seed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from sety_console.api.models import Incident
from sety_console.sandbox import SandboxClock, SandboxConfig
from sety_console.sandbox.accounts import DEMO_ORG_ID, OTHER_ORG_ID
from sety_console.sandbox.runtime import Sandbox
from sety_console.sandbox.tables import IncidentRow

from .helpers import START, Harness

pytestmark = pytest.mark.asyncio

STATUS_ORDER = ["created", "dispatching", "assigned", "responding", "on_scene"]


def all_incidents(harness: Harness) -> list[tuple[IncidentRow, Incident]]:
    with harness.sandbox.db.session() as session:
        rows = list(session.scalars(select(IncidentRow)))
    return [(row, Incident.model_validate_json(row.document)) for row in rows]


def check_story(incident: Incident) -> None:
    """Timeline, SLA and responder agree with each other and with the state machine."""
    events = [e.event.value for e in incident.timeline]
    assert events[0] == "created"
    stamps = [e.timestamp for e in incident.timeline]
    assert stamps == sorted(stamps)
    assert incident.updated_at >= stamps[-1]
    assert incident.status.value == incident.timeline[-1].status
    sla = incident.sla
    assert sla is not None
    assert sla.breached == ("sla_breached" in events)
    if "assigned" in events:
        assert incident.responder is not None
        assert sla.assigned_at is not None
        assert sla.time_to_assign_seconds == pytest.approx(
            (sla.assigned_at - incident.created_at).total_seconds()
        )
    if incident.status.value == "resolved":
        assert incident.resolution_outcome is not None
        assert incident.resolution_outcome.value in {"handled", "referred", "unable_to_locate"}
        assert incident.resolved_at == stamps[-1]
    if incident.status.value == "cancelled":
        assert incident.resolution_outcome is not None
        assert incident.resolution_outcome.value == "false_alarm"
        assert incident.cancelled_at == stamps[-1]


async def test_history_is_complete_and_consistent(demo: Harness) -> None:
    incidents = all_incidents(demo)
    mine = [(r, i) for r, i in incidents if r.org_id == DEMO_ORG_ID]
    assert 12_000 <= len(mine) <= 12_010
    assert sum(r.org_id == OTHER_ORG_ID for r, _ in incidents) == 20
    assert all(r.is_history and i.is_drill and r.environment == "test" for r, i in mine)
    for _, incident in incidents:
        check_story(incident)
    outcomes = Counter(i.status.value for _, i in mine)
    assert outcomes["resolved"] > 8500
    assert 1000 < outcomes["cancelled"] < 2800
    breached = sum(bool(i.sla and i.sla.breached) for _, i in mine)
    assert 0.03 * len(mine) < breached < 0.3 * len(mine)
    assert any(e.event.value == "responder_reassigned" for _, i in mine for e in i.timeline)
    assert any(e.event.value == "escalated" for _, i in mine for e in i.timeline)
    oldest = min(i.created_at for _, i in mine)
    assert 364 <= (START - oldest).days <= 365


async def test_the_queue_is_alive_at_start(demo: Harness) -> None:
    query = "status=created,dispatching,assigned,responding,on_scene&limit=100"
    active = (await demo.call("GET", f"/incidents?{query}", "operator")).json()["data"]
    assert len(active) >= 6
    assert any(i["severity"] == "critical" for i in active)
    busy = {u.incident_id for u in demo.sandbox.dispatcher.units.values() if u.incident_id}
    with_responder = {i["incident_id"] for i in active if i["responder"] is not None}
    assert with_responder <= busy
    assert len(demo.sandbox.dispatcher.units) == 40
    demo.clock.advance(4 * 3600)
    still = (await demo.call("GET", f"/incidents?{query}", "operator")).json()["data"]
    assert still == []  # the seeded queue plays out through the live simulation
    assert not any(u.incident_id for u in demo.sandbox.dispatcher.units.values())


async def test_gate_activity(demo: Harness) -> None:
    codes = (await demo.call("GET", "/access-codes?limit=100", "guard")).json()
    assert 25 <= codes["pagination"]["total"] <= 40
    assert {c["status"] for c in codes["data"]} == {"active", "used", "expired", "revoked"}
    current = (await demo.call("GET", "/access-logs/current", "guard")).json()
    assert 12 <= current["total"] <= 20
    assert any(v["overstay"] for v in current["data"])
    visits = (await demo.call("GET", "/access-logs?limit=1", "guard")).json()["pagination"]["total"]
    assert 200 <= visits <= 240


async def test_seeding_is_deterministic(tmp_path: Path) -> None:
    documents = []
    for name in ("a", "b"):
        config = SandboxConfig(
            database_url=f"sqlite:///{tmp_path / name}.db",
            clock=SandboxClock.manual(START),
            seed="demo",
            demo_history_count=300,
        )
        sandbox = Sandbox(config)
        with sandbox.db.session() as session:
            documents.append(sorted(session.scalars(select(IncidentRow.document))))
        sandbox.close()
    assert documents[0] == documents[1]
    assert len(documents[0]) >= 320
