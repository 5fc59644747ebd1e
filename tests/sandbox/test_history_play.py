"""The fast player of closed history writes the very document the responder simulation would."""

from __future__ import annotations

import copy
import dataclasses
import random
from datetime import timedelta

import pytest

from sety_console.api.models import Incident
from sety_console.sandbox.clock import to_ms
from sety_console.sandbox.demo_data import DemoIncident, history, responder_units
from sety_console.sandbox.history_play import Base, nearest_bases, play_closed
from sety_console.sandbox.lifecycle import UnitInfo
from sety_console.sandbox.plans import initial_plan
from sety_console.sandbox.seed import demo_incident, demo_spec, demo_subject
from sety_console.sandbox.simulation import Simulation, Unit

from .helpers import START


def bases() -> list[Base]:
    return [
        Base(UnitInfo(u.responder_id, u.name, u.phone, u.unit, u.vehicle_plate), u.lng, u.lat)
        for u in responder_units(40, 7)
    ]


def simulated(demo: DemoIncident, incident_id: str, spec_seed: int) -> Incident:
    """The incident played by the real simulation, its pool at the bases and free."""
    incident = demo_incident(demo, incident_id)
    spec = demo_spec(random.Random(spec_seed), demo)
    plan = initial_plan(spec, demo.severity, to_ms(demo.created_at))
    units = {b.info.responder_id: Unit(b.info, b.lng, b.lat) for b in bases()}
    Simulation(units).advance({incident_id: (incident, plan)}, to_ms(START))
    return incident


def played(demo: DemoIncident, incident_id: str, spec_seed: int, rough: bool = False) -> Incident | None:
    spec = demo_spec(random.Random(spec_seed), demo)
    pool = bases()
    candidates = nearest_bases([demo], pool)[0] if rough else None
    result = play_closed(demo, incident_id, copy.deepcopy(spec), pool, START, demo_subject(demo), candidates)
    return None if result is None else Incident.model_validate_json(result.document)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_course_matches_the_simulation(seed: int) -> None:
    demos = history(START - timedelta(days=2), count=400, days=60, seed=seed)
    kinds: set[str] = set()
    for number, demo in enumerate(demos):
        incident_id = f"inc_{number:016d}"
        fast = played(demo, incident_id, number, rough=number % 2 == 0)
        assert fast is not None, "a course two days old is over"
        assert fast == simulated(demo, incident_id, number), incident_id
        kinds.update(e.event.value for e in fast.timeline)
    assert {"escalated", "responder_reassigned", "sla_breached", "cancelled", "resolved"} <= kinds


def test_a_course_still_running_is_left_to_the_simulation() -> None:
    demo = history(START, count=1, days=1, seed=4)[0]
    running = dataclasses.replace(demo, created_at=START - timedelta(minutes=5))
    assert played(running, "inc_0000000000000001", 1) is None
