"""What the simulated responder side will do with one incident: its drawn delays and timers.

A `PlanSpec` is drawn once, when the incident is created, from a random generator seeded with the
sandbox seed and the incident's own data, so the same inputs under a manual clock always play out
the same way. Seeded history uses the delays the demo data prescribes instead.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field
from typing import Any

from .lifecycle import sla_targets

TIMER_ORDER = (
    "cancel",
    "dispatch",
    "escalate",
    "assign",
    "response_sla",
    "reassign",
    "depart",
    "move",
    "arrive",
    "arrival_sla",
    "resolve",
)
"""Order of timers falling on the same millisecond (a milestone reached at its deadline is on time)."""

DISPATCH_DELAY_MS = 1000
INITIAL_SEARCH_KM = 5.0

_NOTES = {
    "handled": {
        "sos": "Subject found safe and escorted to a secure place",
        "vehicle": "Vehicle stopped and secured; occupants unharmed",
        "location_threat": "Suspects dispersed; the area was patrolled and secured",
        "medical": "First aid given on scene; patient stable",
    },
    "referred": {
        "sos": "Handed over to the Lagos State Police Command",
        "vehicle": "Handed over to the police and LASTMA",
        "location_threat": "Handed over to the Rapid Response Squad",
        "medical": "Patient taken to hospital by LASAMBUS",
    },
    "unable_to_locate": {
        "*": "Subject not found at the reported location; the area was searched",
    },
}
_OUTCOMES = (("handled", 0.72), ("referred", 0.18), ("unable_to_locate", 0.10))


@dataclass
class PlanSpec:
    """Delays (seconds) the responder side will take; `*_after_s` count from `created_at`."""

    assign_after_s: float
    depart_delay_s: float
    speed_mps: float
    on_scene_s: float
    outcome: str
    notes: str
    reassign_after_s: float | None = None
    escalate_after_s: float | None = None
    arrive_after_s: float | None = None
    close_after_s: float | None = None
    cancel_reason: str | None = None


@dataclass
class Plan:
    """A spec plus the live state of its execution: timers (epoch ms) and the responder's trip."""

    spec: PlanSpec
    timers: dict[str, int] = field(default_factory=dict)
    unit_id: str | None = None
    origin: tuple[float, float] | None = None
    depart_at_ms: int | None = None
    arrive_at_ms: int | None = None
    search_km: float = INITIAL_SEARCH_KM
    excluded: list[str] = field(default_factory=list)

    def next_due(self) -> int | None:
        return min(self.timers.values()) if self.timers else None

    def earliest(self) -> tuple[str, int] | None:
        """The timer to run first (ties broken by `TIMER_ORDER`)."""
        if not self.timers:
            return None
        name = min(self.timers, key=lambda n: (self.timers[n], TIMER_ORDER.index(n)))
        return name, self.timers[name]

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Plan:
        data: dict[str, Any] = json.loads(text)
        data["spec"] = PlanSpec(**data["spec"])
        if data.get("origin") is not None:
            data["origin"] = tuple(data["origin"])
        return cls(**data)


def notes_for(outcome: str, category: str) -> str:
    table = _NOTES.get(outcome, {})
    return table.get(category) or table.get("*") or "Closed by the responder"


def draw_spec(rng: random.Random, severity: str, category: str) -> PlanSpec:
    """Realistic delays for a new incident: most meet their SLA targets, some do not."""
    assign_target, _ = sla_targets(severity)
    if rng.random() < 0.12:
        assign_after = assign_target * rng.uniform(1.05, 1.8)
    else:
        assign_after = assign_target * rng.uniform(0.2, 0.85)
    assign_after = max(8.0, assign_after)
    outcome = rng.choices([o for o, _ in _OUTCOMES], weights=[w for _, w in _OUTCOMES])[0]
    depart_delay = rng.uniform(10, 45)
    reassign = assign_after + rng.uniform(5, 40) if rng.random() < 0.08 else None
    return PlanSpec(
        assign_after_s=round(assign_after, 3),
        depart_delay_s=round(depart_delay, 3),
        speed_mps=round(rng.uniform(5.5, 10.5), 2),
        on_scene_s=round(rng.uniform(240, 1500), 3),
        outcome=outcome,
        notes=notes_for(outcome, category),
        reassign_after_s=round(reassign, 3) if reassign is not None else None,
        escalate_after_s=round(0.75 * assign_target, 3) if assign_after > 0.75 * assign_target else None,
    )


def initial_plan(spec: PlanSpec, severity: str, created_ms: int) -> Plan:
    """Timers of a just-created incident: dispatch at once, assignment, SLA checks, the rest later."""
    assign_target, arrive_target = sla_targets(severity)
    timers = {
        "dispatch": created_ms + DISPATCH_DELAY_MS,
        "assign": created_ms + int(max(spec.assign_after_s, 2.0) * 1000),
        "response_sla": created_ms + assign_target * 1000,
        "arrival_sla": created_ms + arrive_target * 1000,
    }
    if spec.escalate_after_s is not None:
        timers["escalate"] = created_ms + int(spec.escalate_after_s * 1000)
    if spec.cancel_reason is not None and spec.close_after_s is not None:
        timers["cancel"] = created_ms + int(spec.close_after_s * 1000)
    return Plan(spec=spec, timers=timers)
