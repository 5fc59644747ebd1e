"""Which hub leads (polls Sety, takes webhooks, expires shelves): exactly one per database.

On PostgreSQL the leader is the hub whose dedicated connection holds a session advisory lock: a hub
that dies (even by SIGKILL) loses its connection and with it the lock, and a follower trying every
`TRY_S` takes over. A new leader raises the epoch in `hub_leader` (under the change log's append lock);
leader-only writes carry the epoch and are refused once it moved (fencing). A leader that cannot reach
its connection for `CHECK_TIMEOUT_S` steps down at once.

SQLite is for one hub on one machine: the hub holds an exclusive lock on `<database>.hub-lock`, and a
second hub pointed at the same file refuses to start, saying so.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from typing import IO

from sqlalchemy import select

from .changelog import ChangeLog
from .db import HubDatabase, LeaderRow, now_ms
from .pg import Dedicated, lock_key

log = logging.getLogger(__name__)

TRY_S = 0.25
CHECK_S = 0.5
CHECK_TIMEOUT_S = 2.0


class SecondHubError(RuntimeError):
    """Another hub already serves this SQLite database."""


class Leadership:
    """Runs the election; calls `elected(epoch)` when this hub starts leading, `deposed()` when it stops."""

    def __init__(
        self,
        db: HubDatabase,
        changelog: ChangeLog,
        hub_id: str,
        elected: Callable[[int], Awaitable[None]],
        deposed: Callable[[], Awaitable[None]],
    ) -> None:
        self._db = db
        self._changelog = changelog
        self.hub_id = hub_id
        self._elected = elected
        self._deposed = deposed
        self.epoch: int | None = None
        self._file: IO[bytes] | None = None
        self._lock = Dedicated(db) if db.is_postgres else None
        self._key = lock_key(db, "leader") if db.is_postgres else 0

    @property
    def leading(self) -> bool:
        return self.epoch is not None

    def claim_sqlite(self) -> None:
        """SQLite: take the one-hub lock (raises `SecondHubError` when another hub holds it)."""
        self._file = lock_sqlite(self._db)

    async def run(self) -> None:
        """Lead or follow until cancelled."""
        if self._lock is None:  # SQLite: the only hub leads
            await self._become_leader()
            await asyncio.Event().wait()
            return
        lock = self._lock
        try:
            while True:
                if self.leading:
                    await asyncio.sleep(CHECK_S)
                    if not await self._still_holding():
                        await self._step_down("lost its database connection")
                elif await self._try_lock():
                    await self._become_leader()
                else:
                    await asyncio.sleep(TRY_S)
        finally:
            await asyncio.to_thread(lock.dispose)

    async def _try_lock(self) -> bool:
        assert self._lock is not None
        lock = self._lock
        try:
            row = await asyncio.wait_for(
                asyncio.to_thread(lock.execute, "SELECT pg_try_advisory_lock(%s)", self._key),
                CHECK_TIMEOUT_S,
            )
        except Exception as exc:
            log.debug("could not try for leadership: %s", exc)
            await asyncio.to_thread(lock.close)
            await asyncio.sleep(CHECK_S)
            return False
        return bool(row and row[0])

    async def _still_holding(self) -> bool:
        assert self._lock is not None
        try:
            await asyncio.wait_for(asyncio.to_thread(self._lock.execute, "SELECT 1"), CHECK_TIMEOUT_S)
        except Exception as exc:
            log.warning("the leader's database connection failed: %s", exc)
            return False
        return True

    async def _become_leader(self) -> None:
        try:
            epoch = await asyncio.to_thread(self._raise_epoch)
        except Exception as exc:
            log.warning("could not take the lead yet: %s", exc)
            if self._lock is not None:
                await asyncio.to_thread(self._lock.close)
            return
        self.epoch = epoch
        self._changelog.epoch = epoch
        log.info("hub %s leads (epoch %d)", self.hub_id, epoch)
        try:
            await self._elected(epoch)
        except Exception:
            log.exception("taking the lead failed")
            await self._step_down("could not take the lead")

    def _raise_epoch(self) -> int:
        with self._db.session() as session:
            self._changelog.lock_appends(session)
            row = session.scalar(select(LeaderRow).where(LeaderRow.slot == 1).with_for_update())
            if row is None:
                row = LeaderRow(slot=1, epoch=0, hub_id=self.hub_id, since_ms=now_ms())
                session.add(row)
            row.epoch, row.hub_id, row.since_ms = row.epoch + 1, self.hub_id, now_ms()
            return int(row.epoch)

    async def _step_down(self, why: str) -> None:
        log.warning("hub %s stops leading: %s", self.hub_id, why)
        self.epoch = None
        self._changelog.epoch = None
        if self._lock is not None:
            await asyncio.to_thread(self._lock.close)  # releases the lock if the server still has it
        await self._deposed()

    def release(self) -> None:
        """At shutdown: let another hub lead at once (the lock goes with the connection)."""
        self.epoch = None
        self._changelog.epoch = None
        if self._lock is not None:
            self._lock.close()
        if self._file is not None:
            unlock_sqlite(self._file)
            self._file = None


def lock_sqlite(db: HubDatabase) -> IO[bytes] | None:
    """The one-hub lock of a SQLite database, held until `unlock_sqlite` (None for PostgreSQL).

    Raises `SecondHubError`, saying so in words, when another hub holds it."""
    path = db.sqlite_path
    if path is None:
        return None
    handle = open(path + ".hub-lock", "a+b")  # noqa: SIM115 (held for the hub's lifetime)
    if not _try_lock(handle):
        handle.close()
        raise SecondHubError(
            f"Another hub already serves the SQLite database {path}. SQLite is for one hub on one "
            "machine; several hubs need one PostgreSQL database (see the README's two-hub setup)."
        )
    return handle


def unlock_sqlite(handle: IO[bytes]) -> None:
    _unlock(handle)
    handle.close()


def _try_lock(handle: IO[bytes]) -> bool:
    try:
        if os.name == "nt":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(handle: IO[bytes]) -> None:
    try:
        if os.name == "nt":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    except OSError:
        log.debug("could not release the hub lock file", exc_info=True)
