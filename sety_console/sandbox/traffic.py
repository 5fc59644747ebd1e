"""Demo traffic: new incidents at a steady average rate, created like API incidents.

Arrivals form a Poisson process in simulated time (`rate_per_minute` on average), each incident
drawn by `demo_data.new_incident` (category mix of the hour and weekday, Lagos neighbourhoods).
They go through `IncidentService.create`, so they dispatch and fire webhooks like any other.
"""

from __future__ import annotations

import logging
import random
import threading
from datetime import datetime, timedelta

from .demo_data import new_incident
from .incident_service import IncidentService
from .seed import demo_request

log = logging.getLogger(__name__)


class TrafficGenerator:
    """Creates incidents for one organisation and environment as simulated time passes."""

    def __init__(
        self,
        incidents: IncidentService,
        rate_per_minute: float,
        *,
        start: datetime,
        org_id: str,
        environment: str = "test",
        seed: int = 7,
    ) -> None:
        if rate_per_minute < 0:
            raise ValueError("the traffic rate must not be negative")
        self._incidents = incidents
        self._rate = rate_per_minute
        self._org_id = org_id
        self._environment = environment
        self._rng = random.Random(f"traffic|{seed}")
        self._next_at = start + self._gap() if rate_per_minute > 0 else start
        self._lock = threading.Lock()
        self.created = 0

    def advance_to(self, now: datetime) -> int:
        """Create every incident due up to `now`; returns how many were created."""
        if self._rate <= 0:
            return 0
        made = 0
        with self._lock:
            while self._next_at <= now:
                demo = new_incident(self._rng, self._next_at)
                self._incidents.create(self._org_id, self._environment, demo_request(demo), at=self._next_at)
                made += 1
                self._next_at += self._gap()
        self.created += made
        if made:
            log.debug("traffic: %d new incident(s)", made)
        return made

    def _gap(self) -> timedelta:
        return timedelta(seconds=self._rng.expovariate(self._rate / 60.0))
