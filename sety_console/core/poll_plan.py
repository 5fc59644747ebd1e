"""What the poller asks next: the plan's settings, the area schedule, and the fallback mode's planning.

Pure decisions (no I/O), plus the poller's vocabulary (`PollMode`, `PollerEvents`): `PollPlan` holds
the settings, `next_area` picks which area the next request serves, `FallbackPlanner` decides the
fallback mode's next incident request when the server does not support `updated_since`:

* the newest page of open incidents every other request (new incidents and changes on it show up);
* incidents that vanished from a page where they should have been (they closed) are fetched one by one,
  first of all;
* open incidents that fell off the newest page are refreshed most urgent first: a few urgent ones
  (critical, or high SOS/vehicle) one by one with `get_incident` when older than `urgent_refresh_s`;
  when many are off the page, by walking the deeper pages of the open list (one request covers a
  page); a few non-urgent ones by `get_incident` round-robin, least recently confirmed first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from sety_console.api.models import ACTIVE_STATUSES, Incident, IncidentPage, Severity

from .changes import ChangeSet
from .events import Event
from .rules import is_high_priority, priority_key
from .stores import IncidentStore

OPEN_STATUSES = sorted(ACTIVE_STATUSES)


@dataclass(frozen=True, slots=True)
class PollPlan:
    """Settings of the poller; the request rate itself comes from the rate budget (see `pacing`)."""

    overlap_s: float = 2.0
    """`updated_since` goes back this far behind the newest `updated_at` held (late commits)."""
    page_limit: int = 100
    resync_after_gap_s: float = 300.0
    """No successful incident poll for this long: fetch everything again."""
    recent_hours: float = 12.0
    """A resync fetches every open incident plus those created in the last `recent_hours`."""
    closed_retention_hours: float = 12.0
    """Closed incidents not updated for this long are dropped from the store."""
    visitors_interval_s: dict[str, float] = field(default_factory=lambda: {"gate": 5.0, "*": 60.0})
    zones_interval_s: dict[str, float] = field(default_factory=lambda: {"map": 120.0, "*": 600.0})
    reserve_fraction: float = 0.03
    min_reserve: int = 2
    error_backoff_max_s: float = 30.0
    urgent_refresh_s: float = 10.0
    single_get_threshold: int = 4
    """Fallback: at most this many off-page incidents are refreshed one by one instead of by pages."""

    def interval(self, table: dict[str, float], focus: str) -> float:
        return table.get(focus, table["*"])


class Area(Enum):
    RESYNC = "resync"
    INCIDENTS = "incidents"
    VISITORS = "visitors"
    ZONES = "zones"


def next_area(
    *,
    resync_due: bool,
    incidents_on: bool,
    since_visitors: float | None,
    visitors_interval: float | None,
    since_zones: float | None,
    zones_interval: float | None,
) -> Area | None:
    """The area the next request serves: a pending resync, then an overdue side area, else incidents.

    `since_*` is the time since that area last succeeded (None: never); an interval of None means the
    area is not polled (scope missing). Returns None when there is nothing to poll at all.
    """
    if resync_due and incidents_on:
        return Area.RESYNC
    if visitors_interval is not None and (since_visitors is None or since_visitors >= visitors_interval):
        return Area.VISITORS
    if zones_interval is not None and (since_zones is None or since_zones >= zones_interval):
        return Area.ZONES
    return Area.INCIDENTS if incidents_on else None


class PollMode(Enum):
    DELTA = "delta"
    FALLBACK = "fallback"


@dataclass(slots=True)
class PollerEvents:
    """Where the poller announces what it changed (the session's events)."""

    incidents_changed: Event[ChangeSet] = field(default_factory=Event)
    visitors_changed: Event[ChangeSet] = field(default_factory=Event)
    zones_changed: Event[ChangeSet] = field(default_factory=Event)
    freshness_changed: Event[None] = field(default_factory=Event)
    mode_changed: Event[PollMode] = field(default_factory=Event)
    incidents_polled: Event[ChangeSet] = field(default_factory=Event)
    """After each delta poll of incidents: what it changed (a hub compares it with the webhooks)."""


class StepKind(Enum):
    NEWEST_PAGE = "newest_page"
    DEEP_PAGE = "deep_page"
    GET = "get"


@dataclass(frozen=True, slots=True)
class FallbackStep:
    kind: StepKind
    page: int = 1
    incident_id: str | None = None


def _urgent(incident: Incident) -> bool:
    return incident.severity == Severity.critical or is_high_priority(incident)


class FallbackPlanner:
    """State and decisions of the fallback mode (no `updated_since`)."""

    def __init__(self, plan: PollPlan) -> None:
        self._plan = plan
        self.confirmed: dict[str, float] = {}  # incident id -> monotonic time the server last showed it
        self._suspects: set[str] = set()
        self._newest_ids: set[str] = set()
        self._total_pages = 1
        self._next_deep = 2
        self._last_was_newest = False
        self._sweep_seen: set[str] = set()
        self._sweep_started: float | None = None

    def next_step(self, store: IncidentStore, now: float) -> FallbackStep:
        """The next request of the fallback mode."""
        suspects = [store.get(i) for i in self._suspects]
        known = [i for i in suspects if i is not None]
        if known:
            return FallbackStep(StepKind.GET, incident_id=min(known, key=priority_key).incident_id)
        if not self._last_was_newest or not self._newest_ids:
            return FallbackStep(StepKind.NEWEST_PAGE)
        off_page = [i for i in store.open_incidents() if i.incident_id not in self._newest_ids]
        if not off_page:
            return FallbackStep(StepKind.NEWEST_PAGE)

        def age(incident: Incident) -> float:
            return now - self.confirmed.get(incident.incident_id, -1e9)

        urgent = [i for i in off_page if _urgent(i) and age(i) >= self._plan.urgent_refresh_s]
        many_pages = self._total_pages > 1
        if urgent and (len(urgent) <= self._plan.single_get_threshold or not many_pages):
            return FallbackStep(StepKind.GET, incident_id=min(urgent, key=priority_key).incident_id)
        if len(off_page) > self._plan.single_get_threshold and many_pages:
            page = self._next_deep if self._next_deep <= self._total_pages else 2
            return FallbackStep(StepKind.DEEP_PAGE, page=page)
        pick = min(off_page, key=lambda i: (-age(i), priority_key(i)))
        return FallbackStep(StepKind.GET, incident_id=pick.incident_id)

    def on_page(self, step: FallbackStep, page: IncidentPage, store: IncidentStore, now: float) -> None:
        """Record what a page of open incidents showed (call after applying it to the store)."""
        self._last_was_newest = step.kind is StepKind.NEWEST_PAGE
        ids = {i.incident_id for i in page.data}
        for incident_id in ids:
            self.confirmed[incident_id] = now
            self._suspects.discard(incident_id)
        self._total_pages = max(1, page.pagination.total_pages)
        if step.kind is StepKind.NEWEST_PAGE:
            self._newest_ids = ids
            self._start_sweep(now)
        else:
            self._next_deep = step.page + 1 if step.page < self._total_pages else 2
        self._sweep_seen |= ids
        self._find_vanished(page, ids, store, last_page=not page.pagination.has_more)

    def _start_sweep(self, now: float) -> None:
        if self._sweep_started is None or self._next_deep == 2:
            self._sweep_seen = set()
            self._sweep_started = now

    def _find_vanished(
        self, page: IncidentPage, ids: set[str], store: IncidentStore, *, last_page: bool
    ) -> None:
        """Open incidents the page should have shown but did not: they probably closed."""
        if last_page:
            missing = store.open_ids() - self._sweep_seen
            if page.pagination.page == 1:
                missing = store.open_ids() - ids
            self._suspects |= missing
            return
        if not page.data:
            return
        oldest = min(i.created_at for i in page.data)
        newest = max(i.created_at for i in page.data)
        for incident in store.open_incidents():
            if incident.incident_id not in ids and oldest < incident.created_at < newest:
                self._suspects.add(incident.incident_id)
        if page.pagination.page == 1:
            for incident in store.open_incidents():
                if incident.incident_id not in ids and incident.created_at > newest:
                    self._suspects.add(incident.incident_id)

    def on_get(self, incident_id: str, now: float) -> None:
        """A single incident was fetched (or is gone: 404)."""
        self.confirmed[incident_id] = now
        self._suspects.discard(incident_id)
        self._last_was_newest = False

    def oldest_confirmation(self, store: IncidentStore) -> float | None:
        """Monotonic time of the least recently confirmed open incident (the store's true freshness)."""
        times = [self.confirmed.get(i) for i in store.open_ids()]
        if not times:
            return None
        if any(t is None for t in times):
            return None
        return min(t for t in times if t is not None)
