"""The live picture the hub serves: the core's stores, their JSON documents, and their change log.

The hub's poller fills the core's `IncidentStore`, `VisitorStore` and `ZoneStore` exactly as a console's
would; every change set it emits is turned, in order, into one change-log entry holding the changed
documents (contract JSON) and the removed ids, written together with the picture's rows. `published`
holds the documents as of the change log's `head`: reads and snapshots are answered from it.

Only the leading hub polls and writes picture changes (`leader_only`); a following hub applies the
leader's entries to its own stores and documents (`apply_logged`), so it serves the same picture. A
change the database refused for a while is retried in order (never dropped: the stores already hold
it, so no later poll would bring it again); one refused because another hub leads now is dropped.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sety_console.api.models import CurrentVisitor, DangerZone, Incident
from sety_console.core.changes import ChangeSet
from sety_console.core.stores import IncidentStore, VisitorStore, ZoneStore

from .changelog import ChangeLog, NotLeader
from .db import HubDatabase, ItemRow

log = logging.getLogger(__name__)

KINDS = ("incidents", "visitors", "zones")
RETRY_S = (0.2, 0.5, 1.0, 2.0, 5.0)
MODELS: dict[str, type[BaseModel]] = {"incidents": Incident, "visitors": CurrentVisitor, "zones": DangerZone}


@dataclass(frozen=True, slots=True)
class _Pending:
    kind: str
    upsert: dict[str, str]
    removed: tuple[str, ...]
    full: bool
    epoch: int | None
    """The leader's epoch when it was recorded: a change from an earlier reign is never written in a
    later one (the new reign polls again, from the log's picture)."""


class Picture:
    """Stores + published documents + the writer that turns change sets into change-log entries."""

    def __init__(self, db: HubDatabase, changelog: ChangeLog) -> None:
        self.incidents, self.visitors, self.zones = IncidentStore(), VisitorStore(), ZoneStore()
        self.published: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
        self.changelog = changelog
        self._db = db
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue()
        with db.session() as session:
            self._loaded(session)()
        for kind in KINDS:
            changelog.on_kind(kind, self._applier(kind))
        changelog.reloaders.append(self._loaded)

    def _loaded(self, session: Session) -> Callable[[], None]:
        """Read the picture's rows; returns what makes them the stores' content (shown as stale until a
        poll confirms it)."""
        rows = session.scalars(select(ItemRow)).all()
        by_kind: dict[str, list[BaseModel]] = {kind: [] for kind in KINDS}
        published: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
        for row in rows:
            if row.kind not in MODELS:
                continue
            try:
                by_kind[row.kind].append(MODELS[row.kind].model_validate_json(row.document))
            except ValueError:
                log.warning("dropping an unreadable %s document %s", row.kind, row.item_id)
                continue
            published[row.kind][row.item_id] = row.document

        def publish() -> None:
            self.published = published
            self.incidents.replace_all([i for i in by_kind["incidents"] if isinstance(i, Incident)])
            self.visitors.replace([v for v in by_kind["visitors"] if isinstance(v, CurrentVisitor)])
            self.zones.replace([z for z in by_kind["zones"] if isinstance(z, DangerZone)])

        return publish

    async def reload(self) -> None:
        """Forget what was not written (a hub that stopped leading): the stores hold the log's picture.
        Waits for the database when it is away."""
        delay = 0.2
        while True:
            self._drop_queued()
            try:
                publish = await asyncio.to_thread(self._read)
            except Exception as exc:
                log.warning("could not read the picture again yet (%s); retrying in %.1f s", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)
                continue
            self._drop_queued()
            publish()
            return

    def _read(self) -> Callable[[], None]:
        with self._db.session() as session:
            return self._loaded(session)

    def _drop_queued(self) -> None:
        while not self._queue.empty():
            self._queue.get_nowait()
            self._queue.task_done()

    def _applier(self, kind: str) -> Callable[[dict[str, Any]], None]:
        def apply(payload: dict[str, Any]) -> None:
            self.apply_logged(kind, payload)

        return apply

    def apply_logged(self, kind: str, payload: dict[str, Any]) -> None:
        """Another hub's change of `kind`: its documents into `published` and this hub's stores."""
        upsert = [d for d in payload.get("upsert", []) if isinstance(d, dict)]
        removed = [str(i) for i in payload.get("removed", [])]
        documents = self.published[kind]
        models = []
        for document in upsert:
            try:
                item = MODELS[kind].model_validate(document)
            except ValueError:
                log.warning("another hub logged a %s document this hub cannot read", kind)
                continue
            models.append(item)
            documents[_item_id(kind, item)] = json.dumps(document, separators=(",", ":"))
        for item_id in removed:
            documents.pop(item_id, None)
        if kind == "incidents":
            self.incidents.apply([m for m in models if isinstance(m, Incident)])
            self.incidents.remove(removed)
            return
        store: VisitorStore | ZoneStore = self.visitors if kind == "visitors" else self.zones
        for model in models:
            store.upsert(model)  # type: ignore[arg-type]
        for item_id in removed:
            store.discard(item_id)

    def store(self, kind: str) -> IncidentStore | VisitorStore | ZoneStore:
        if kind == "incidents":
            return self.incidents
        return self.visitors if kind == "visitors" else self.zones

    def recorder(self, kind: str) -> Callable[[ChangeSet], None]:
        """A listener for a poller event: queues that change set for the change log."""

        def record(changes: ChangeSet) -> None:
            self.record(kind, changes)

        return record

    def record(self, kind: str, changes: ChangeSet) -> None:
        """Capture the documents a change set names now (the store may move on before it is written)."""
        store = self.store(kind)
        upsert: dict[str, str] = {}
        for item_id in (*changes.added, *changes.updated):
            item = store.get(item_id)
            if item is not None:
                upsert[item_id] = item.model_dump_json(by_alias=True)
        removed = tuple(i for i in changes.removed if i not in upsert)
        if upsert or removed or changes.full_resync:
            pending = _Pending(kind, upsert, removed, changes.full_resync, self.changelog.epoch)
            self._queue.put_nowait(pending)

    async def run(self) -> None:
        """Write queued change sets to the change log, one at a time, in order (until cancelled)."""
        while True:
            pending = await self._queue.get()
            try:
                await self._write_until_stored(pending)
            finally:
                self._queue.task_done()

    async def flush(self) -> None:
        """Wait until every change set recorded so far is in the change log (or dropped: not leading)."""
        await self._queue.join()

    async def _write_until_stored(self, pending: _Pending) -> None:
        failures = 0
        while True:
            try:
                if failures and await asyncio.to_thread(self._already_stored, pending):
                    log.info("a %s change was stored after all (its answer was lost)", pending.kind)
                    return
                await self._write(pending)
                return
            except NotLeader:
                log.info("a %s change was not written: another hub leads now", pending.kind)
                return
            except Exception as exc:  # the database is away: keep the order, try again
                delay = RETRY_S[min(failures, len(RETRY_S) - 1)]
                failures += 1
                log.warning("could not store a %s change (%s); retrying in %.1f s", pending.kind, exc, delay)
                await asyncio.sleep(delay)

    def _already_stored(self, pending: _Pending) -> bool:
        """Did an attempt whose answer was lost commit? Its rows are written with the change itself."""
        if not pending.upsert and not pending.removed:
            return False
        with self._db.session() as session:
            ids = [*pending.upsert, *pending.removed]
            rows = session.scalars(
                select(ItemRow).where(ItemRow.kind == pending.kind, ItemRow.item_id.in_(ids))
            ).all()
        held = {row.item_id: row.document for row in rows}
        return all(held.get(i) == d for i, d in pending.upsert.items()) and not any(
            i in held for i in pending.removed
        )

    async def _write(self, pending: _Pending) -> None:
        kind, upsert, removed = pending.kind, pending.upsert, pending.removed
        text = (
            '{"upsert":['
            + ",".join(upsert.values())
            + '],"removed":'
            + json.dumps(list(removed))
            + ',"full":'
            + ("true" if pending.full else "false")
            + "}"
        )

        def persist(session: Session) -> None:
            if removed:
                session.execute(delete(ItemRow).where(ItemRow.kind == kind, ItemRow.item_id.in_(removed)))
            for item_id, document in upsert.items():
                session.merge(ItemRow(kind=kind, item_id=item_id, document=document))

        def publish() -> None:
            documents = self.published[kind]
            for item_id in removed:
                documents.pop(item_id, None)
            documents.update(upsert)

        await self.changelog.append(
            kind, text, persist=persist, publish=publish, leader_only=True, epoch=pending.epoch
        )

    def snapshot_json(self, kind: str) -> str:
        """The published documents of one kind as a JSON array."""
        return "[" + ",".join(self.published[kind].values()) + "]"


def _item_id(kind: str, item: BaseModel) -> str:
    if isinstance(item, Incident):
        return item.incident_id
    if isinstance(item, CurrentVisitor):
        return item.log_id
    assert isinstance(item, DangerZone)
    return item.zone_id
