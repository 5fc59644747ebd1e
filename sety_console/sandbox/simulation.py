"""The responder side, simulated in memory: timers fire in time order and edit incidents.

`Simulation.advance(active, now_ms)` runs every timer due up to `now_ms` across all the given
incidents in global time order (a unit freed by one incident at 10:02 can take another at 10:03),
with each change stamped at the moment it happened, not at `now`. Position updates are not
replayed one by one when catching up: a responder's position is a function of time, so only the
latest one before `now` is applied.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field

from sety_console.api.models import Incident

from . import lifecycle
from .clock import from_ms, to_ms
from .geometry import distance_m, interpolate
from .lifecycle import UnitInfo
from .plans import Plan

MAX_SEARCH_KM = 80.0
RETRY_ASSIGN_MS = 30_000
MIN_TRAVEL_S = 30.0


@dataclass
class Unit:
    """A responder unit of the pool and where it is; `incident_id` is set while it is busy."""

    info: UnitInfo
    lng: float
    lat: float
    incident_id: str | None = None

    @property
    def position(self) -> tuple[float, float]:
        return (self.lng, self.lat)


@dataclass
class Emitted:
    """A webhook event caused by the simulation, with the incident as it was right after it."""

    incident_id: str
    event: str
    snapshot: str | None


@dataclass
class AdvanceResult:
    changed: set[str] = field(default_factory=set)
    events: list[Emitted] = field(default_factory=list)
    units_changed: set[str] = field(default_factory=set)


class Simulation:
    """Runs plans against a pool of units. Not thread-safe: the dispatcher serialises calls."""

    def __init__(
        self,
        units: dict[str, Unit],
        *,
        position_interval_s: float = 15.0,
        want_snapshot: Callable[[str], bool] = lambda _incident_id: False,
    ) -> None:
        self.units = units
        self.position_interval_ms = int(position_interval_s * 1000)
        self.want_snapshot = want_snapshot

    def advance(self, active: dict[str, tuple[Incident, Plan]], now_ms: int) -> AdvanceResult:
        result = AdvanceResult()
        heap: list[tuple[int, str]] = []
        for incident_id, (_, plan) in active.items():
            due = plan.next_due()
            if due is not None and due <= now_ms:
                heap.append((due, incident_id))
        heapq.heapify(heap)
        while heap:
            due, incident_id = heapq.heappop(heap)
            incident, plan = active[incident_id]
            earliest = plan.earliest()
            if earliest is None:
                continue
            name, at_ms = earliest
            if at_ms != due:
                heapq.heappush(heap, (at_ms, incident_id))
                continue
            events = self._run(name, incident, plan, at_ms, now_ms, result)
            result.changed.add(incident_id)
            if events:
                snapshot = (
                    incident.model_dump_json(by_alias=True) if self.want_snapshot(incident_id) else None
                )
                result.events.extend(Emitted(incident_id, event, snapshot) for event in events)
            following = plan.next_due()
            if following is not None and following <= now_ms:
                heapq.heappush(heap, (following, incident_id))
        return result

    def stand_down(self, plan: Plan, result: AdvanceResult | None = None) -> None:
        """Free the plan's unit where it stands and drop every timer (cancel, resolve)."""
        unit = self.units.get(plan.unit_id) if plan.unit_id else None
        if unit is not None and unit.incident_id is not None:
            unit.incident_id = None
            if result is not None:
                result.units_changed.add(unit.info.responder_id)
        plan.timers.clear()

    # ------------------------------------------------------------------ timer handlers

    def _run(
        self, name: str, incident: Incident, plan: Plan, at_ms: int, now_ms: int, result: AdvanceResult
    ) -> list[str]:
        del plan.timers[name]
        at = from_ms(at_ms)
        status = incident.status.value
        if name == "dispatch":
            return lifecycle.start_dispatch(incident, at) if status == "created" else []
        if name == "escalate":
            if status in ("created", "dispatching"):
                plan.search_km = min(MAX_SEARCH_KM, plan.search_km * 2)
                text = (
                    f"No responder has accepted yet; priority raised, search widened to {plan.search_km:g} km"
                )
                lifecycle.add_event(incident, "escalated", text, at)
            return []
        if name == "response_sla":
            if incident.sla is not None and incident.sla.assigned_at is None:
                lifecycle.breach(incident, at, "response_target_exceeded")
            return []
        if name == "arrival_sla":
            if incident.sla is not None and incident.sla.arrived_at is None:
                lifecycle.breach(incident, at, "arrival_target_exceeded")
            return []
        handler = {
            "assign": self._assign,
            "reassign": self._reassign,
            "depart": self._depart,
            "move": self._move,
            "arrive": self._arrive,
            "resolve": self._resolve,
            "cancel": self._cancel,
        }[name]
        return handler(incident, plan, at_ms, now_ms, result)

    def _assign(
        self, incident: Incident, plan: Plan, at_ms: int, _now: int, result: AdvanceResult
    ) -> list[str]:
        at = from_ms(at_ms)
        unit = self._nearest_free(incident, plan.search_km, plan.excluded)
        if unit is None:
            if plan.search_km < MAX_SEARCH_KM:
                wider = min(MAX_SEARCH_KM, plan.search_km * 2.5)
                text = f"No free responder within {plan.search_km:g} km; search widened to {wider:g} km"
                lifecycle.add_event(incident, "escalated", text, at)
                plan.search_km = wider
            plan.timers["assign"] = at_ms + RETRY_ASSIGN_MS
            return []
        self._occupy(unit, incident, plan, result)
        target = incident.location.coordinates
        distance = distance_m(unit.lng, unit.lat, target[0], target[1])
        plan.timers["depart"] = at_ms + int(plan.spec.depart_delay_s * 1000)
        spec = plan.spec
        if spec.reassign_after_s is not None:
            reassign_at = _offset_ms(incident, spec.reassign_after_s)
            plan.timers["reassign"] = max(reassign_at, at_ms + int(spec.depart_delay_s * 500))
        return lifecycle.assign(incident, unit.info, at, unit.position, distance)

    def _reassign(
        self, incident: Incident, plan: Plan, at_ms: int, _now: int, result: AdvanceResult
    ) -> list[str]:
        plan.spec.reassign_after_s = None
        if incident.status.value not in ("assigned", "responding"):
            return []
        current = self.units.get(plan.unit_id) if plan.unit_id else None
        excluded = [*plan.excluded, *([current.info.responder_id] if current else [])]
        unit = self._nearest_free(incident, MAX_SEARCH_KM, excluded)
        if unit is None:
            return []
        if current is not None:
            if plan.origin is not None and plan.depart_at_ms is not None and plan.arrive_at_ms:
                current.lng, current.lat = self._position_at(incident, plan, at_ms)
            current.incident_id = None
            result.units_changed.add(current.info.responder_id)
            plan.excluded.append(current.info.responder_id)
        self._occupy(unit, incident, plan, result)
        for timer in ("move", "arrive", "depart"):
            plan.timers.pop(timer, None)
        plan.origin = plan.depart_at_ms = plan.arrive_at_ms = None
        plan.timers["depart"] = at_ms + int(plan.spec.depart_delay_s * 1000)
        target = incident.location.coordinates
        distance = distance_m(unit.lng, unit.lat, target[0], target[1])
        return lifecycle.reassign(incident, unit.info, from_ms(at_ms), unit.position, distance)

    def _depart(
        self, incident: Incident, plan: Plan, at_ms: int, _now: int, _result: AdvanceResult
    ) -> list[str]:
        unit = self.units[plan.unit_id] if plan.unit_id else None
        if unit is None:
            return []
        target = incident.location.coordinates
        distance = distance_m(unit.lng, unit.lat, target[0], target[1])
        travel_s = max(MIN_TRAVEL_S, distance / plan.spec.speed_mps)
        if plan.spec.arrive_after_s is not None:
            fixed_ms = _offset_ms(incident, plan.spec.arrive_after_s)
            if fixed_ms - at_ms >= MIN_TRAVEL_S * 1000:
                travel_s = (fixed_ms - at_ms) / 1000
        plan.origin = unit.position
        plan.depart_at_ms = at_ms
        plan.arrive_at_ms = at_ms + int(travel_s * 1000)
        plan.timers["arrive"] = plan.arrive_at_ms
        if at_ms + self.position_interval_ms < plan.arrive_at_ms:
            plan.timers["move"] = at_ms + self.position_interval_ms
        return lifecycle.depart(incident, from_ms(at_ms), round(travel_s), distance)

    def _move(
        self, incident: Incident, plan: Plan, at_ms: int, now_ms: int, result: AdvanceResult
    ) -> list[str]:
        arrive_ms = plan.arrive_at_ms or at_ms
        if arrive_ms <= now_ms:
            return []  # arrival is due in this same run and sets the final position
        step = self.position_interval_ms
        # Catching up: only the latest position before `now` (and before the plan's next step) matters.
        limit = min([now_ms, *plan.timers.values()])
        if limit > at_ms:
            at_ms += (limit - at_ms) // step * step
        position = self._position_at(incident, plan, at_ms)
        target = incident.location.coordinates
        unit = self.units.get(plan.unit_id) if plan.unit_id else None
        if unit is not None:
            unit.lng, unit.lat = position
            result.units_changed.add(unit.info.responder_id)
        distance = distance_m(position[0], position[1], target[0], target[1])
        eta = max(0, round((arrive_ms - at_ms) / 1000))
        lifecycle.move(incident, from_ms(at_ms), position, distance, eta)
        if at_ms + step < arrive_ms:
            plan.timers["move"] = at_ms + step
        return []

    def _arrive(
        self, incident: Incident, plan: Plan, at_ms: int, _now: int, result: AdvanceResult
    ) -> list[str]:
        plan.timers.pop("move", None)
        unit = self.units.get(plan.unit_id) if plan.unit_id else None
        if unit is not None:
            unit.lng, unit.lat = incident.location.coordinates
            result.units_changed.add(unit.info.responder_id)
        close_ms = at_ms + int(plan.spec.on_scene_s * 1000)
        if plan.spec.close_after_s is not None and plan.spec.cancel_reason is None:
            fixed = _offset_ms(incident, plan.spec.close_after_s)
            close_ms = fixed if fixed > at_ms else at_ms + 60_000
        if "cancel" not in plan.timers:
            plan.timers["resolve"] = close_ms
        return lifecycle.arrive(incident, from_ms(at_ms))

    def _resolve(
        self, incident: Incident, plan: Plan, at_ms: int, _now: int, result: AdvanceResult
    ) -> list[str]:
        self.stand_down(plan, result)
        return lifecycle.resolve(incident, from_ms(at_ms), plan.spec.outcome, plan.spec.notes)

    def _cancel(
        self, incident: Incident, plan: Plan, at_ms: int, _now: int, result: AdvanceResult
    ) -> list[str]:
        if incident.status.is_terminal:
            return []
        if plan.origin is not None and plan.unit_id and plan.unit_id in self.units and plan.arrive_at_ms:
            unit = self.units[plan.unit_id]
            unit.lng, unit.lat = self._position_at(incident, plan, min(at_ms, plan.arrive_at_ms))
        self.stand_down(plan, result)
        return lifecycle.cancel(incident, from_ms(at_ms), plan.spec.cancel_reason)

    # ------------------------------------------------------------------ helpers

    def _nearest_free(self, incident: Incident, radius_km: float, excluded: list[str]) -> Unit | None:
        lng, lat = incident.location.coordinates
        best: tuple[float, str] | None = None
        for unit in self.units.values():
            if unit.incident_id is not None or unit.info.responder_id in excluded:
                continue
            distance = distance_m(unit.lng, unit.lat, lng, lat)
            if distance <= radius_km * 1000 and (best is None or (distance, unit.info.responder_id) < best):
                best = (distance, unit.info.responder_id)
        return self.units[best[1]] if best else None

    def _occupy(self, unit: Unit, incident: Incident, plan: Plan, result: AdvanceResult) -> None:
        unit.incident_id = incident.incident_id
        plan.unit_id = unit.info.responder_id
        result.units_changed.add(unit.info.responder_id)

    def _position_at(self, incident: Incident, plan: Plan, at_ms: int) -> tuple[float, float]:
        if plan.origin is None or plan.depart_at_ms is None or not plan.arrive_at_ms:
            unit = self.units.get(plan.unit_id) if plan.unit_id else None
            return unit.position if unit else incident.location.coordinates
        span = max(1, plan.arrive_at_ms - plan.depart_at_ms)
        return interpolate(plan.origin, incident.location.coordinates, (at_ms - plan.depart_at_ms) / span)


def _offset_ms(incident: Incident, seconds: float) -> int:
    return to_ms(incident.created_at) + int(seconds * 1000)
