"""`HubLink.handle` on its own: snapshot, changes in order, repeats ignored, bad documents skipped."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter

from sety_console.api.hub_models import StreamMessage
from sety_console.core.changes import ChangeSet
from sety_console.core.clock import ManualClock
from sety_console.core.connection import ConnectionMonitor
from sety_console.core.hub_link import HubLink
from sety_console.core.poller import PollerEvents
from sety_console.core.stores import IncidentStore, VisitorStore, ZoneStore

MESSAGE = TypeAdapter[StreamMessage](StreamMessage)


def incident(incident_id: str, status: str, updated: str) -> dict[str, Any]:
    return {
        "incident_id": incident_id,
        "category": "sos",
        "severity": "critical",
        "status": status,
        "location": {"coordinates": [3.4, 6.45]},
        "created_at": "2026-03-10T12:00:00.000Z",
        "updated_at": updated,
    }


def link() -> tuple[HubLink, list[ChangeSet]]:
    clock = ManualClock()
    events = PollerEvents()
    seen: list[ChangeSet] = []
    events.incidents_changed.connect(seen.append)
    hub_link = HubLink(
        open_stream=lambda *, since: None,  # type: ignore[arg-type]
        incidents=IncidentStore(),
        visitors=VisitorStore(),
        zones=ZoneStore(),
        events=events,
        monitor=ConnectionMonitor(clock.now()),
        clock=clock,
    )
    return hub_link, seen


def test_changes_apply_in_order_and_repeats_are_ignored() -> None:
    hub_link, seen = link()
    hub_link.handle(
        MESSAGE.validate_python(
            {
                "type": "snapshot",
                "seq": 10,
                "incidents": [incident("inc_a", "created", "2026-03-10T12:00:00.000Z")],
            }
        )
    )
    assert hub_link.seq == 10
    assert seen[-1].added == ("inc_a",)
    update = {
        "type": "change",
        "seq": 11,
        "kind": "incidents",
        "upsert": [incident("inc_a", "cancelled", "2026-03-10T12:01:00.000Z"), {"incident_id": "broken"}],
        "removed": [],
    }
    hub_link.handle(MESSAGE.validate_python(update))
    hub_link.handle(MESSAGE.validate_python(update))  # a resume overlapping what was received
    assert hub_link.seq == 11
    assert len(seen) == 2
    assert seen[-1].updated == ("inc_a",)
    incident_a = hub_link.incidents.get("inc_a")
    assert incident_a is not None
    assert incident_a.status.value == "cancelled"
    hub_link.handle(
        MESSAGE.validate_python({"type": "change", "seq": 12, "kind": "incidents", "removed": ["inc_a"]})
    )
    assert "inc_a" not in hub_link.incidents


def test_status_sets_freshness_and_scopes() -> None:
    hub_link, _ = link()
    hub_link.handle(
        MESSAGE.validate_python(
            {
                "type": "status",
                "fresh": {"incidents": "2026-03-10T12:00:05.000Z"},
                "stale": {"incidents": False},
                "connection": {"state": "online"},
                "scopes": {"incidents:read": True, "access:read": False},
            }
        )
    )
    assert hub_link.incidents.fresh_as_of == datetime(2026, 3, 10, 12, 0, 5, tzinfo=UTC)
    assert not hub_link.incidents.stale
    assert hub_link.monitor.available_workspaces()["gate"] is not None
    hub_link.handle(
        MESSAGE.validate_python(
            {
                "type": "status",
                "fresh": {"incidents": "2026-03-10T12:00:05.000Z"},
                "stale": {"incidents": True},
                "connection": {"state": "offline", "message": "Sety is unreachable"},
            }
        )
    )
    assert hub_link.incidents.stale  # the hub lost Sety: the console never shows it as live
