"""The course of a closed demo incident, played straight into its stored document.

Seeding a year of history through the live responder simulation (`simulation.Simulation`, pydantic
models edited event by event) costs about 0.6 ms an incident; a year is 20,000 incidents. An
incident whose whole course lies in the past needs none of that machinery: this module runs the
same timers in the same order with the same lifecycle wording, on plain dicts, with the responder
the simulation would pick if the pool stood at its bases (the nearest unit; the next nearest on a
reassignment). `tests/sandbox/test_history_play.py` checks the documents against the simulation's.
Incidents still running near `now` go through the simulation itself (see `seed`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from pydantic_core import to_json

from .clock import to_ms
from .demo_data import DemoIncident
from .geometry import distance_m
from .lifecycle import UnitInfo, sla_targets
from .plans import INITIAL_SEARCH_KM, TIMER_ORDER, PlanSpec, initial_plan
from .simulation import MAX_SEARCH_KM, MIN_TRAVEL_S, RETRY_ASSIGN_MS

__all__ = ["Base", "Played", "nearest_bases", "play_closed"]

_ORDER = {name: index for index, name in enumerate(TIMER_ORDER)}
CLOSEST_MEASURED = 4
"""Free bases measured exactly per search when the rough nearest-first order is known."""


@dataclass(frozen=True, slots=True)
class Base:
    """A responder unit at its base."""

    info: UnitInfo
    lng: float
    lat: float


@dataclass(frozen=True, slots=True)
class Played:
    """A closed incident as its row stores it."""

    document: str
    status: str
    updated_at_ms: int
    time_to_assign_s: float | None
    time_to_arrive_s: float | None


class _NotClosed(Exception):
    """A timer falls after `now`: the incident is not over, the simulation must play it."""


@dataclass(slots=True)
class _Course:
    demo: DemoIncident
    spec: PlanSpec
    created_ms: int
    now_ms: int
    bases: Sequence[Base]
    status: str = "created"
    timeline: list[dict[str, Any]] = field(default_factory=list)
    sla: dict[str, Any] = field(default_factory=dict)
    responder: dict[str, Any] | None = None
    updated_ms: int = 0
    search_km: float = INITIAL_SEARCH_KM
    unit: Base | None = None
    excluded: list[str] = field(default_factory=list)
    timers: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    """Name → (due ms, rank in `TIMER_ORDER`, name): `min` of the values is the next to run."""
    ended: dict[str, Any] = field(default_factory=dict)
    distances: dict[str, float] = field(default_factory=dict)
    candidates: Sequence[int] | None = None

    # --- what lifecycle does to an incident ----------------------------------------------------

    def entry(self, event: str, message: str, at: int, author: str | None = None) -> None:
        stamp = _stamp(at)
        self.timeline.append(
            {"status": self.status, "event": event, "message": message, "timestamp": stamp, "author": author}
        )
        self.updated_ms = at

    def set_status(self, status: str, message: str, at: int, author: str | None = None) -> None:
        self.status = status
        self.entry(status, message, at, author)

    def since_created(self, at: int) -> float:
        return round((at - self.created_ms) / 1000, 3)

    def assignment(self, unit: Base, at: int, distance: float) -> dict[str, Any]:
        info = unit.info
        return {
            "responder_id": info.responder_id,
            "name": info.name,
            "phone": info.phone,
            "unit": info.unit,
            "vehicle_plate": info.vehicle_plate,
            "assigned_at": _stamp(at),
            "eta_seconds": None,
            "distance_meters": round(distance, 1),
            "position": {"coordinates": [unit.lng, unit.lat], "accuracy_m": 10.0},
        }

    def stand_down(self) -> str | None:
        self.timers.clear()
        if self.responder is None:
            return None
        self.responder["eta_seconds"] = None
        self.responder["distance_meters"] = None
        return str(self.responder["name"])

    # --- helpers ---------------------------------------------------------------------------------

    def later(self, name: str, at: int) -> None:
        if at > self.now_ms:
            raise _NotClosed
        self.timers[name] = (at, _ORDER[name], name)

    def nearest(self, radius_km: float, excluded: Sequence[str]) -> Base | None:
        """The free unit the simulation's `_nearest_free` picks (nearest, then smallest id).

        With `candidates` (bases in roughly nearest-first order) only the first few free ones are
        measured exactly; near-ties among them are settled as the simulation settles them.
        """
        pool = self.bases if self.candidates is None else [self.bases[i] for i in self.candidates]
        free = [unit for unit in pool if unit.info.responder_id not in excluded]
        if self.candidates is not None:
            free = free[:CLOSEST_MEASURED]
        best = min(free, key=lambda unit: (self.to_target(unit), unit.info.responder_id), default=None)
        return best if best is not None and self.to_target(best) <= radius_km * 1000 else None

    def to_target(self, unit: Base) -> float:
        known = self.distances.get(unit.info.responder_id)
        if known is None:
            known = distance_m(unit.lng, unit.lat, self.demo.lng, self.demo.lat)
            self.distances[unit.info.responder_id] = known
        return known


_DAYS: dict[int, str] = {}


def _stamp(ms: int) -> str:
    """`format_timestamp(from_ms(ms))` (the wire's `…mmmZ`), without making a datetime."""
    seconds, millis = divmod(ms, 1000)
    day, rest = divmod(seconds, 86_400)
    date = _DAYS.get(day)
    if date is None:
        date = _DAYS[day] = time.strftime("%Y-%m-%dT", time.gmtime(day * 86_400))
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{date}{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}Z"


def nearest_bases(demos: Sequence[DemoIncident], bases: Sequence[Base], keep: int = 6) -> list[list[int]]:
    """For each incident, the indexes of the `keep` bases nearest to it (roughly: numpy haversine)."""
    if not demos or not bases:
        return [[] for _ in demos]
    lat1 = np.radians(np.array([d.lat for d in demos]))[:, None]
    lng1 = np.radians(np.array([d.lng for d in demos]))[:, None]
    lat2 = np.radians(np.array([b.lat for b in bases]))[None, :]
    lng2 = np.radians(np.array([b.lng for b in bases]))[None, :]
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lng2 - lng1) / 2) ** 2
    order = np.argsort(a, axis=1, kind="stable")[:, :keep]
    return [list(row) for row in order.tolist()]


def _label(info: UnitInfo) -> str:
    return f"{info.name} ({info.unit})" if info.unit else info.name


def _assign(course: _Course, at: int) -> None:
    unit = course.nearest(course.search_km, course.excluded)
    if unit is None:
        if course.search_km < MAX_SEARCH_KM:
            wider = min(MAX_SEARCH_KM, course.search_km * 2.5)
            text = f"No free responder within {course.search_km:g} km; search widened to {wider:g} km"
            course.entry("escalated", text, at)
            course.search_km = wider
        course.later("assign", at + RETRY_ASSIGN_MS)
        return
    course.unit = unit
    spec = course.spec
    course.later("depart", at + int(spec.depart_delay_s * 1000))
    if spec.reassign_after_s is not None:
        due = course.created_ms + int(spec.reassign_after_s * 1000)
        course.later("reassign", max(due, at + int(spec.depart_delay_s * 500)))
    if course.sla.get("assigned_at") is None:
        course.sla["assigned_at"] = _stamp(at)
        course.sla["time_to_assign_seconds"] = course.since_created(at)
    course.responder = course.assignment(unit, at, course.to_target(unit))
    course.set_status("assigned", f"{_label(unit.info)} accepted the incident", at, unit.info.name)


def _reassign(course: _Course, at: int) -> None:
    course.spec.reassign_after_s = None
    current = course.unit
    if course.status not in ("assigned", "responding") or current is None:
        return
    unit = course.nearest(MAX_SEARCH_KM, [*course.excluded, current.info.responder_id])
    if unit is None:
        return
    course.excluded.append(current.info.responder_id)
    course.unit = unit
    for timer in ("move", "arrive", "depart"):
        course.timers.pop(timer, None)
    course.later("depart", at + int(course.spec.depart_delay_s * 1000))
    previous = course.responder["name"] if course.responder else "The responder"
    course.responder = course.assignment(unit, at, course.to_target(unit))
    course.entry("responder_reassigned", f"{previous} became unavailable; {_label(unit.info)} took over", at)
    if course.status == "responding":
        course.set_status("assigned", f"{_label(unit.info)} accepted the incident", at, unit.info.name)


def _depart(course: _Course, at: int) -> None:
    unit, spec = course.unit, course.spec
    if unit is None or course.responder is None:
        return
    distance = course.to_target(unit)
    travel_s = max(MIN_TRAVEL_S, distance / spec.speed_mps)
    if spec.arrive_after_s is not None:
        fixed = course.created_ms + int(spec.arrive_after_s * 1000)
        if fixed - at >= MIN_TRAVEL_S * 1000:
            travel_s = (fixed - at) / 1000
    course.later("arrive", at + int(travel_s * 1000))
    eta = round(travel_s)
    course.responder["distance_meters"] = round(distance, 1)
    course.responder["eta_seconds"] = eta
    name = str(course.responder["name"])
    course.set_status("responding", f"Responder en route, ETA {max(1, round(eta / 60))} min", at, name)


def _arrive(course: _Course, at: int) -> None:
    spec = course.spec
    close = at + int(spec.on_scene_s * 1000)
    if spec.close_after_s is not None and spec.cancel_reason is None:
        fixed = course.created_ms + int(spec.close_after_s * 1000)
        close = fixed if fixed > at else at + 60_000
    if "cancel" not in course.timers:
        course.later("resolve", close)
    if course.sla.get("arrived_at") is None:
        course.sla["arrived_at"] = _stamp(at)
        course.sla["time_to_arrive_seconds"] = course.since_created(at)
    name = None
    if course.responder is not None:
        course.responder["position"] = {"coordinates": [course.demo.lng, course.demo.lat], "accuracy_m": 10.0}
        course.responder["distance_meters"] = 0.0
        course.responder["eta_seconds"] = 0
        name = str(course.responder["name"])
    course.set_status("on_scene", f"{name or 'Responder'} arrived on scene", at, name)


def _resolve(course: _Course, at: int) -> None:
    author = course.stand_down()
    outcome, notes = course.spec.outcome, course.spec.notes
    course.ended = {"resolution_outcome": outcome, "resolution_notes": notes, "resolved_at": at}
    course.set_status("resolved", f"Resolved ({outcome.replace('_', ' ')}): {notes}", at, author)


def _cancel(course: _Course, at: int) -> None:
    if course.status in ("resolved", "cancelled"):
        return
    responder = course.stand_down()
    reason = course.spec.cancel_reason
    course.ended = {"resolution_outcome": "false_alarm", "resolution_notes": reason, "cancelled_at": at}
    message = "Cancelled by the platform" + (f": {reason}" if reason else "")
    if responder:
        message += f" ({responder} stood down)"
    course.set_status("cancelled", message, at)


def _breach(course: _Course, at: int, reason: str) -> None:
    course.sla["breached"] = True
    if course.sla.get("breach_reason") is None:
        course.sla["breach_reason"] = reason
    if reason == "response_target_exceeded":
        text = f"No responder assigned within the {course.sla['response_target_seconds']} s target"
    else:
        text = f"No responder on scene within the {course.sla['arrival_target_seconds']} s target"
    course.entry("sla_breached", text, at)


def _run(course: _Course, name: str, at: int) -> None:
    """One timer, as `Simulation._run` handles it (position updates are no-ops for a past course)."""
    status = course.status
    if name == "dispatch" and status == "created":
        course.set_status("dispatching", "Searching for the nearest available responder", at)
    elif name == "escalate" and status in ("created", "dispatching"):
        course.search_km = min(MAX_SEARCH_KM, course.search_km * 2)
        text = f"No responder has accepted yet; priority raised, search widened to {course.search_km:g} km"
        course.entry("escalated", text, at)
    elif name == "response_sla" and course.sla.get("assigned_at") is None:
        _breach(course, at, "response_target_exceeded")
    elif name == "arrival_sla" and course.sla.get("arrived_at") is None:
        _breach(course, at, "arrival_target_exceeded")
    elif name in _HANDLERS:
        _HANDLERS[name](course, at)


_HANDLERS = {
    "assign": _assign,
    "reassign": _reassign,
    "depart": _depart,
    "arrive": _arrive,
    "resolve": _resolve,
    "cancel": _cancel,
}


def play_closed(
    demo: DemoIncident,
    incident_id: str,
    spec: PlanSpec,
    bases: Sequence[Base],
    now: datetime,
    subject: dict[str, Any],
    candidates: Sequence[int] | None = None,
) -> Played | None:
    """The stored form of `demo` once its course has run; None when it is not over by `now`.

    `candidates`: `nearest_bases` of the incident (saves measuring every base).
    """
    created_ms = to_ms(demo.created_at)
    course = _Course(demo, spec, created_ms, to_ms(now), bases, updated_ms=created_ms, candidates=candidates)
    assign_target, arrive_target = sla_targets(demo.severity)
    course.sla = {
        "response_target_seconds": assign_target,
        "arrival_target_seconds": arrive_target,
        "assigned_at": None,
        "arrived_at": None,
        "time_to_assign_seconds": None,
        "time_to_arrive_seconds": None,
        "breached": False,
        "breach_reason": None,
    }
    course.entry("created", "Incident created", created_ms)
    try:
        for name, at in initial_plan(spec, demo.severity, created_ms).timers.items():
            course.later(name, at)
        while course.timers:
            at, _, name = min(course.timers.values())
            del course.timers[name]
            _run(course, name, at)
    except _NotClosed:
        return None
    return _played(course, incident_id, subject)


def _played(course: _Course, incident_id: str, subject: dict[str, Any]) -> Played:
    demo, ended = course.demo, course.ended
    document = {
        "incident_id": incident_id,
        "idempotency_key": None,
        "category": demo.category,
        "severity": demo.severity,
        "status": course.status,
        "subject": subject,
        "title": demo.title,
        "description": demo.description,
        "location": {"coordinates": [demo.lng, demo.lat], "address": demo.address, "landmark": demo.landmark},
        "resolution_outcome": ended.get("resolution_outcome"),
        "resolution_notes": ended.get("resolution_notes"),
        "is_drill": True,
        "timeline": course.timeline,
        "sla": course.sla,
        "responder": course.responder,
        "created_at": _stamp(course.created_ms),
        "updated_at": _stamp(course.updated_ms),
        "resolved_at": _stamp(ended["resolved_at"]) if "resolved_at" in ended else None,
        "cancelled_at": _stamp(ended["cancelled_at"]) if "cancelled_at" in ended else None,
    }
    return Played(
        document=to_json(document).decode(),
        status=course.status,
        updated_at_ms=course.updated_ms,
        time_to_assign_s=course.sla["time_to_assign_seconds"],
        time_to_arrive_s=course.sla["time_to_arrive_seconds"],
    )
