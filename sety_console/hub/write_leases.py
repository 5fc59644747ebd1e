"""Leases on pending writes: which hub delivers a write to Sety now, so two hubs never deliver one twice.

A hub takes the lease when it stores a new write, and renews it every `RENEW_S` while delivering; a
lease not renewed for `LEASE_S` (its hub died or lost the database) may be taken by another hub, which
then looks the write up on Sety before sending it (the outcome of the first attempt is unknown). A hub
restarting under the same id takes its own leases back at once.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .db import HubDatabase, WriteLeaseRow, WriteRow, now_ms

LEASE_S = 10.0
RENEW_S = 3.0
SWEEP_S = 2.0


class WriteLeases:
    """Lease operations for one hub (`owner`); each runs in a worker thread."""

    def __init__(self, db: HubDatabase, owner: str) -> None:
        self._db = db
        self.owner = owner

    def _until(self) -> int:
        return now_ms() + int(LEASE_S * 1000)

    def add(self, session: Session, key: str) -> None:
        """The lease of a write being stored in `session` (a new write: nobody else knows it yet)."""
        session.merge(WriteLeaseRow(idem_key=key, owner=self.owner, until_ms=self._until()))

    def take(self, key: str) -> bool:
        """Take the lease unless another hub holds a live one."""
        try:
            with self._db.session() as session:
                row = session.scalar(
                    select(WriteLeaseRow).where(WriteLeaseRow.idem_key == key).with_for_update()
                )
                if row is None:
                    session.add(WriteLeaseRow(idem_key=key, owner=self.owner, until_ms=self._until()))
                    session.flush()
                    return True
                if row.owner != self.owner and row.until_ms >= now_ms():
                    return False
                row.owner, row.until_ms = self.owner, self._until()
                return True
        except IntegrityError:  # another hub inserted it first
            return False

    def renew(self, key: str) -> bool:
        """Extend this hub's lease; False when it was lost (another hub took it)."""
        with self._db.session() as session:
            result = session.execute(
                update(WriteLeaseRow)
                .where(WriteLeaseRow.idem_key == key, WriteLeaseRow.owner == self.owner)
                .values(until_ms=self._until())
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    @staticmethod
    def drop(session: Session, key: str) -> None:
        """The write is finished: its lease goes with it."""
        session.execute(delete(WriteLeaseRow).where(WriteLeaseRow.idem_key == key))

    def orphans(self, running: set[str]) -> list[WriteRow]:
        """Pending writes nobody delivers now: no lease, an expired one, or this hub's own (a restart)."""
        now = now_ms()
        with self._db.session() as session:
            pending = session.scalars(select(WriteRow).where(WriteRow.state == "pending")).all()
            leases = {
                row.idem_key: row
                for row in session.scalars(
                    select(WriteLeaseRow).where(WriteLeaseRow.idem_key.in_([w.idem_key for w in pending]))
                )
            }
        return [
            write
            for write in pending
            if write.idem_key not in running
            and (
                (lease := leases.get(write.idem_key)) is None
                or lease.owner == self.owner
                or lease.until_ms < now
            )
        ]
