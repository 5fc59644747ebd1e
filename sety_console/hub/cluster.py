"""The hubs sharing one database: heartbeats, the leader's status for the followers, notifications.

Every hub writes its row in `hub_nodes` every `HEARTBEAT_S` (the leader adds its status: how fresh the
picture is, its link to Sety, webhook push); a follower shows its workstations the leader's status.
On PostgreSQL a `Listener` wakes the hub at once when another hub appended a change (catch up), stored
a webhook delivery (the leader applies it) or published its status; the heartbeat also catches up, in
case a notification was lost. The leader forgets hubs silent for `DEAD_AFTER_S`: their workstations
are no longer on shift.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, text

from .db import NodeRow, PresenceRow, now_ms
from .pg import Listener, channel

if TYPE_CHECKING:
    from .hub import Hub

log = logging.getLogger(__name__)

HEARTBEAT_S = 1.0
DEAD_AFTER_S = 10.0
LEADER_STATUS_MAX_AGE_S = 5.0
STATUS_EVERY_S = 0.25


class Cluster:
    """This hub's place among the hubs of its database (see the module docstring)."""

    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        db = hub.db
        self._status_channel = channel(db, "status") if db.is_postgres else None
        self._listener: Listener | None = None
        if db.is_postgres and hub.changelog.channel and hub.push.channel and self._status_channel:
            self._listener = Listener(
                db,
                [hub.changelog.channel, hub.push.channel, self._status_channel],
                self._notified,
                self._reconnected,
            )
        self._status_written = 0.0
        self._status_pending = False

    def start(self) -> None:
        if self._listener is not None:
            self._listener.start()

    def stop(self) -> None:
        if self._listener is not None:
            self._listener.stop()
        try:
            with self._hub.db.session() as session:
                session.execute(delete(NodeRow).where(NodeRow.hub_id == self._hub.hub_id))
        except Exception:
            log.debug("could not remove this hub's heartbeat", exc_info=True)

    # ------------------------------------------------------------------ notifications

    def _notified(self, name: str, _payload: str) -> None:
        hub = self._hub
        if name == hub.changelog.channel:
            hub.changelog.nudge()
        elif name == hub.push.channel:
            if hub.leadership.leading:
                hub.push.applier.nudge()
        elif not hub.leadership.leading:
            asyncio.get_running_loop().create_task(self._follow_leader())

    def _reconnected(self) -> None:
        self._hub.changelog.nudge()
        if self._hub.leadership.leading:
            self._hub.push.applier.nudge()

    # ------------------------------------------------------------------ heartbeat

    async def run(self) -> None:
        while True:
            try:
                await self._beat()
            except Exception as exc:
                log.warning("hub heartbeat failed (%s)", exc)
            await asyncio.sleep(HEARTBEAT_S)

    async def _beat(self) -> None:
        hub = self._hub
        leading = hub.leadership.leading
        status = json.dumps(hub.feed.own_status()) if leading else ""
        dead = await asyncio.to_thread(self._write_beat, leading, status)
        self._status_written = time.monotonic()
        if leading:
            if dead:
                log.info("hubs %s stopped answering: their workstations are off shift", sorted(dead))
                await hub.shared.forget_hubs(dead)
        else:
            await self._follow_leader()
            await hub.changelog.catch_up()

    def _write_beat(self, leading: bool, status: str) -> set[str]:
        hub = self._hub
        now = now_ms()
        with hub.db.session() as session:
            session.merge(
                NodeRow(
                    hub_id=hub.hub_id,
                    seen_ms=now,
                    leader=leading,
                    public_url=hub.config.public_url or "",
                    status=status,
                )
            )
            if not leading:
                return set()
            cutoff = now - int(DEAD_AFTER_S * 1000)
            session.execute(delete(NodeRow).where(NodeRow.seen_ms < cutoff))
            present = set(session.scalars(select(PresenceRow.hub_id).distinct()))
            live = set(session.scalars(select(NodeRow.hub_id)))
            return present - live

    def status_changed(self) -> None:
        """The leader's status moved: tell the followers soon (at most every `STATUS_EVERY_S`)."""
        if self._status_channel is None or not self._hub.leadership.leading or self._status_pending:
            return
        self._status_pending = True
        wait = max(0.0, self._status_written + STATUS_EVERY_S - time.monotonic())
        asyncio.get_running_loop().call_later(wait, self._publish_status)

    def _publish_status(self) -> None:
        self._status_pending = False
        asyncio.get_running_loop().create_task(self._write_status())

    async def _write_status(self) -> None:
        if not self._hub.leadership.leading:
            return
        status = json.dumps(self._hub.feed.own_status())
        self._status_written = time.monotonic()
        try:
            await asyncio.to_thread(self._store_status, status)
        except Exception as exc:
            log.debug("could not publish the leader's status: %s", exc)

    def _store_status(self, status: str) -> None:
        hub = self._hub
        with hub.db.session() as session:
            session.merge(
                NodeRow(
                    hub_id=hub.hub_id,
                    seen_ms=now_ms(),
                    leader=True,
                    public_url=hub.config.public_url or "",
                    status=status,
                )
            )
            session.execute(text("SELECT pg_notify(:c, '')"), {"c": self._status_channel})

    async def _follow_leader(self) -> None:
        try:
            status = await asyncio.to_thread(self._leader_status)
        except Exception as exc:
            log.debug("could not read the leader's status: %s", exc)
            return
        if status is not None and not self._hub.leadership.leading:
            self._hub.feed.follow_status(status)

    def _leader_status(self) -> dict[str, Any] | None:
        cutoff = now_ms() - int(LEADER_STATUS_MAX_AGE_S * 1000)
        with self._hub.db.session() as session:
            row = session.scalar(
                select(NodeRow)
                .where(
                    NodeRow.leader.is_(True), NodeRow.seen_ms >= cutoff, NodeRow.hub_id != self._hub.hub_id
                )
                .order_by(NodeRow.seen_ms.desc())
                .limit(1)
            )
            text_ = row.status if row is not None else ""
        try:
            status = json.loads(text_) if text_ else None
        except ValueError:
            return None
        return status if isinstance(status, dict) else None

    def nodes(self) -> list[dict[str, Any]]:
        """Every hub of this database, for the health answer."""
        with self._hub.db.session() as session:
            rows = session.scalars(select(NodeRow).order_by(NodeRow.hub_id)).all()
            return [
                {
                    "hub_id": r.hub_id,
                    "leader": r.leader,
                    "seen_ms_ago": now_ms() - r.seen_ms,
                    "public_url": r.public_url,
                }
                for r in rows
            ]
