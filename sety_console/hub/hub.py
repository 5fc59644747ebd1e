"""`Hub`: the parts of one hub process wired together, and their background tasks.

database ─ operators (tokens) ─ change log ─ picture (core stores) ─ feed (core poller, org key)
                                          ├ shared state (alarms, claims, audit, shift) ─ writes
                                          └ push (webhooks) ─ leadership ─ cluster (other hubs)

Every hub serves workstations (stream, reads, writes, shared state) and stores webhook deliveries;
only the leader (`leader.Leadership`) polls Sety, applies deliveries, registers the webhook endpoint
and expires shelved alarms. Followers learn everything through the database (`cluster`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sety_console.api import SetyClient
from sety_console.api.traffic import CountingTransport, Transport
from sety_console.core.poll_plan import PollPlan

from .changelog import KEEP_CHANGES, ChangeLog
from .cluster import Cluster
from .db import HubDatabase
from .feed import Feed
from .leader import Leadership
from .operators import OperatorBook
from .picture import Picture
from .push import Push
from .reads import SharedReads
from .shared_state import SharedState
from .writes import Writes

if TYPE_CHECKING:
    from .access import OperatorLimiter
    from .stream import StreamConnection

log = logging.getLogger(__name__)

REVOCATION_CHECK_S = 0.5
SHELF_CHECK_S = 1.0


@dataclass
class HubConfig:
    """How one hub runs; `api_key` is the organisation's and never leaves this process."""

    database_url: str
    api_url: str
    api_key: str = field(repr=False)
    hub_id: str = field(default_factory=socket.gethostname)
    """Names this hub in the database (who is on shift through which hub); unique per hub process."""
    public_url: str | None = None
    """Where Sety can reach this hub (`https://hub.example:8443`): the leader registers
    `<public_url>/hub/v1/webhooks/sety` as the organisation's webhook endpoint. None: polling only."""
    push_poll_interval_s: float = 5.0
    """Seconds between incident polls while webhooks flow (the safety net); tightened when they stop."""
    operator_rate_per_minute: int = 600
    keep_changes: int = KEEP_CHANGES
    """Change-log entries kept for resumes (a workstation further behind gets a snapshot)."""
    settle_after_ambiguous_s: float = 12.0
    """After a write may have reached Sety without an answer, wait this long (longer than a request can
    stay in flight: the client's 10 s timeout) before looking it up, so a late original is seen."""
    poll_plan: PollPlan | None = None
    sety_transport: Transport | None = None
    """Tests and benchmarks: count or fault what the hub sends to Sety."""


def environment_of(api_key: str) -> str:
    """'live' or 'test', from the org key's prefix (workstations show it; they never see the key)."""
    return "live" if api_key.startswith("sety_live_") else "test"


class Hub:
    """Everything one hub process holds. Build inside the event loop; `start()`, then `stop()`."""

    def __init__(self, config: HubConfig, limiter: OperatorLimiter) -> None:
        self.config = config
        self.hub_id = config.hub_id
        self.environment = environment_of(config.api_key)
        self.db = HubDatabase(config.database_url, application_name=f"sety-hub {self.hub_id}")
        self.operators = OperatorBook(self.db)
        self.limiter = limiter
        self.changelog = ChangeLog(self.db, keep=config.keep_changes)
        self.picture = Picture(self.db, self.changelog)
        self.traffic = CountingTransport(config.sety_transport)
        self.client = SetyClient(config.api_url, config.api_key, transport=self.traffic)
        self.feed = Feed(self.client, self.picture, plan=config.poll_plan)
        self.shared = SharedState(self.db, self.changelog, hub_id=self.hub_id)
        self.writes = Writes(self)
        self.reads = SharedReads()
        self.push = Push(self)
        self.leadership = Leadership(self.db, self.changelog, self.hub_id, self._elected, self._deposed)
        self.cluster = Cluster(self)
        self.feed.push_summary = self.push.health.summary
        self.feed.leader_id = lambda: self.hub_id if self.leadership.leading else None
        self.feed.status_changed.append(self.cluster.status_changed)
        self.changelog.reset.append(self._restart_streams)
        self.streams: set[StreamConnection] = set()
        self._tasks: list[asyncio.Task[None]] = []
        self._leading: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Start serving; raises `SecondHubError` when another hub holds this SQLite database."""
        self.leadership.claim_sqlite()
        self.cluster.start()
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self.picture.run(), name="hub-picture"),
            loop.create_task(self.feed.learn_scopes(), name="hub-scopes"),
            loop.create_task(self._watch_revocations(), name="hub-revocations"),
            loop.create_task(self.writes.sweep(), name="hub-write-sweep"),
            loop.create_task(self.cluster.run(), name="hub-cluster"),
            loop.create_task(self.leadership.run(), name="hub-leadership"),
        ]

    async def _elected(self, epoch: int) -> None:
        """This hub leads now: everything the old leader stored first, then poll, push, shelves."""
        await self.changelog.catch_up()
        loop = asyncio.get_running_loop()
        self._leading = [
            loop.create_task(self.feed.lead(), name="hub-feed"),
            loop.create_task(self.push.lead(), name="hub-push"),
            loop.create_task(self._expire_shelves(), name="hub-shelves"),
        ]

    async def _deposed(self) -> None:
        """Another hub leads (or may): stop leading work, hold the change log's picture again."""
        await _cancel(self._leading)
        self._leading = []
        await self.picture.reload()
        self.feed.mirror = None

    def _restart_streams(self) -> None:
        for connection in list(self.streams):
            connection.close_soon(4408, "The hub read its state again; reconnect to resume")

    async def stop(self) -> None:
        for connection in list(self.streams):
            connection.close_soon(1001, "The control-room hub is stopping")
        await asyncio.sleep(0.05)
        await self.writes.close()
        await _cancel(self._leading)
        await _cancel(self._tasks)
        self.leadership.release()
        await asyncio.to_thread(self.cluster.stop)
        await self.client.aclose()
        self.db.close()

    async def _watch_revocations(self) -> None:
        """Close the streams of tokens revoked (by any process) since they connected."""
        while True:
            await asyncio.sleep(REVOCATION_CHECK_S)
            hashes = {c.token_hash for c in self.streams}
            try:
                invalid = await asyncio.to_thread(self.operators.invalid_among, hashes)
            except Exception:
                log.exception("could not check for revoked tokens")
                continue
            for connection in list(self.streams):
                if connection.token_hash in invalid:
                    log.info("closing the stream of %s: token revoked", connection.operator)
                    connection.close_soon(4401, "This hub token was revoked")

    async def _expire_shelves(self) -> None:
        while True:
            await asyncio.sleep(SHELF_CHECK_S)
            try:
                await self.shared.expire_shelves()
            except Exception as exc:
                log.warning("could not expire shelved alarms (%s)", exc)


async def _cancel(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
