"""The change log: every change workstations must see, numbered in order, kept for resumes.

`append(kind, payload)` stores one entry in the database (its `seq` comes from the database, so it
survives a hub restart), then hands the message to every live subscriber. A workstation resuming from
`seq` gets `read_after(seq)` — or None when that part of the log was pruned (then it needs a snapshot).

Messages are JSON text, built once and sent as is: `{"type": "change", "seq": n, "kind": …, "at": …,
…payload}`.

Several hubs on one PostgreSQL share the log. Every append takes a transaction advisory lock first, so
sequence numbers commit in the order they were drawn (a reader that sees `n` has seen everything
before it), and notifies the others of `n`. Each hub dispatches the log to its subscribers strictly in
order: its own entries with their `publish()` callbacks, the others' (read by `catch_up()`) through the
appliers registered per kind, which bring this hub's memory (picture, alarms, claims) to the same state.
Entries only the leader may write (`leader_only`) are refused once another hub has raised the
leadership epoch (fencing: a deposed leader can never write behind the new one's back).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from .db import ChangeRow, HubDatabase, LeaderRow, now_ms
from .pg import channel, lock_key

log = logging.getLogger(__name__)

KEEP_CHANGES = 20_000
"""Entries kept for resumes; a workstation further behind than this gets a snapshot."""
READ_BATCH = 2_000

Payload = dict[str, Any] | str | Callable[[Session], dict[str, Any]]
"""A change's payload: a dict, JSON text of an object, or built inside the append's transaction."""


class NotLeader(RuntimeError):
    """A leader-only change was refused: another hub leads now."""


@dataclass(frozen=True, slots=True)
class Change:
    seq: int
    kind: str
    message: str  # the JSON text sent to workstations


def iso_ms(at_ms: int) -> str:
    """The contract's timestamp form, `YYYY-MM-DDTHH:MM:SS.mmmZ`."""
    moment = datetime.fromtimestamp(at_ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_moment(value: object) -> datetime | None:
    """A contract timestamp (`…Z` or with an offset) as an aware datetime; None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _message(seq: int, kind: str, payload_json: str, at_ms: int) -> str:
    head = json.dumps({"type": "change", "seq": seq, "kind": kind, "at": iso_ms(at_ms)})
    body = payload_json.strip()[1:-1].strip()
    return head[:-1] + ("," + body if body else "") + "}"


def _text(payload: dict[str, Any] | str) -> str:
    return payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))


class ChangeLog:
    """Numbered changes in the database, dispatched in order to this hub's memory and subscribers."""

    def __init__(self, db: HubDatabase, *, keep: int = KEEP_CHANGES) -> None:
        self._db = db
        self._keep = keep
        self._lock = asyncio.Lock()  # appends and dispatches of this process, one at a time
        self._subscribers: list[Callable[[Change], None]] = []
        self._appliers: dict[str, Callable[[dict[str, Any]], None]] = {}
        self.reloaders: list[Callable[[Session], Callable[[], None]]] = []
        """Called when this hub fell behind the kept log: read the state in the session, return what
        to publish; then `reset` listeners are told (open streams must start over)."""
        self.reset: list[Callable[[], None]] = []
        self.epoch: int | None = None
        """The leadership epoch while this hub leads (leader-only entries carry it); None otherwise."""
        self._append_key = lock_key(db, "append") if db.is_postgres else None
        self._channel = channel(db, "changes") if db.is_postgres else None
        with db.session() as session:
            self.head: int = session.scalar(select(func.max(ChangeRow.seq))) or 0
        self._appended = 0
        self._nudge: asyncio.Task[None] | None = None
        self._nudged_again = False

    @property
    def channel(self) -> str | None:
        """The notification channel of new sequence numbers (PostgreSQL)."""
        return self._channel

    def subscribe(self, listener: Callable[[Change], None]) -> None:
        """`listener(change)` is called on the loop for every change dispatched from now on."""
        self._subscribers.append(listener)

    def unsubscribe(self, listener: Callable[[Change], None]) -> None:
        if listener in self._subscribers:
            self._subscribers.remove(listener)

    def on_kind(self, kind: str, applier: Callable[[dict[str, Any]], None]) -> None:
        """`applier(payload)` brings this hub's memory up to date with another hub's change of `kind`."""
        self._appliers[kind] = applier

    def lock_appends(self, session: Session) -> None:
        """Inside a transaction: wait for (and block) every other append until it ends (PostgreSQL)."""
        if self._append_key is not None:
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": self._append_key})

    # ------------------------------------------------------------------ appending

    async def append(
        self,
        kind: str,
        payload: Payload,
        *,
        persist: Callable[[Session], object] | None = None,
        publish: Callable[[], None] | None = None,
        leader_only: bool = False,
        epoch: int | None = None,
    ) -> Change:
        """Store one change and dispatch it (after any earlier ones from other hubs).

        `persist(session)` runs in the same transaction (the picture's rows); `publish()` runs on the
        loop right after the sequence number is known and before any subscriber hears of it, so a
        snapshot taken between two awaits always matches `head`. `leader_only` raises `NotLeader` when
        this hub no longer leads (or, given `epoch`, no longer leads in that epoch).
        """
        if leader_only:
            epoch = self.epoch if epoch is None else epoch
            if epoch is None or epoch != self.epoch:
                raise NotLeader("this hub does not lead (in that epoch)")
        else:
            epoch = None
        async with self._lock:
            seq, at, body = await asyncio.to_thread(self._insert, kind, payload, persist, epoch)
            change = Change(seq, kind, _message(seq, kind, body, at))
            try:  # stored: from here on nothing may say otherwise (a retry would store it twice)
                if seq > self.head + 1:
                    await self._catch_up_locked(upto=seq - 1)
            except Exception as exc:
                log.warning("change %d is stored; it goes out with the next catch-up (%s)", seq, exc)
                asyncio.get_running_loop().call_later(0.2, self.nudge)
                return change
            self._dispatch(change, publish, None)
        self._appended += 1
        if self._appended % 1000 == 0:
            await asyncio.to_thread(self.prune)
        return change

    def _insert(
        self, kind: str, payload: Payload, persist: Callable[[Session], object] | None, epoch: int | None
    ) -> tuple[int, int, str]:
        at = now_ms()
        with self._db.session() as session:
            self.lock_appends(session)
            if epoch is not None:
                leader = session.get(LeaderRow, 1)
                if leader is None or leader.epoch != epoch:
                    raise NotLeader("another hub leads now")
            if persist is not None:
                persist(session)
            body = _text(payload(session) if callable(payload) else payload)
            row = ChangeRow(kind=kind, payload=body, at_ms=at)
            session.add(row)
            session.flush()
            seq = int(row.seq)
            if self._channel is not None:
                session.execute(text("SELECT pg_notify(:c, :p)"), {"c": self._channel, "p": str(seq)})
            return seq, at, body

    # ------------------------------------------------------------------ following other hubs

    def nudge(self) -> None:
        """Another hub appended (a notification): catch up soon (calls coalesce)."""
        if self._nudge is not None and not self._nudge.done():
            self._nudged_again = True
            return
        self._nudge = asyncio.get_running_loop().create_task(self._nudged(), name="hub-catch-up")

    async def _nudged(self) -> None:
        while True:
            self._nudged_again = False
            try:
                await self.catch_up()
            except Exception as exc:
                log.warning("could not read the other hubs' changes yet (%s)", exc)
                return
            if not self._nudged_again:
                return

    async def catch_up(self) -> None:
        """Dispatch every change other hubs stored since `head`."""
        async with self._lock:
            await self._catch_up_locked()

    async def _catch_up_locked(self, upto: int | None = None) -> None:
        while True:
            rows = await asyncio.to_thread(self._rows_after, self.head, upto)
            if rows is None:
                await self._reload_locked()
                return
            for seq, kind, payload, at in rows:
                self._dispatch(Change(seq, kind, _message(seq, kind, payload, at)), None, payload)
            if len(rows) < READ_BATCH:
                return

    def _rows_after(self, seq: int, upto: int | None) -> list[tuple[int, str, str, int]] | None:
        with self._db.session() as session:
            stmt = select(ChangeRow).where(ChangeRow.seq > seq)
            if upto is not None:
                stmt = stmt.where(ChangeRow.seq <= upto)
            rows = session.scalars(stmt.order_by(ChangeRow.seq).limit(READ_BATCH)).all()
            if rows and rows[0].seq > seq + 1:
                oldest = session.scalar(select(func.min(ChangeRow.seq)))
                if oldest is not None and oldest > seq + 1 and seq > 0:
                    return None  # pruned past us: the state must be read whole
            return [(r.seq, r.kind, r.payload, r.at_ms) for r in rows]

    async def _reload_locked(self) -> None:
        log.warning("this hub fell behind the kept change log; reading the whole state again")
        head, publishers = await asyncio.to_thread(self._read_state)
        for publish in publishers:
            publish()
        self.head = head
        for listener in list(self.reset):
            listener()

    def _read_state(self) -> tuple[int, list[Callable[[], None]]]:
        with self._db.session() as session:
            self.lock_appends(session)  # nothing is appended while the state is read
            head = session.scalar(select(func.max(ChangeRow.seq))) or 0
            return head, [reload(session) for reload in self.reloaders]

    def _dispatch(self, change: Change, publish: Callable[[], None] | None, payload: str | None) -> None:
        if change.seq <= self.head:
            return  # already dispatched
        self.head = change.seq
        if publish is not None:
            publish()
        elif payload is not None:
            applier = self._appliers.get(change.kind)
            if applier is not None:
                try:
                    applier(json.loads(payload))
                except Exception:
                    log.exception("could not apply another hub's %s change %s", change.kind, change.seq)
        for listener in list(self._subscribers):
            try:
                listener(change)
            except Exception:
                log.exception("change subscriber failed")

    # ------------------------------------------------------------------ reading

    def read_after(self, seq: int, limit: int = 5_000) -> list[Change] | None:
        """Changes after `seq` up to `head`, in order; None when some of them are no longer kept."""
        head = self.head
        with self._db.session() as session:
            oldest = session.scalar(select(func.min(ChangeRow.seq)))
            if seq == head:
                return []
            if seq > head:  # from another database, or a log that was reset
                return None
            if oldest is None or seq + 1 < oldest:
                return None
            rows = session.scalars(
                select(ChangeRow)
                .where(ChangeRow.seq > seq, ChangeRow.seq <= head)
                .order_by(ChangeRow.seq)
                .limit(limit)
            ).all()
        return [Change(r.seq, r.kind, _message(r.seq, r.kind, r.payload, r.at_ms)) for r in rows]

    def prune(self) -> None:
        """Forget all but the newest `keep` entries."""
        with self._db.session() as session:
            session.execute(delete(ChangeRow).where(ChangeRow.seq <= self.head - self._keep))
