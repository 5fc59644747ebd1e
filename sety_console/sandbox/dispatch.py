"""The simulated responder side, persisted: runs the simulation over the database as time passes.

`Dispatcher.advance_to(now)` loads the incidents whose next timer is due (an index scan on
`next_action_at_ms`), lets `Simulation` play every due step in time order, writes the incidents
and units back and queues the webhooks, all in one transaction under the database write lock.
With a real clock the sandbox calls it a few times a second; with a manual clock every
`clock.advance()` calls it, so tests see each consequence at once and deterministically.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sety_console.api.models import Incident

from . import incident_store
from .clock import SandboxClock, to_ms
from .config import SandboxConfig
from .db import Database
from .lifecycle import UnitInfo
from .plans import Plan, draw_spec, initial_plan
from .simulation import Simulation, Unit
from .tables import IncidentRow, ResponderUnitRow
from .webhooks import QueuedEvent, WebhookDeliverer

log = logging.getLogger(__name__)


class Dispatcher:
    """Owns the responder pool (kept in memory, mirrored in `responder_units`) and the timers."""

    def __init__(
        self,
        db: Database,
        clock: SandboxClock,
        config: SandboxConfig,
        deliverer: WebhookDeliverer,
        on_history_change: Callable[[], None],
    ) -> None:
        self._db = db
        self._clock = clock
        self._config = config
        self._deliverer = deliverer
        self._on_history_change = on_history_change
        self.units: dict[str, Unit] = {}

    def load_units(self) -> None:
        with self._db.session() as session:
            rows = session.scalars(select(ResponderUnitRow)).all()
            self.units = {row.unit_id: _unit(row) for row in rows}

    def simulation(self, want_snapshot: Callable[[str], bool] = lambda _i: False) -> Simulation:
        return Simulation(
            self.units,
            position_interval_s=self._config.position_update_seconds,
            want_snapshot=want_snapshot,
        )

    def new_plan(self, incident: Incident, org_id: str) -> Plan:
        """Draw what the responder side will do, seeded by the sandbox seed and the incident's data."""
        lng, lat = incident.location.coordinates
        key = (
            f"{self._config.seed_value}|{org_id}|{to_ms(incident.created_at)}|{lng:.6f},{lat:.6f}|"
            f"{incident.category.value}|{incident.severity.value}|{incident.subject.name}"
        )
        spec = draw_spec(random.Random(key), incident.severity.value, incident.category.value)
        return initial_plan(spec, incident.severity.value, to_ms(incident.created_at))

    def advance_to(self, now: datetime | None = None) -> int:
        """Run every step due up to `now` (default: the clock's now); returns incidents changed."""
        now_ms = to_ms(now or self._clock.now())
        with self._db.write_lock, self._db.session() as session:
            rows = session.scalars(select(IncidentRow).where(IncidentRow.next_action_at_ms <= now_ms)).all()
            if not rows:
                return 0
            by_id = {row.incident_id: row for row in rows}
            active = {
                row.incident_id: (
                    Incident.model_validate_json(row.document),
                    Plan.from_json(row.plan or ""),
                )
                for row in rows
            }

            def wanted(incident_id: str) -> bool:
                row = by_id[incident_id]
                return self._deliverer.wants(row.org_id, row.environment)

            result = self.simulation(wanted).advance(active, now_ms)
            for incident_id in result.changed:
                incident_store.store_state(by_id[incident_id], *active[incident_id])
            self.persist_units(session, result.units_changed)
            queued = [
                QueuedEvent(
                    by_id[e.incident_id].org_id, by_id[e.incident_id].environment, e.event, e.snapshot
                )
                for e in result.events
                if e.snapshot is not None
            ]
            delivery_ids = self._deliverer.queue(session, queued, now_ms)
            touches_history = any(by_id[i].is_history or not by_id[i].is_drill for i in result.changed)
        self._deliverer.kick(delivery_ids)
        if touches_history:
            self._on_history_change()
        return len(result.changed)

    def stand_down(self, session: Session, plan: Plan) -> None:
        """Free the plan's responder (cancel) and persist the unit."""
        unit_id = plan.unit_id
        self.simulation().stand_down(plan)
        if unit_id:
            self.persist_units(session, [unit_id])

    def persist_units(self, session: Session, unit_ids: Iterable[str]) -> None:
        for unit_id in unit_ids:
            unit = self.units[unit_id]
            row = session.get(ResponderUnitRow, unit_id)
            if row is not None:
                row.lng, row.lat, row.incident_id = unit.lng, unit.lat, unit.incident_id


def _unit(row: ResponderUnitRow) -> Unit:
    info = UnitInfo(row.unit_id, row.name, row.phone, row.unit, row.vehicle_plate)
    return Unit(info=info, lng=row.lng, lat=row.lat, incident_id=row.incident_id)


def unit_row(unit: Unit) -> ResponderUnitRow:
    info = unit.info
    return ResponderUnitRow(
        unit_id=info.responder_id,
        name=info.name,
        phone=info.phone,
        unit=info.unit,
        vehicle_plate=info.vehicle_plate,
        lng=unit.lng,
        lat=unit.lat,
        incident_id=unit.incident_id,
    )
