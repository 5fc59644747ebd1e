"""The service-area history that threat intelligence is computed from, and cached danger zones.

Decision (recorded here because the contract leaves it open): intelligence is computed from the
organisation-independent *service-area history*, not from the caller's own incidents. With
`sety_test_` keys every incident is a drill, and drills are left out of intelligence, so a
sandbox fed only by test keys would have nothing to show. The history is therefore: the seeded
historical incidents (`is_history`, drills or not) plus every non-drill incident of any
organisation. Incidents created with test keys never feed it.

Points are reloaded and danger zones recomputed when the history changed (an incident of it was
created or moved on) or the clock moved on, at most once every `intel_refresh_seconds` of wall
time (0 in tests: at once).
"""

from __future__ import annotations

import threading
import time
from datetime import datetime

from sqlalchemy import or_, select

from sety_console.api.models import DangerZone

from .clock import SandboxClock, from_ms
from .db import Database
from .intel import IncidentPoint, danger_zones
from .tables import IncidentRow


class IntelCache:
    """Thread-safe cache of the history points and of the danger zones computed from them."""

    def __init__(self, db: Database, clock: SandboxClock, refresh_seconds: float) -> None:
        self._db = db
        self._clock = clock
        self._refresh = refresh_seconds
        self._lock = threading.Lock()
        self._dirty = True
        self._points: list[IncidentPoint] = []
        self._zones: list[DangerZone] = []
        self._computed_sim: datetime | None = None
        self._computed_wall = 0.0

    def mark_dirty(self) -> None:
        """The history changed: recompute at the next chance."""
        self._dirty = True

    def snapshot(self) -> tuple[list[IncidentPoint], list[DangerZone]]:
        """Current history points and danger zones (recomputed first when due)."""
        with self._lock:
            if self._due():
                self._recompute()
            return self._points, self._zones

    def _due(self) -> bool:
        if self._computed_sim is None:
            return True
        if time.monotonic() - self._computed_wall < self._refresh:
            return False
        moved = (self._clock.now() - self._computed_sim).total_seconds() >= max(self._refresh, 1.0)
        return self._dirty or moved

    def _recompute(self) -> None:
        self._dirty = False
        now = self._clock.now()
        self._points = self._load_points()
        self._zones = danger_zones(self._points, now)
        self._computed_sim, self._computed_wall = now, time.monotonic()

    def _load_points(self) -> list[IncidentPoint]:
        columns = (
            IncidentRow.incident_id,
            IncidentRow.lng,
            IncidentRow.lat,
            IncidentRow.category,
            IncidentRow.severity,
            IncidentRow.status,
            IncidentRow.created_at_ms,
            IncidentRow.time_to_assign_s,
            IncidentRow.time_to_arrive_s,
        )
        stmt = select(*columns).where(or_(IncidentRow.is_history, IncidentRow.is_drill.is_(False)))
        with self._db.session() as session:
            rows = session.execute(stmt.order_by(IncidentRow.created_at_ms)).all()
        return [
            IncidentPoint(
                incident_id=r.incident_id,
                lng=r.lng,
                lat=r.lat,
                category=r.category,
                severity=r.severity,
                status=r.status,
                created_at=from_ms(r.created_at_ms),
                time_to_assign_seconds=r.time_to_assign_s,
                time_to_arrive_seconds=r.time_to_arrive_s,
            )
            for r in rows
        ]
