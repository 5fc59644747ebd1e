"""Test incidents built from the contract's getIncident example, varied by keyword."""

from __future__ import annotations

import copy
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from sety_console.api.models import Incident
from tests.contract import example

NOW = datetime(2026, 3, 10, 18, 30, 0, tzinfo=UTC)
"""The fixed "now" of UI tests."""

_BASE: dict[str, Any] = example("getIncident.response")
_COUNTER = itertools.count(1)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def incident_data(
    incident_id: str | None = None,
    *,
    category: str = "sos",
    severity: str = "high",
    status: str = "responding",
    name: str = "Adaeze Nwosu",
    phone: str | None = "+2348052345678",
    reference: str | None = "USER-10473",
    address: str | None = "Admiralty Way, Lekki Phase 1, Lagos",
    landmark: str | None = "Near the Lekki Phase 1 gate",
    age: timedelta = timedelta(minutes=5),
    drill: bool = False,
    responder: bool | None = None,
    breached: bool = False,
    breach_reason: str | None = None,
    eta_seconds: int | None = 240,
    **extra: Any,
) -> dict[str, Any]:
    """The example incident as a dict, with the given fields changed.

    `responder` None means "as the status implies" (assigned or later has one); `age` sets
    `created_at` relative to `NOW`.
    """
    data = copy.deepcopy(_BASE)
    created = NOW - age
    data["incident_id"] = incident_id or f"inc_test{next(_COUNTER):012d}"
    data.update(category=category, severity=severity, status=status, is_drill=drill)
    data["subject"].update(name=name, phone=phone, reference=reference)
    data["location"].update(address=address, landmark=landmark)
    data["created_at"] = iso(created)
    data["updated_at"] = iso(created + timedelta(seconds=30))
    for event in data["timeline"]:
        event["timestamp"] = iso(created + timedelta(seconds=5))
    has_responder = (
        status in ("assigned", "responding", "on_scene", "resolved") if responder is None else responder
    )
    assigned_at = iso(created + timedelta(seconds=48))
    if has_responder:
        data["responder"].update(assigned_at=assigned_at, eta_seconds=eta_seconds)
    else:
        data["responder"] = None
    data["sla"].update(
        assigned_at=assigned_at if has_responder else None,
        arrived_at=iso(created + timedelta(minutes=6)) if status in ("on_scene", "resolved") else None,
        breached=breached,
        breach_reason=breach_reason,
    )
    data.update(extra)
    return data


def make_incident(incident_id: str | None = None, **fields: Any) -> Incident:
    """An `Incident` built like `incident_data`."""
    return Incident.model_validate(incident_data(incident_id, **fields))


class Store:
    """A dict of incidents standing in for the core's store: `lookup` is what the model calls."""

    def __init__(self, incidents: list[Incident] | None = None) -> None:
        self.items: dict[str, Incident] = {i.incident_id: i for i in incidents or []}

    def lookup(self, incident_id: str) -> Incident | None:
        return self.items.get(incident_id)

    def put(self, *incidents: Incident) -> tuple[str, ...]:
        for incident in incidents:
            self.items[incident.incident_id] = incident
        return tuple(i.incident_id for i in incidents)

    def drop(self, *ids: str) -> tuple[str, ...]:
        for incident_id in ids:
            self.items.pop(incident_id, None)
        return ids


_PEOPLE = [
    ("Adaeze Nwosu", "+2348052345678", "Admiralty Way, Lekki Phase 1, Lagos", "Near the Lekki Phase 1 gate"),
    ("Tunde Bakare", "+2348031112233", "Awolowo Road, Ikoyi, Lagos", "Opposite Falomo shopping centre"),
    ("Chioma Okafor", "+2348099988776", "Allen Avenue, Ikeja, Lagos", None),
    ("Ibrahim Musa", "+2348024455667", "Herbert Macaulay Way, Yaba, Lagos", "Yaba bus stop"),
    ("Funke Adeyemi", "+2348065544332", None, "Tafawa Balewa Square"),
    ("Emeka Eze", None, "Ozumba Mbadiwe Avenue, Victoria Island, Lagos", "Eko Hotel roundabout"),
    ("Zainab Bello", "+2348127788990", "Bode Thomas Street, Surulere, Lagos", None),
    ("", None, "Lekki-Epe Expressway, Ajah, Lagos", "Abraham Adesanya roundabout"),
]
_MIX = [
    # (category, severity, status, age minutes, drill, breached)
    ("sos", "critical", "created", 4, False, True),
    ("sos", "critical", "dispatching", 1, False, False),
    ("vehicle", "critical", "assigned", 9, False, False),
    ("sos", "high", "responding", 6, False, False),
    ("medical", "high", "created", 1.5, False, False),
    ("location_threat", "medium", "created", 3, False, False),
    ("vehicle", "high", "on_scene", 22, False, False),
    ("medical", "low", "responding", 40, False, False),
    ("sos", "high", "created", 2.2, True, False),
    ("flood", "high", "dispatching", 7, False, False),
    ("sos", "urgent", "assigned", 12, False, False),
    ("vehicle", "medium", "escalated_review", 30, False, False),
    ("location_threat", "low", "resolved", 95, False, False),
    ("medical", "medium", "cancelled", 130, False, False),
    ("sos", "critical", "responding", 18, False, True),
    ("vehicle", "low", "created", 0.3, True, False),
]


def varied_incidents(count: int = 40) -> list[Incident]:
    """A realistic mix for screenshots and filter tests: every severity, category and status,
    drills, breached SLAs and values this version does not know."""
    result = []
    for n in range(count):
        category, severity, status, minutes, drill, breached = _MIX[n % len(_MIX)]
        name, phone, address, landmark = _PEOPLE[n % len(_PEOPLE)]
        result.append(
            make_incident(
                f"inc_demo{n:04d}",
                category=category,
                severity=severity,
                status=status,
                name=name,
                phone=phone,
                reference=f"USER-{10400 + n}",
                address=address,
                landmark=landmark,
                age=timedelta(minutes=minutes + n * 0.7),
                drill=drill,
                breached=breached,
                breach_reason="No responder accepted within the target" if breached else None,
                eta_seconds=[240, 45, 660, None][n % 4],
            )
        )
    return result
