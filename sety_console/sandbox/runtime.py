"""One running sandbox: database, clock, keys, rate limits, responder side, webhooks, traffic.

`create_app()` builds a `Sandbox` and hangs it on `app.state.sandbox`; the app's lifespan starts
and stops its background work (webhook deliveries, and with a real clock the simulation ticker).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime

from . import accounts, incident_store
from .access_service import AccessService
from .auth import KeyRegistry
from .clock import SandboxClock, from_ms, to_ms
from .config import SandboxConfig
from .db import Database
from .dispatch import Dispatcher
from .idempotency import IdempotencyLedger
from .incident_service import IncidentService
from .intel_cache import IntelCache
from .ratelimit import RateLimiter
from .seed import ensure_responder_units, seed_demo
from .traffic import TrafficGenerator
from .webhooks import WebhookDeliverer

log = logging.getLogger(__name__)


class Sandbox:
    """Everything one sandbox instance needs, wired together; safe to use from several threads."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.clock: SandboxClock = config.make_clock()
        self.db = Database(config.database_url, echo=config.echo_sql)
        self.db.create_schema()
        self.keys = KeyRegistry(self.db, config.plan_limits)
        self.rate_limiter = RateLimiter()
        self.intel = IntelCache(self.db, self.clock, config.intel_refresh_seconds)
        self.webhooks = WebhookDeliverer(self.db, self.clock, config)
        self.dispatcher = Dispatcher(self.db, self.clock, config, self.webhooks, self._history_changed)
        self.incidents = IncidentService(
            self.db, self.clock, self.dispatcher, self.webhooks, self._history_changed
        )
        self.access = AccessService(self.db, self.clock)
        self.idempotency = IdempotencyLedger(self.db, self.clock, honour=config.honour_idempotency_key)
        self._bootstrap()
        self.traffic = TrafficGenerator(
            self.incidents,
            config.traffic_per_minute,
            start=self.clock.now(),
            org_id=accounts.DEMO_ORG_ID,
            seed=config.seed_value,
            db=self.db,  # the last run's callers: no near-duplicates after a restart
        )
        self._ticker: asyncio.Task[None] | None = None
        self._stopping: asyncio.Event | None = None
        if self.clock.is_manual:
            self.clock.add_listener(self._on_advance)

    def _bootstrap(self) -> None:
        with self.db.session() as session:
            accounts.ensure_organisations(session, to_ms(self.clock.now()))
            ensure_responder_units(session, self.config)
            latest = incident_store.latest_update_ms(session)
        if latest is not None and not self.clock.is_manual:
            self.clock.ensure_not_before(from_ms(latest))
        self.dispatcher.load_units()
        if self.config.seed == "demo":
            seed_demo(self)

    def _history_changed(self) -> None:
        """The service-area history changed (threat intelligence must be recomputed)."""
        self.intel.mark_dirty()

    def _on_advance(self, now: datetime) -> None:
        self.advance(now)

    def advance(self, now: datetime | None = None) -> None:
        """Bring traffic and the responder side up to `now` (default: the clock's now)."""
        moment = now or self.clock.now()
        self.traffic.advance_to(moment)
        self.dispatcher.advance_to(moment)

    def issue_keys(self) -> dict[str, str]:
        """Fresh plaintext keys for operator, guard, supervisor, admin and other_org."""
        with self.db.session() as session:
            keys = accounts.issue_role_keys(session, to_ms(self.clock.now()))
        self.keys.forget_key()
        return keys

    def set_suspended(self, org_id: str, suspended: bool) -> None:
        """Suspend (402) or restore an organisation; outside the API, for tests and demos."""
        with self.db.session() as session:
            accounts.set_suspended(session, org_id, suspended)
        self.keys.forget_org(org_id)

    async def start(self) -> None:
        """Start background work on the running loop."""
        await self.webhooks.start()
        if not self.clock.is_manual:
            self._stopping = asyncio.Event()
            self._ticker = asyncio.get_running_loop().create_task(self._tick_forever(), name="sandbox ticker")

    async def stop(self) -> None:
        """Stop background work; pending webhook deliveries stay queued for the next start."""
        if self._ticker is not None and self._stopping is not None:
            self._stopping.set()  # let a running step finish: it may be writing the database
            await asyncio.gather(self._ticker, return_exceptions=True)
            self._ticker = None
        await self.webhooks.stop()

    def close(self) -> None:
        """Release the database (after `stop()`)."""
        self.clock.remove_listener(self._on_advance)
        self.db.dispose()

    async def _tick_forever(self) -> None:
        assert self._stopping is not None
        while not self._stopping.is_set():
            try:
                await asyncio.to_thread(self.advance)
            except Exception:
                log.exception("responder simulation step failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=self.config.tick_seconds)
