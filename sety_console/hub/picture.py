"""The live picture the hub serves: the core's stores, their JSON documents, and their change log.

The hub's poller fills the core's `IncidentStore`, `VisitorStore` and `ZoneStore` exactly as a console's
would; every change set it emits is turned, in order, into one change-log entry holding the changed
documents (contract JSON) and the removed ids, written together with the picture's rows. `published`
holds the documents as of the change log's `head`: reads and snapshots are answered from it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sety_console.api.models import CurrentVisitor, DangerZone, Incident
from sety_console.core.changes import ChangeSet
from sety_console.core.stores import IncidentStore, VisitorStore, ZoneStore

from .changelog import ChangeLog
from .db import HubDatabase, ItemRow

log = logging.getLogger(__name__)

KINDS = ("incidents", "visitors", "zones")
MODELS: dict[str, type[BaseModel]] = {"incidents": Incident, "visitors": CurrentVisitor, "zones": DangerZone}


@dataclass(frozen=True, slots=True)
class _Pending:
    kind: str
    upsert: dict[str, str]
    removed: tuple[str, ...]
    full: bool


class Picture:
    """Stores + published documents + the writer that turns change sets into change-log entries."""

    def __init__(self, db: HubDatabase, changelog: ChangeLog) -> None:
        self.incidents, self.visitors, self.zones = IncidentStore(), VisitorStore(), ZoneStore()
        self.published: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
        self.changelog = changelog
        self._db = db
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self._load()

    def _load(self) -> None:
        """What the database held at start (shown as stale until the first poll confirms it)."""
        with self._db.session() as session:
            rows = session.scalars(select(ItemRow)).all()
        by_kind: dict[str, list[BaseModel]] = {kind: [] for kind in KINDS}
        for row in rows:
            if row.kind not in MODELS:
                continue
            try:
                by_kind[row.kind].append(MODELS[row.kind].model_validate_json(row.document))
            except ValueError:
                log.warning("dropping an unreadable %s document %s", row.kind, row.item_id)
                continue
            self.published[row.kind][row.item_id] = row.document
        self.incidents.replace_all([i for i in by_kind["incidents"] if isinstance(i, Incident)])
        self.visitors.replace([v for v in by_kind["visitors"] if isinstance(v, CurrentVisitor)])
        self.zones.replace([z for z in by_kind["zones"] if isinstance(z, DangerZone)])

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
            self._queue.put_nowait(_Pending(kind, upsert, removed, changes.full_resync))

    async def run(self) -> None:
        """Write queued change sets to the change log, one at a time, in order (until cancelled)."""
        while True:
            pending = await self._queue.get()
            try:
                await self._write(pending)
            except Exception:  # the database refused: the next full resync repairs the picture
                log.exception(
                    "could not store a %s change; it will be resent by the next resync", pending.kind
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

        await self.changelog.append(kind, text, persist=persist, publish=publish)

    def snapshot_json(self, kind: str) -> str:
        """The published documents of one kind as a JSON array."""
        return "[" + ",".join(self.published[kind].values()) + "]"
