"""The poller: keeps the stores fresh inside the key's rate budget.

One request at a time, each paced by `SharePacer` (the budget the server reports, shared fairly with
other consoles on the same key, a reserve kept for user actions). Each request serves the area that needs
it most (`poll_plan.next_area`): a pending full resync, then visitors or zones when overdue (visitors
often when the gate is in focus, zones rarely), and otherwise incidents:

* **delta mode**: `list_incidents(updated_since=cursor - overlap)`, every page; the cursor is the newest
  `updated_at` seen (the server's clock, so local clock errors do not matter);
* **fallback mode**, entered when the server answers 400 naming `updated_since`: see `FallbackPlanner`.

A full resync (every open incident plus the recent ones) runs at start, after the connection comes back,
and after a long gap without a successful incident poll; it replaces the store only with a complete
picture (every page read; open incidents it did not list are fetched one by one before they are
dropped). Each store's `fresh_as_of` is the local time of the request that last confirmed it;
`freshness_changed` fires when it moves. The delta cursor only moves over data actually received.

Nothing stops the poller: a malformed answer (`ResponseFormatError`) or any unexpected exception in a
poll is logged with its traceback, the affected store is marked stale, the connection shows the
problem (degraded), and polling goes on after a backoff.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from sety_console.api.errors import (
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitedError,
    ResponseFormatError,
    SetyError,
)
from sety_console.api.models import Incident, IncidentPage, PaginatedResponse

from .changes import ChangeSet
from .clock import Clock
from .connection import ConnectionMonitor
from .pacing import SharePacer
from .poll_gate import IncidentGate
from .poll_plan import (
    OPEN_STATUSES,
    Area,
    FallbackPlanner,
    FallbackStep,
    PollerEvents,
    PollMode,
    PollPlan,
    StepKind,
    next_area,
)
from .stores import IncidentStore, VisitorStore, ZoneStore

if TYPE_CHECKING:
    from sety_console.api import SetyClient

__all__ = ["PollMode", "Poller", "PollerEvents"]
log = logging.getLogger(__name__)
T = TypeVar("T")

PRUNE_EVERY_S = 60.0
IDLE_RECHECK_S = 5.0
"""With nothing to poll, the poller looks again this often (a focus change is noticed within it)."""
MISSING_CHECKS_PER_RESYNC = 10
"""Open incidents a resync did not list are fetched one by one (at most this many per resync)."""
AREA_SCOPE = {Area.INCIDENTS: "incidents:read", Area.VISITORS: "access:read", Area.ZONES: "intel:read"}


DEFAULT_STEP_S = 1.0
"""The expected seconds between incident polls before the budget is known."""
MIN_EXPECTED_STEP_S = 1.0
"""A poll takes time to land: data up to two seconds old still counts as live, whatever the budget."""
MAX_EXPECTED_STEP_S = 5.0
"""Never expect fresh data less often than this: a spent budget makes the picture stale, and says so."""


class Poller:
    """Runs the poll plan against one client; `run()` until cancelled, or `step()` one area at a time."""

    def __init__(
        self,
        client: SetyClient,
        *,
        incidents: IncidentStore,
        visitors: VisitorStore,
        zones: ZoneStore,
        monitor: ConnectionMonitor,
        clock: Clock,
        pacer: SharePacer,
        plan: PollPlan | None = None,
        events: PollerEvents | None = None,
    ) -> None:
        self.plan = plan or PollPlan()
        self.events = events or PollerEvents()
        self.mode = PollMode.DELTA
        self.requests = 0
        self._client = client
        self._incidents, self._visitors, self._zones = incidents, visitors, zones
        self._monitor = monitor
        self._clock = clock
        self._pacer = pacer
        self._fallback = FallbackPlanner(self.plan)
        self._focus = "control-room"
        self._disabled: set[Area] = set()
        self._resync_due = True
        self._cursor: datetime | None = None
        self._last_ok: dict[Area, float] = {}
        self._failures = 0
        self._last_prune: float | None = None
        self.gate = IncidentGate()
        """The least time between incident polls (a hub receiving webhooks stretches it), "poll now"."""
        monitor.reconnected.connect(lambda _: self.request_resync())

    # ------------------------------------------------------------------ control

    def set_focus(self, workspace: str) -> None:
        self._focus = workspace

    def request_resync(self) -> None:
        """Fetch everything again before the next delta (after a reconnect, or on demand)."""
        self._resync_due = True

    def resume_from(self, cursor: datetime | None) -> None:
        """Go on from a picture already held (a hub taking over from another): the next incident poll is
        a delta from `cursor` (the newest `updated_at` held), not a full resync."""
        if cursor is None:
            self.request_resync()
            return
        self._cursor, self._resync_due = cursor, False
        self._last_ok[Area.INCIDENTS] = self._clock.monotonic()
        self.gate.poll_now()

    def disable(self, area: Area) -> None:
        """Stop polling an area (its scope is missing)."""
        self._disabled.add(area)

    def enable(self, area: Area) -> None:
        self._disabled.discard(area)

    # ------------------------------------------------------------------ loop

    async def run(self) -> None:
        """Poll until cancelled; no answer and no exception ends this loop."""
        while True:
            try:
                polled = await self.step()
            except Exception:  # step() handles everything it knows; this is the last net
                log.exception("the poller failed outside a poll; going on")
                await self._clock.sleep(self.plan.error_backoff_max_s)
                continue
            if not polled:
                await self._clock.sleep(self._idle_wait())

    async def step(self) -> bool:
        """Serve one area (one or more paced requests); False when there is nothing to poll."""
        area = self._choose()
        if area is None:
            return False
        if area is Area.INCIDENTS:
            wait = self.gate.wait_s(self._last_ok.get(Area.INCIDENTS), self._clock.monotonic())
            if wait > 0:
                await self.gate.nap(self._clock, wait)
                return True
            self.gate.passed()
        try:
            await self._serve(area)
        except ResponseFormatError as error:
            log.warning("poll of %s got an answer it cannot read: %s", area.value, error)
            await self._on_problem(area)
        except SetyError as error:
            await self._on_error(area, error)
        except Exception:
            log.exception("poll of %s failed unexpectedly; the poller goes on", area.value)
            await self._on_problem(area)
        else:
            self._failures = 0
            self._monitor.clear_problem(_source(area), self._clock.now())
        return True

    def _idle_wait(self) -> float:
        """Nothing is due (no incidents scope): sleep until the visitors or zones are due again, and
        look again within `IDLE_RECHECK_S` (the focus may move to the gate meanwhile)."""
        now, plan = self._clock.monotonic(), self.plan
        waits = [
            plan.interval(table, self._focus) - (now - self._last_ok.get(area, now))
            for area, table in (
                (Area.VISITORS, plan.visitors_interval_s),
                (Area.ZONES, plan.zones_interval_s),
            )
            if area not in self._disabled
        ]
        return max(0.1, min([*waits, IDLE_RECHECK_S]))

    def _choose(self) -> Area | None:
        now = self._clock.monotonic()
        last = self._last_ok
        gap = now - last[Area.INCIDENTS] if Area.INCIDENTS in last else 0.0
        if gap > self.plan.resync_after_gap_s:
            self._resync_due = True
        plan, focus = self.plan, self._focus
        return next_area(
            resync_due=self._resync_due,
            incidents_on=Area.INCIDENTS not in self._disabled,
            since_visitors=now - last[Area.VISITORS] if Area.VISITORS in last else None,
            visitors_interval=None
            if Area.VISITORS in self._disabled
            else plan.interval(plan.visitors_interval_s, focus),
            since_zones=now - last[Area.ZONES] if Area.ZONES in last else None,
            zones_interval=None
            if Area.ZONES in self._disabled
            else plan.interval(plan.zones_interval_s, focus),
        )

    async def _serve(self, area: Area) -> None:
        if area is Area.RESYNC:
            await self._resync()
        elif area is Area.VISITORS:
            await self._poll_visitors()
        elif area is Area.ZONES:
            await self._poll_zones()
        elif self.mode is PollMode.DELTA:
            await self._poll_delta()
        else:
            await self._poll_fallback()

    async def _request(self, call: Callable[[], Awaitable[T]]) -> T:
        """One paced request: wait for the budget, send, learn from the answer."""
        while (wait := self._pacer.delay()) > 0:
            await self._clock.sleep(wait)
        self._pacer.sent()
        self.requests += 1
        try:
            result = await call()
        finally:
            self._pacer.observe()
        self._monitor.record_success(self._clock.now())
        return result

    async def _on_problem(self, area: Area) -> None:
        """The server answered, but this area could not be refreshed: stale, degraded, back off."""
        store = self._store_of(area)
        store.mark_stale()
        self.events.freshness_changed.emit(None)
        self._monitor.record_problem(_source(area), self._clock.now(), stale_since=store.fresh_as_of)
        self._failures += 1
        await self._clock.sleep(self._backoff())

    def _store_of(self, area: Area) -> IncidentStore | VisitorStore | ZoneStore:
        if area is Area.VISITORS:
            return self._visitors
        if area is Area.ZONES:
            return self._zones
        return self._incidents

    def _backoff(self) -> float:
        return min(self.plan.error_backoff_max_s, 2.0 ** min(self._failures - 1, 10))

    async def _on_error(self, area: Area, error: SetyError) -> None:
        now = self._clock.now()
        scope = AREA_SCOPE.get(area, "incidents:read")
        if isinstance(error, BadRequestError) and area is Area.INCIDENTS and _names_updated_since(error):
            log.warning("the server does not accept updated_since (%s); switching to fallback polling", error)
            self.mode = PollMode.FALLBACK
            self.events.mode_changed.emit(self.mode)
            self._monitor.record_success(now)
            return
        if isinstance(error, PermissionDeniedError):
            self._monitor.record_failure(error, now, scope=scope)
            self.disable(Area.INCIDENTS if area is Area.RESYNC else area)
            return
        self._monitor.record_failure(error, now)
        self._failures += 1
        if isinstance(error, RateLimitedError):
            pause = error.retry_after
        elif isinstance(error, AuthenticationError | PaymentRequiredError):
            pause = 60.0
        else:
            pause = self._backoff()
        log.info("poll of %s failed (%s); next try in %.0f s", area.value, error, pause)
        await self._clock.sleep(pause)

    # ------------------------------------------------------------------ incidents

    async def _all_pages(self, fetch: Callable[[int], Awaitable[PaginatedResponse[T]]]) -> list[T]:
        """Every item of a paged list, each page a paced request (an error: no list at all)."""
        items: list[T] = []
        page_no = 1
        while True:
            page = await self._request(partial(fetch, page_no))
            items.extend(page.data)
            if not page.pagination.has_more or not page.data:
                return items
            page_no += 1

    async def _pages(self, **filters: Any) -> list[Incident]:
        """Every page of `list_incidents(**filters)`."""
        limit = self.plan.page_limit
        return await self._all_pages(lambda n: self._client.list_incidents(page=n, limit=limit, **filters))

    async def _resync(self) -> None:
        started, started_wall = self._clock.monotonic(), self._clock.now()
        recent_from = started_wall - timedelta(hours=self.plan.recent_hours)
        open_items = await self._pages(status=OPEN_STATUSES)
        recent = await self._pages(from_date=recent_from)
        merged = {i.incident_id: i for i in recent}
        merged.update({i.incident_id: i for i in open_items})
        kept = await self._not_listed(merged)
        changes = self._incidents.replace_all([*merged.values(), *kept])
        elapsed = self._clock.monotonic() - started
        newest = max((i.updated_at for i in merged.values()), default=None)
        if newest is not None:  # never past what was received: an empty answer leaves the cursor alone
            self._advance_cursor(newest - timedelta(seconds=elapsed))
        for incident_id in merged:
            self._fallback.confirmed[incident_id] = started
        self._resync_due = False
        self._done(Area.INCIDENTS, changes, fresh_at=started_wall)

    async def _not_listed(self, listed: dict[str, Incident]) -> list[Incident]:
        """Open incidents held but not in the resync's lists: each fetched before it may go.

        A list can skip an item when another one closes between two pages; only the server saying
        404 (or a newer copy) decides. Those beyond the per-resync budget are kept as they are.
        """
        missing = [i for i in self._incidents.open_incidents() if i.incident_id not in listed]
        kept: list[Incident] = []
        for index, incident in enumerate(missing):
            if index >= MISSING_CHECKS_PER_RESYNC:
                kept.append(incident)
                continue
            incident_id = incident.incident_id
            try:
                fresh = await self._request(partial(self._client.get_incident, incident_id))
            except NotFoundError:
                continue
            listed[incident_id] = fresh
        return kept

    async def _poll_delta(self) -> None:
        started, started_wall = self._clock.monotonic(), self._clock.now()
        if self._cursor is None:  # nothing received yet: ask for the recent past, not for "now"
            since = started_wall - timedelta(hours=self.plan.recent_hours)
        else:
            since = self._cursor - timedelta(seconds=self.plan.overlap_s)
        items = await self._pages(updated_since=since)
        changes = self._incidents.apply(items)
        self.events.incidents_polled.emit(changes)
        newest = max((i.updated_at for i in items), default=None)
        if newest is not None:
            spent = self._clock.monotonic() - started if len(items) > self.plan.page_limit else 0.0
            self._advance_cursor(newest - timedelta(seconds=spent))
        self._done(Area.INCIDENTS, changes, fresh_at=started_wall)

    def _advance_cursor(self, to: datetime) -> None:
        self._cursor = to if self._cursor is None else max(self._cursor, to)

    async def _poll_fallback(self) -> None:
        started_wall = self._clock.now()
        step = self._fallback.next_step(self._incidents, self._clock.monotonic())
        if step.kind is StepKind.GET:
            await self._fallback_get(step)
        else:
            await self._fallback_page(step)
        oldest = self._fallback.oldest_confirmation(self._incidents)
        fresh_at = started_wall - timedelta(seconds=self._clock.monotonic() - oldest) if oldest else None
        self._done(Area.INCIDENTS, ChangeSet(), fresh_at=fresh_at)

    async def _fallback_page(self, step: FallbackStep) -> None:
        page: IncidentPage = await self._request(
            lambda: self._client.list_incidents(
                status=OPEN_STATUSES, page=step.page, limit=self.plan.page_limit
            )
        )
        self._emit_incidents(self._incidents.apply(page.data))
        self._fallback.on_page(step, page, self._incidents, self._clock.monotonic())

    async def _fallback_get(self, step: FallbackStep) -> None:
        assert step.incident_id is not None
        incident_id = step.incident_id
        try:
            incident = await self._request(lambda: self._client.get_incident(incident_id))
        except NotFoundError:
            self._emit_incidents(self._incidents.remove([incident_id]))
        else:
            self._emit_incidents(self._incidents.apply([incident]))
        self._fallback.on_get(incident_id, self._clock.monotonic())

    # ------------------------------------------------------------------ side areas

    async def _poll_visitors(self) -> None:
        started_wall = self._clock.now()
        answer = await self._request(self._client.list_current_visitors)
        self._replaced(Area.VISITORS, self._visitors.replace(answer.data), started_wall)

    async def _poll_zones(self) -> None:
        started_wall = self._clock.now()
        zones = await self._all_pages(lambda n: self._client.list_danger_zones(page=n, limit=100))
        self._replaced(Area.ZONES, self._zones.replace(zones), started_wall)

    def _replaced(self, area: Area, changes: ChangeSet, fresh_at: datetime) -> None:
        """A side area's store now holds the server's whole list as of `fresh_at`."""
        self._store_of(area).mark_fresh(fresh_at)
        self._last_ok[area] = self._clock.monotonic()
        event = self.events.visitors_changed if area is Area.VISITORS else self.events.zones_changed
        if changes:
            event.emit(changes)
        self.events.freshness_changed.emit(None)

    # ------------------------------------------------------------------ bookkeeping

    def _emit_incidents(self, changes: ChangeSet) -> None:
        if changes:
            self.events.incidents_changed.emit(changes)

    def _done(self, area: Area, changes: ChangeSet, *, fresh_at: datetime | None) -> None:
        self._last_ok[area] = self._clock.monotonic()
        self._emit_incidents(changes)
        if self._last_prune is None or self._last_ok[area] - self._last_prune >= PRUNE_EVERY_S:
            self._last_prune = self._last_ok[area]
            cutoff = self._clock.now() - timedelta(hours=self.plan.closed_retention_hours)
            self._emit_incidents(self._incidents.prune_closed(cutoff))
        if fresh_at is not None:
            self._incidents.mark_fresh(fresh_at)
        self.events.freshness_changed.emit(None)

    def polls(self, area: Area) -> bool:
        """False for an area the key's scopes do not allow (never polled)."""
        return area not in self._disabled

    def expected_interval(self, area: Area) -> float:
        """Seconds between two refreshes of `area` as planned now: how old its data may get while the
        picture still counts as live (the connection's liveness is judged against it)."""
        step = self._pacer.interval()
        step = DEFAULT_STEP_S if step is None else min(max(step, MIN_EXPECTED_STEP_S), MAX_EXPECTED_STEP_S)
        if area is Area.VISITORS:
            return self.plan.interval(self.plan.visitors_interval_s, self._focus) + step
        if area is Area.ZONES:
            return self.plan.interval(self.plan.zones_interval_s, self._focus) + step
        if self.mode is PollMode.FALLBACK:  # a sweep of every open incident, a page a request
            return step * (len(self._incidents.open_incidents()) // self.plan.page_limit + 2)
        return max(step, self.gate.floor_s)

    @property
    def cursor(self) -> datetime | None:
        """The delta cursor: newest `updated_at` confirmed (server clock)."""
        return self._cursor


def _source(area: Area) -> str:
    """The part of the picture an area refreshes, in the connection's words."""
    return "incidents" if area is Area.RESYNC else area.value


def _names_updated_since(error: BadRequestError) -> bool:
    return error.field == "updated_since" or "updated_since" in (error.message or "")
