"""The hub's one poll of Sety for everyone: the core's budgeted poller on the organisation's key.

Every hub learns the key's scopes once (`core.scopes.probe_scopes`, the same probes a console makes).
The leading hub runs the core `Poller` (delta mode, or the fallback mode when the API refuses
`updated_since`) into the picture's stores; every change set goes to the change log, every freshness
change to `status`. A hub taking over goes on from the picture it already holds (a delta from its
newest `updated_at`, no full resync first). A following hub shows the leader's status as its own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sety_console.api import SetyClient
from sety_console.api.errors import SetyError
from sety_console.core.clock import Clock, SystemClock
from sety_console.core.connection import ConnectionMonitor
from sety_console.core.pacing import SharePacer
from sety_console.core.poll_plan import Area, PollPlan
from sety_console.core.poller import Poller, PollerEvents
from sety_console.core.scopes import PROBE_CODE_ID, PROBE_INCIDENT_ID, probe_scopes

from .changelog import iso_ms, parse_moment
from .picture import Picture

log = logging.getLogger(__name__)

AREA_SCOPE = {"incidents:read": Area.INCIDENTS, "access:read": Area.VISITORS, "intel:read": Area.ZONES}
AREAS = {"incidents": Area.INCIDENTS, "visitors": Area.VISITORS, "zones": Area.ZONES}
HUB_POLL_PLAN = PollPlan(visitors_interval_s={"*": 15.0}, zones_interval_s={"*": 300.0})
"""The hub serves every workspace at once: visitors every 15 s, zones every 5 min, incidents the rest."""


class Feed:
    """Polls Sety with the org key into `picture`; `scopes` and `status()` describe what it knows."""

    def __init__(
        self,
        client: SetyClient,
        picture: Picture,
        *,
        clock: Clock | None = None,
        plan: PollPlan | None = None,
    ) -> None:
        self.client = client
        self.picture = picture
        self.clock = clock or SystemClock()
        self.monitor = ConnectionMonitor(self.clock.now())
        self.scopes: dict[str, bool] | None = None
        self.scopes_known = asyncio.Event()
        self.missing_targets: set[str] = set()
        """Ids Sety answered 404 for on a write: ids are never reused, so the hub can answer for them."""
        self.status_changed: list[Callable[[], None]] = []
        self.leading = False
        self.mirror: dict[str, Any] | None = None
        """The leader's status, as a following hub last read it."""
        self.push_summary: Callable[[], dict[str, Any]] | None = None
        self.leader_id: Callable[[], str | None] = lambda: None
        plan = plan or HUB_POLL_PLAN
        events = PollerEvents()
        for kind in ("incidents", "visitors", "zones"):
            getattr(events, f"{kind}_changed").connect(picture.recorder(kind))
        events.freshness_changed.connect(lambda _: self._notify())
        self.monitor.changed.connect(lambda _: self._notify())
        pacer = SharePacer(
            client.budget, self.clock, reserve_fraction=plan.reserve_fraction, min_reserve=plan.min_reserve
        )
        self.poller = Poller(
            client,
            incidents=picture.incidents,
            visitors=picture.visitors,
            zones=picture.zones,
            monitor=self.monitor,
            clock=self.clock,
            pacer=pacer,
            plan=plan,
            events=events,
        )

    async def learn_scopes(self) -> None:
        """Probe the scopes (retrying while Sety cannot answer)."""
        while True:
            try:
                granted = await probe_scopes(self.client, self.monitor, self.clock)
            except SetyError as error:
                log.warning("the hub could not learn the key's scopes yet (%s); retrying in 10 s", error)
                await self.clock.sleep(10.0)
                continue
            break
        self.scopes = granted
        if granted.get("incidents:write"):
            self.missing_targets.add(PROBE_INCIDENT_ID)
        if granted.get("access:write"):
            self.missing_targets.add(PROBE_CODE_ID)
        self.scopes_known.set()
        for scope, area in AREA_SCOPE.items():
            if not granted.get(scope, True):
                self.poller.disable(area)
        self._notify()

    async def lead(self) -> None:
        """Poll until cancelled (this hub leads), going on from the picture held."""
        await self.scopes_known.wait()
        self.poller.resume_from(self._resume_cursor())
        self.leading = True
        self._notify()
        try:
            await self.poller.run()
        finally:
            self.leading = False

    def _resume_cursor(self) -> datetime | None:
        """Where a new leader's delta poll starts: the newest version held, but never past the last cursor
        the previous leader's polls confirmed — what webhooks brought (newer) says nothing of the changes
        no webhook carries, or of deliveries that went to the dead leader's endpoint."""
        held = self.picture.incidents.max_updated_at()
        polled = parse_moment((self.mirror or {}).get("poll_cursor"))
        if held is None or polled is None:
            return held
        return min(held, polled)

    def follow_status(self, status: dict[str, Any]) -> None:
        """A following hub: the leader's status (freshness, link to Sety) becomes this hub's."""
        for kind in ("incidents", "visitors", "zones"):
            store = self.picture.store(kind)
            at = parse_moment(status.get("fresh", {}).get(kind))
            if at is None:
                continue
            if status.get("stale", {}).get(kind, True):
                store.mark_stale(at)
            else:
                store.mark_fresh(at)
        changed = status != self.mirror
        self.mirror = status
        if changed:
            self._notify()

    def _notify(self) -> None:
        for listener in list(self.status_changed):
            try:
                listener()
            except Exception:
                log.exception("status listener failed")

    def status(self) -> dict[str, Any]:
        """How fresh the picture is and how the link to Sety stands (sent to workstations): this hub's
        own while it leads, the leader's while it follows."""
        if self.leading or self.mirror is None:
            return self.own_status()
        return {**self.mirror, "seq": self.picture.changelog.head}

    def own_status(self) -> dict[str, Any]:
        connection, cursor = self.monitor.status, self.poller.cursor
        fresh: dict[str, str | None] = {}
        stale: dict[str, bool] = {}
        for kind in ("incidents", "visitors", "zones"):
            store = self.picture.store(kind)
            at = store.fresh_as_of
            fresh[kind] = iso_ms(int(at.timestamp() * 1000)) if at is not None else None
            stale[kind] = store.stale
        return {
            "type": "status",
            "seq": self.picture.changelog.head,
            "fresh": fresh,
            "stale": stale,
            "expected": {kind: round(self.poller.expected_interval(area), 3) for kind, area in AREAS.items()},
            "connection": {"state": connection.state.value, "message": connection.message},
            "mode": self.poller.mode.value,
            "scopes": self.scopes,
            "leader": self.leader_id(),
            "push": self.push_summary() if self.push_summary is not None else None,
            "poll_cursor": iso_ms(int(cursor.timestamp() * 1000)) if cursor is not None else None,
        }
