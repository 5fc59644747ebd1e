"""The console's live picture: incidents, visitors inside, danger zones, each emitting change sets.

Stores are pure (no I/O, no clock): the poller, the outbox and the snapshot cache feed them; the ui
reads them and updates only the rows a `ChangeSet` names. Each store knows how fresh it is:
`fresh_as_of` is when the server last confirmed its content, `stale` is True while it only holds
what the snapshot cache remembered.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Generic, TypeVar

from sety_console.api.models import (
    ACTIVE_STATUSES,
    AccessLog,
    CurrentVisitor,
    DangerZone,
    Incident,
    IncidentStatus,
)

from .changes import ChangeSet

T = TypeVar("T")
_ACTIVE = frozenset(IncidentStatus(value) for value in ACTIVE_STATUSES)


class _Freshness:
    """When a store's content was last confirmed by the server."""

    def __init__(self) -> None:
        self.fresh_as_of: datetime | None = None
        self.stale = True  # nothing confirmed by the server yet

    def mark_fresh(self, at: datetime) -> None:
        """The server confirmed the content as of `at` (local time of the request)."""
        self.fresh_as_of = at
        self.stale = False

    def mark_stale(self, fresh_as_of: datetime | None = None) -> None:
        """The content comes from the cache (or the connection was lost): show it as stale."""
        if fresh_as_of is not None:
            self.fresh_as_of = fresh_as_of
        self.stale = True


class IncidentStore(_Freshness):
    """Incidents by id; newer `updated_at` wins, older copies are ignored."""

    def __init__(self) -> None:
        super().__init__()
        self._items: dict[str, Incident] = {}
        self._open: set[str] = set()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, incident_id: object) -> bool:
        return incident_id in self._items

    def __iter__(self) -> Iterator[Incident]:
        return iter(self._items.values())

    def get(self, incident_id: str) -> Incident | None:
        return self._items.get(incident_id)

    def values(self) -> list[Incident]:
        return list(self._items.values())

    def open_ids(self) -> frozenset[str]:
        """Ids of incidents in an active status."""
        return frozenset(self._open)

    def open_incidents(self) -> list[Incident]:
        return [self._items[i] for i in self._open]

    def max_updated_at(self) -> datetime | None:
        """The newest `updated_at` held (the server's clock): the delta poller's cursor."""
        return max((i.updated_at for i in self._items.values()), default=None)

    def apply(self, incidents: Iterable[Incident]) -> ChangeSet:
        """Add new incidents and replace older copies; identical or older copies change nothing."""
        added: dict[str, None] = {}
        updated: dict[str, None] = {}
        items, open_ids = self._items, self._open
        for incident in incidents:
            key = incident.incident_id
            current = items.get(key)
            if current is None:
                added[key] = None
            elif incident.updated_at > current.updated_at:
                if key not in added:
                    updated[key] = None
            else:
                continue
            items[key] = incident
            if incident.status in _ACTIVE:
                open_ids.add(key)
            else:
                open_ids.discard(key)
        return ChangeSet(added=tuple(added), updated=tuple(updated))

    def remove(self, incident_ids: Iterable[str]) -> ChangeSet:
        """Forget these incidents (unknown ids are ignored)."""
        removed = []
        for key in incident_ids:
            if self._items.pop(key, None) is not None:
                self._open.discard(key)
                removed.append(key)
        return ChangeSet(removed=tuple(removed))

    def prune_closed(self, older_than: datetime) -> ChangeSet:
        """Forget closed incidents last updated before `older_than` (keeps the store bounded)."""
        old = [
            key
            for key, incident in self._items.items()
            if key not in self._open and incident.updated_at < older_than
        ]
        return self.remove(old)

    def replace_all(self, incidents: Iterable[Incident], *, precise: bool = True) -> ChangeSet:
        """Make the store hold exactly `incidents` (a resync).

        `precise` gives the exact diff (added, updated by `updated_at`, removed); otherwise the change
        set says `full_resync` and lists every id as added, for a view that resets itself.
        """
        fresh = {i.incident_id: i for i in incidents}
        if not precise:
            self._items = fresh
            self._open = {k for k, i in fresh.items() if i.status.is_active}
            return ChangeSet(added=tuple(fresh), full_resync=True)
        removed = [key for key in self._items if key not in fresh]
        for key in removed:
            del self._items[key]
            self._open.discard(key)
        added, updated = [], []
        for key, incident in fresh.items():
            current = self._items.get(key)
            if current is None:
                added.append(key)
            elif incident.updated_at != current.updated_at:
                updated.append(key)
            else:
                continue
            self._items[key] = incident
            self._track(incident)
        return ChangeSet(added=tuple(added), updated=tuple(updated), removed=tuple(removed))

    def _track(self, incident: Incident) -> None:
        if incident.status in _ACTIVE:
            self._open.add(incident.incident_id)
        else:
            self._open.discard(incident.incident_id)


class _ListStore(_Freshness, Generic[T]):
    """A store the server always sends whole (visitors inside, danger zones): replace gives the diff."""

    def __init__(self) -> None:
        super().__init__()
        self._items: dict[str, T] = {}

    def _key(self, item: T) -> str:
        raise NotImplementedError

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[T]:
        return iter(self._items.values())

    def get(self, key: str) -> T | None:
        return self._items.get(key)

    def values(self) -> list[T]:
        return list(self._items.values())

    def replace(self, items: Iterable[T]) -> ChangeSet:
        """Hold exactly `items`: ids not in it are removed, changed ones updated, new ones added."""
        fresh = {self._key(item): item for item in items}
        removed = tuple(key for key in self._items if key not in fresh)
        added = tuple(key for key in fresh if key not in self._items)
        updated = tuple(key for key, item in fresh.items() if key in self._items and self._items[key] != item)
        self._items = fresh
        return ChangeSet(added=added, updated=updated, removed=removed)

    def upsert(self, item: T) -> ChangeSet:
        """Add or replace one item (an action's result, before the next poll confirms it)."""
        key = self._key(item)
        existing = self._items.get(key)
        if existing == item:
            return ChangeSet()
        self._items[key] = item
        return ChangeSet(added=(key,)) if existing is None else ChangeSet(updated=(key,))

    def discard(self, key: str) -> ChangeSet:
        """Remove one item if present."""
        return ChangeSet(removed=(key,)) if self._items.pop(key, None) is not None else ChangeSet()


class VisitorStore(_ListStore[CurrentVisitor]):
    """Visitors inside now, by access-log id; checked-out visits are removed."""

    def _key(self, item: CurrentVisitor) -> str:
        return item.log_id


class ZoneStore(_ListStore[DangerZone]):
    """Danger zones by zone id."""

    def _key(self, item: DangerZone) -> str:
        return item.zone_id


def visitor_from_log(log: AccessLog, now: datetime) -> CurrentVisitor:
    """The "inside now" row for a check-in the outbox just delivered (the next poll refines it)."""
    minutes = max(0, int((now - log.checked_in_at).total_seconds() // 60))
    return CurrentVisitor(
        log_id=log.log_id,
        visitor_name=log.visitor_name,
        visitor_phone=log.visitor_phone,
        host_name=log.host_name,
        host_unit=log.host_unit,
        gate=log.gate,
        vehicle_plate=log.vehicle_plate,
        checked_in_at=log.checked_in_at,
        minutes_inside=minutes,
    )
