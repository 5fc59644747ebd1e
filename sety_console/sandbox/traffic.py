"""Demo traffic: new incidents at a steady average rate, created like API incidents.

Arrivals form a Poisson process in simulated time (`rate_per_minute` on average), each incident
drawn by `demo_data.new_incident` (category mix of the hour and weekday, Lagos neighbourhoods).
They go through `IncidentService.create`, so they dispatch and fire webhooks like any other.

Believable, also across restarts: each start draws from its own stream (seeded with the start
time, so a restart never replays the previous run's callers), and `RecentCalls` — loaded from the
database at start — keeps a subject from calling twice within `SUBJECT_WINDOW` and an address
from being reported twice within `PLACE_WINDOW`, except for the few deliberate repeat callers
(same name, phone, e-mail and reference, at least `REPEAT_AFTER` after their last call).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import random
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from .clock import from_ms, to_ms
from .db import Database
from .demo_data import DemoIncident, new_incident
from .incident_service import IncidentService
from .seed import demo_request
from .tables import IncidentRow

log = logging.getLogger(__name__)

SUBJECT_WINDOW = timedelta(hours=4)
"""A subject calls at most once in this long, unless it is a repeat caller."""
PLACE_WINDOW = timedelta(minutes=30)
"""The same address is not reported twice in this long."""
REPEAT_CALLER_SHARE = 0.02
"""Share of new incidents raised by someone who called earlier (a real repeat caller)."""
REPEAT_AFTER = timedelta(minutes=45)
"""A repeat caller calls back this long after their last call at the earliest."""
MAX_REDRAWS = 50
_PRUNE_EVERY = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who raised an incident, as the subject fields say."""

    name: str
    phone: str | None
    email: str | None
    reference: str | None


class RecentCalls:
    """Who called from where lately, by simulated time."""

    def __init__(self) -> None:
        self._callers: dict[str, tuple[datetime, Caller]] = {}
        self._places: dict[str, datetime] = {}
        self._pruned_at: datetime | None = None

    def remember(self, at: datetime, caller: Caller, place: str | None) -> None:
        key = caller.name.casefold()
        if key not in self._callers or self._callers[key][0] < at:
            self._callers[key] = (at, caller)
        if place and (place not in self._places or self._places[place] < at):
            self._places[place] = at

    def clashes(self, at: datetime, demo: DemoIncident, *, repeat_caller: bool = False) -> bool:
        """True when `demo` would look like a duplicate of a recent call (a repeat caller may call again)."""
        last = self._callers.get(demo.subject_name.casefold())
        if not repeat_caller and last is not None and at - last[0] < SUBJECT_WINDOW:
            return True
        place = _place_key(demo.address, demo.landmark)
        seen = self._places.get(place) if place else None
        return seen is not None and at - seen < PLACE_WINDOW

    def repeat_callers(self, at: datetime) -> list[Caller]:
        """Callers who may call back now (their last call long enough ago), oldest name first."""
        return sorted(
            (caller for when, caller in self._callers.values() if at - when >= REPEAT_AFTER),
            key=lambda c: c.name,
        )

    def forget_before(self, moment: datetime) -> None:
        """Drop what no longer matters at `moment` (at most every few minutes: it is only memory)."""
        if self._pruned_at is not None and moment - self._pruned_at < _PRUNE_EVERY:
            return
        self._pruned_at = moment
        self._callers = {k: v for k, v in self._callers.items() if v[0] >= moment - SUBJECT_WINDOW}
        self._places = {k: v for k, v in self._places.items() if v >= moment - PLACE_WINDOW}

    def load(self, db: Database, org_id: str, environment: str, since: datetime) -> None:
        """Remember every incident of the organisation created since `since` (the last run's calls)."""
        stmt = select(IncidentRow.created_at_ms, IncidentRow.document).where(
            IncidentRow.org_id == org_id,
            IncidentRow.environment == environment,
            IncidentRow.created_at_ms >= to_ms(since),
        )
        with db.session() as session:
            for created_ms, document in session.execute(stmt):
                data = json.loads(document)
                subject, location = data.get("subject") or {}, data.get("location") or {}
                if not subject.get("name"):
                    continue
                caller = Caller(
                    subject["name"], subject.get("phone"), subject.get("email"), subject.get("reference")
                )
                place = _place_key(location.get("address"), location.get("landmark"))
                self.remember(from_ms(created_ms), caller, place)


def _place_key(address: str | None, landmark: str | None) -> str | None:
    return address or landmark


def _caller_of(demo: DemoIncident) -> Caller:
    return Caller(demo.subject_name, demo.subject_phone, demo.subject_email, demo.subject_reference)


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
        db: Database | None = None,
    ) -> None:
        if rate_per_minute < 0:
            raise ValueError("the traffic rate must not be negative")
        self._incidents = incidents
        self._rate = rate_per_minute
        self._org_id = org_id
        self._environment = environment
        self._rng = random.Random(f"traffic|{seed}|{to_ms(start)}")  # a restart never replays a run
        self._next_at = start + self._gap() if rate_per_minute > 0 else start
        self._lock = threading.Lock()
        self.recent = RecentCalls()
        if db is not None and rate_per_minute > 0:
            self.recent.load(db, org_id, environment, start - SUBJECT_WINDOW)
        self.created = 0

    def advance_to(self, now: datetime) -> int:
        """Create every incident due up to `now`; returns how many were created."""
        if self._rate <= 0:
            return 0
        made = 0
        with self._lock:
            while self._next_at <= now:
                demo = self.draw(self._next_at)
                self._incidents.create(self._org_id, self._environment, demo_request(demo), at=self._next_at)
                made += 1
                self._next_at += self._gap()
        self.created += made
        if made:
            log.debug("traffic: %d new incident(s)", made)
        return made

    def draw(self, at: datetime) -> DemoIncident:
        """The next incident at `at`: a repeat caller now and then, else someone not heard from lately;
        never at an address reported moments ago."""
        self.recent.forget_before(at)
        caller = None
        if self._rng.random() < REPEAT_CALLER_SHARE:
            repeaters = self.recent.repeat_callers(at)
            caller = self._rng.choice(repeaters) if repeaters else None
        for _ in range(MAX_REDRAWS):
            demo = new_incident(self._rng, at)
            if caller is not None:
                demo = dataclasses.replace(
                    demo,
                    subject_name=caller.name,
                    subject_phone=caller.phone,
                    subject_email=caller.email,
                    subject_reference=caller.reference,
                )
            if not self.recent.clashes(at, demo, repeat_caller=caller is not None):
                break
        self.recent.remember(at, _caller_of(demo), _place_key(demo.address, demo.landmark))
        return demo

    def _gap(self) -> timedelta:
        return timedelta(seconds=self._rng.expovariate(self._rate / 60.0))
