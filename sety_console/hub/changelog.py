"""The change log: every change workstations must see, numbered in order, kept for resumes.

`append(kind, payload)` stores one entry in the database (its `seq` comes from the database, so it
survives a hub restart), then hands the message to every live subscriber. A workstation resuming from
`seq` gets `read_after(seq)` — or None when that part of the log was pruned (then it needs a snapshot).

Messages are JSON text, built once and sent as is: `{"type": "change", "seq": n, "kind": …, "at": …,
…payload}`. Issue 15 (several hubs on one PostgreSQL) fits here: the leader appends, the others learn
new sequence numbers by LISTEN/NOTIFY and read them with `read_after`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .db import ChangeRow, HubDatabase, now_ms

log = logging.getLogger(__name__)

KEEP_CHANGES = 20_000
"""Entries kept for resumes; a workstation further behind than this gets a snapshot."""


@dataclass(frozen=True, slots=True)
class Change:
    seq: int
    kind: str
    message: str  # the JSON text sent to workstations


def iso_ms(at_ms: int) -> str:
    """The contract's timestamp form, `YYYY-MM-DDTHH:MM:SS.mmmZ`."""
    moment = datetime.fromtimestamp(at_ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _message(seq: int, kind: str, payload_json: str, at_ms: int) -> str:
    head = json.dumps({"type": "change", "seq": seq, "kind": kind, "at": iso_ms(at_ms)})
    body = payload_json.strip()[1:-1].strip()
    return head[:-1] + ("," + body if body else "") + "}"


class ChangeLog:
    """Numbered changes in the database, fanned out to live subscribers."""

    def __init__(self, db: HubDatabase, *, keep: int = KEEP_CHANGES) -> None:
        self._db = db
        self._keep = keep
        self._lock = asyncio.Lock()
        self._subscribers: list[Callable[[Change], None]] = []
        with db.session() as session:
            self.head: int = session.scalar(select(func.max(ChangeRow.seq))) or 0
        self._appended = 0

    def subscribe(self, listener: Callable[[Change], None]) -> None:
        """`listener(change)` is called on the loop for every change appended from now on."""
        self._subscribers.append(listener)

    def unsubscribe(self, listener: Callable[[Change], None]) -> None:
        if listener in self._subscribers:
            self._subscribers.remove(listener)

    async def append(
        self,
        kind: str,
        payload: dict[str, Any] | str,
        *,
        persist: Callable[[Session], None] | None = None,
        publish: Callable[[], None] | None = None,
    ) -> Change:
        """Store one change (a dict, or JSON text of an object) and publish it.

        `persist(session)` runs in the same transaction (the picture's rows); `publish()` runs on the
        loop right after the sequence number is known and before any subscriber hears of it, so a
        snapshot taken between two awaits always matches `head`.
        """
        text = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
        async with self._lock:
            seq, at = await asyncio.to_thread(self._insert, kind, text, persist)
            change = Change(seq, kind, _message(seq, kind, text, at))
            self.head = seq
            if publish is not None:
                publish()
            for listener in list(self._subscribers):
                try:
                    listener(change)
                except Exception:
                    log.exception("change subscriber failed")
        self._appended += 1
        if self._appended % 1000 == 0:
            await asyncio.to_thread(self.prune)
        return change

    def _insert(self, kind: str, text: str, persist: Callable[[Session], None] | None) -> tuple[int, int]:
        at = now_ms()
        with self._db.session() as session:
            if persist is not None:
                persist(session)
            row = ChangeRow(kind=kind, payload=text, at_ms=at)
            session.add(row)
            session.flush()
            return int(row.seq), at

    def read_after(self, seq: int, limit: int = 5_000) -> list[Change] | None:
        """Changes after `seq` in order; None when some of them are no longer kept."""
        with self._db.session() as session:
            oldest = session.scalar(select(func.min(ChangeRow.seq)))
            if seq == self.head:
                return []
            if seq > self.head:  # from another database, or a log that was reset
                return None
            if oldest is None or seq + 1 < oldest:
                return None
            rows = session.scalars(
                select(ChangeRow).where(ChangeRow.seq > seq).order_by(ChangeRow.seq).limit(limit)
            ).all()
        return [Change(r.seq, r.kind, _message(r.seq, r.kind, r.payload, r.at_ms)) for r in rows]

    def prune(self) -> None:
        """Forget all but the newest `keep` entries."""
        with self._db.session() as session:
            session.execute(delete(ChangeRow).where(ChangeRow.seq <= self.head - self._keep))
