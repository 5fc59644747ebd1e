"""`Hub`: the parts of one hub process wired together, and their background tasks.

database ─ operators (tokens) ─ change log ─ picture (core stores) ─ feed (core poller, org key)
                                          └ shared state (alarms, claims, audit, shift) ─ writes
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
from .db import HubDatabase
from .feed import Feed
from .operators import OperatorBook
from .picture import Picture
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
        self.db = HubDatabase(config.database_url)
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
        self.streams: set[StreamConnection] = set()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self.picture.run(), name="hub-picture"),
            loop.create_task(self.feed.run(), name="hub-feed"),
            loop.create_task(self._watch_revocations(), name="hub-revocations"),
            loop.create_task(self._expire_shelves(), name="hub-shelves"),
        ]
        resumed = self.writes.resume()
        if resumed:
            log.info("resuming %d write(s) left pending by the previous run", resumed)

    async def stop(self) -> None:
        for connection in list(self.streams):
            connection.close_soon(1001, "The control-room hub is stopping")
        await asyncio.sleep(0.05)
        await self.writes.close()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
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
            except Exception:
                log.exception("could not expire shelved alarms")
