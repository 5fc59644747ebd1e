"""PostgreSQL plumbing shared by the hubs of one database: lock keys, notification channels, dedicated
connections and a LISTEN thread.

Keys and channels are derived from the database and schema (`HubDatabase.namespace`), so two control
rooms on one PostgreSQL server never share a leader or hear each other's notifications.

    LEADER   session advisory lock held by the leader's dedicated connection (released when it dies)
    APPEND   transaction advisory lock taken by every change-log append: sequence order = commit order
    channels changes (payload: seq) · deliveries (a hub stored a webhook) · status (the leader's status)
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from .db import HubDatabase

log = logging.getLogger(__name__)

RECONNECT_S = (0.2, 0.5, 1.0, 2.0)


def lock_key(db: HubDatabase, purpose: str) -> int:
    """A signed 64-bit advisory-lock key for `purpose` in this database and schema."""
    digest = hashlib.sha256(f"sety-hub/{db.namespace}/{purpose}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def channel(db: HubDatabase, name: str) -> str:
    """A notification channel for `name`, private to this database and schema."""
    return f"sety_hub_{hashlib.sha256(db.namespace.encode()).hexdigest()[:12]}_{name}"


class Dedicated:
    """One PostgreSQL connection of its own (autocommit), outside the pool: a session lock or LISTEN."""

    def __init__(self, db: HubDatabase) -> None:
        self._engine = create_engine(db.url, connect_args=db.connect_args, poolclass=NullPool)
        self._raw: Any = None

    def open(self) -> Any:
        """The psycopg connection (opened now if needed)."""
        if self._raw is None:
            raw: Any = self._engine.raw_connection()
            raw.driver_connection.autocommit = True
            self._raw = raw
        return self._raw.driver_connection

    def execute(self, sql: str, *params: Any) -> Any:
        """Run one statement; its first row (or None)."""
        with self.open().cursor() as cursor:
            cursor.execute(sql, params or None)
            return cursor.fetchone() if cursor.description else None

    def close(self) -> None:
        raw, self._raw = self._raw, None
        if raw is not None:
            try:
                raw.invalidate()  # closed for good, no reset on a connection that may be broken
            except Exception:
                log.debug("closing a broken dedicated connection", exc_info=True)

    def dispose(self) -> None:
        self.close()
        self._engine.dispose()


class Listener:
    """LISTENs on channels from a thread of its own and calls `on_notify(channel, payload)` on the loop.

    After a lost connection it reconnects (backing off) and calls `on_reconnect()` on the loop: what was
    notified meanwhile is lost, so listeners catch up from the database then.
    """

    def __init__(
        self,
        db: HubDatabase,
        channels: list[str],
        on_notify: Callable[[str, str], None],
        on_reconnect: Callable[[], None],
    ) -> None:
        self._connection = Dedicated(db)
        self._channels = channels
        self._on_notify = on_notify
        self._on_reconnect = on_reconnect
        self._stop = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._run, name="sety-hub-listen", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._connection.dispose()

    def _call(self, callback: Callable[..., None], *args: Any) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(callback, *args)

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                connection = self._connection.open()
                for name in self._channels:
                    self._connection.execute(f'LISTEN "{name}"')
                if failures:
                    log.info("listening for other hubs again")
                    self._call(self._on_reconnect)
                failures = 0
                while not self._stop.is_set():
                    for note in connection.notifies(timeout=0.5, stop_after=64):
                        self._call(self._on_notify, note.channel, note.payload)
            except Exception as exc:
                self._connection.close()
                if self._stop.is_set():
                    return
                delay = RECONNECT_S[min(failures, len(RECONNECT_S) - 1)]
                failures += 1
                if failures == 1:
                    log.warning("lost the database notifications (%s); reconnecting", exc)
                self._stop.wait(delay)
