"""The incident queue's Qt model: 50k rows sorted and filtered in Python, updated in place.

QT-NOTES §7: no QSortFilterProxyModel. The model keeps every incident it was given
(`_rows`), and the visible ones as sorted keys (`_order`). A change set touches only its rows:
removals and inserts are announced as contiguous ranges, moves with `beginMoveRows` (or one
`layoutChanged` when many rows move), in-place updates with `dataChanged`. `apply` never
resets the model, so selection (persistent indexes) and scroll survive every poll.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal

from sety_console.api.models import Incident
from sety_console.core.changes import ChangeSet
from sety_console.ui.common.palette import Palette, colors

from .claim_text import ClaimCell
from .queue_cells import INCIDENT_ID_ROLE, QueueCells, flash_strength
from .queue_columns import HEADERS, Column, QueueRow, column_sort_key
from .queue_filters import FilterFields, QueueFilters
from .queue_order import Key, VisibleOrder, key_id, runs

__all__ = ["INCIDENT_ID_ROLE", "IncidentQueueModel"]

FLASH_SECONDS = 3.0
MOVES_PER_LAYOUT = 24
"""More moved rows than this in one change set: one `layoutChanged` instead of many `rowsMoved`."""
RUNS_PER_SIGNAL = 32
"""More separate row ranges than this: one `dataChanged` over their bounding range."""

_INDEX = QModelIndex()
_ALL_ROLES: list[int] = []  # dataChanged with no roles: every role may have changed
_CLOCK_ROLES = [
    int(Qt.ItemDataRole.DisplayRole),
    int(Qt.ItemDataRole.ForegroundRole),
    int(Qt.ItemDataRole.BackgroundRole),
    int(Qt.ItemDataRole.FontRole),
    int(Qt.ItemDataRole.ToolTipRole),
]
_FLASH_ROLES = [int(Qt.ItemDataRole.BackgroundRole)]


class _Plan:
    """What one change set does to the visible rows, worked out before any signal is sent."""

    __slots__ = ("added", "dropped", "inserts", "moves", "removes", "updates")

    def __init__(self) -> None:
        self.removes: list[Key] = []
        self.moves: list[tuple[Key, QueueRow]] = []
        self.inserts: list[QueueRow] = []
        self.updates: list[QueueRow] = []
        self.added: list[str] = []
        self.dropped: list[str] = []

    def drop(self, old: QueueRow) -> None:
        """The incident is gone from the store."""
        self.dropped.append(old.incident_id)
        if old.key is not None:
            self.removes.append(old.key)

    def place(self, old: QueueRow | None, row: QueueRow, new_key: Key | None) -> None:
        """A new version `row` replaces `old` (None: first seen); `new_key` None means filtered out."""
        old_key = old.key if old is not None else None
        if new_key is None:
            if old_key is not None:
                self.removes.append(old_key)
        elif old_key is None:
            row.key = new_key
            self.inserts.append(row)
            if old is None:
                self.added.append(row.incident_id)
        elif old_key == new_key:
            row.key = old_key
            self.updates.append(row)
        else:
            row.key = new_key
            self.moves.append((old_key, row))


class IncidentQueueModel(QAbstractTableModel):
    """Rows of incidents for the queue; see the module docstring for how updates are announced.

    `lookup(id)` returns the current incident (from the core's store) when a change set names it;
    `now()` is the aware UTC time the age and SLA columns count against.
    """

    contents_changed = Signal()
    """After every reset, apply and filter change: the shown and total counts may differ."""
    resorted = Signal()
    """After `sort` (a new order chosen by the operator, not an update)."""

    def __init__(
        self,
        lookup: Callable[[str], Incident | None],
        now: Callable[[], datetime],
        parent: Any = None,
        *,
        palette: Palette | None = None,
        flash_seconds: float = FLASH_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._lookup = lookup
        self._now = now
        self._rows: dict[str, QueueRow] = {}
        self._order = VisibleOrder()
        self._column = -1
        self._filters = QueueFilters()
        self._matches = self._filters.predicate()
        self._cells = QueueCells(palette or colors("dark"))
        self._tick = 0
        self._flash_seconds = flash_seconds
        self._monotonic = monotonic
        self._flashes: dict[str, float] = {}
        self._flash_timer = QTimer(self)
        self._flash_timer.setInterval(80)
        self._flash_timer.timeout.connect(self._animate_flashes)

    # --- Qt model interface -------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _INDEX) -> int:
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _INDEX) -> int:
        return 0 if parent.isValid() else len(Column)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or index.row() >= len(self._order):
            return None
        row = self._rows.get(key_id(self._order.key_at(index.row())))
        if row is None:
            return None
        flash = self._flash_of(row.incident_id) if self._flashes else 0.0
        return self._cells.data(row, index.column(), role, self._now, self._tick, flash)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        title, tip = HEADERS[Column(section)]
        if role == Qt.ItemDataRole.DisplayRole:
            return title
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            return Qt.SortOrder.AscendingOrder  # every key puts the most urgent first
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by `column` (-1: the default priority order); keeps selection via persistent indexes."""
        self._column = column if 0 <= column < len(Column) else -1
        descending = order == Qt.SortOrder.DescendingOrder and self._column >= 0
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        ids = [key_id(self._order.key_at(i.row())) for i in old]
        self._rebuild(descending)
        self._remap_persistent(old, ids)
        self.layoutChanged.emit()
        self.resorted.emit()

    # --- the shell's interface ------------------------------------------------------------------

    def reset_from(self, incidents: Iterable[Incident]) -> None:
        """Replace everything (first load, full resync only: a poll uses `apply`)."""
        self.beginResetModel()
        self._rows = {incident.incident_id: QueueRow(incident) for incident in incidents}
        self._flashes.clear()
        self._rebuild(self._order.descending)
        self.endResetModel()
        self.contents_changed.emit()

    def apply(self, change: ChangeSet) -> None:
        """Apply one change set of the store in place (see the module docstring)."""
        if not change:
            return
        plan = self._plan(change)
        self._remove(plan.removes)
        for incident_id in plan.dropped:  # kept until now: the view may read them while rows go
            self._rows.pop(incident_id, None)
        self._move(plan.moves)
        self._insert(plan.inserts)
        self._announce_updates(plan.updates)
        if plan.added:
            self.flash(plan.added)
        self.contents_changed.emit()

    def set_filter(self, filters: QueueFilters) -> None:
        """Show only what `filters` lets through (a model reset: the view restores its selection)."""
        if filters == self._filters:
            return
        self.beginResetModel()
        self._filters = filters
        self._matches = filters.predicate()
        self._rebuild(self._order.descending)
        self.endResetModel()
        self.contents_changed.emit()

    def filters(self) -> QueueFilters:
        return self._filters

    def sort_column(self) -> int:
        """The sorted column, -1 for the default priority order."""
        return self._column

    def set_palette(self, palette: Palette) -> None:
        """Switch colours (theme change); repaints every row."""
        self._cells.set_palette(palette)
        if len(self._order):
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._order) - 1, len(Column) - 1))

    def set_projection(self, as_of: datetime | None) -> None:
        """`as_of` while the incident data is not live (ages and SLA clocks become marked projections);
        None once it is live again."""
        if as_of == self._cells.projection_as_of:
            return
        self._cells.projection_as_of = as_of
        self.refresh_clocks()

    def set_claim(self, incident_id: str, claim: ClaimCell | None) -> None:
        """Who has taken an incident now (None: nobody); repaints its row, or moves it when the queue is
        sorted by "Taken by"."""
        if claim is None:
            self._cells.claims.pop(incident_id, None)
        else:
            self._cells.claims[incident_id] = claim
        row = self._rows.get(incident_id)
        if row is None or row.key is None:
            return
        if self._column == Column.TAKEN:
            old_key, row.key = row.key, self._key(row)
            if old_key != row.key:
                self._move([(old_key, row)])
                return
        place = self._order.row_of(row.key)
        self.dataChanged.emit(self.index(place, Column.TAKEN), self.index(place, Column.TAKEN))

    def claim_of(self, incident_id: str) -> ClaimCell | None:
        return self._cells.claims.get(incident_id)

    def refresh_clocks(self) -> None:
        """Age and SLA columns count on: one cheap `dataChanged` over those two columns."""
        self._tick += 1
        if len(self._order):
            last = len(self._order) - 1
            self.dataChanged.emit(self.index(0, Column.AGE), self.index(last, Column.SLA), _CLOCK_ROLES)

    def incident_at(self, row: int) -> Incident | None:
        if not 0 <= row < len(self._order):
            return None
        return self._rows[key_id(self._order.key_at(row))].incident

    def row_of(self, incident_id: str) -> int | None:
        """Display row of an incident, None when it is unknown or filtered out."""
        row = self._rows.get(incident_id)
        if row is None or row.key is None:
            return None
        return self._order.row_of(row.key)

    def incident_count(self) -> int:
        """Every incident the model holds, shown or filtered out."""
        return len(self._rows)

    def fields_of(self, incident_id: str) -> FilterFields | None:
        """What the filters look at of an incident the model holds (shown or not); None if unknown."""
        row = self._rows.get(incident_id)
        return row.fields if row is not None else None

    def filtered_out(self) -> Iterator[FilterFields]:
        """The filter fields of every incident the filters hide."""
        return (row.fields for row in self._rows.values() if row.key is None)

    def flash(self, ids: Iterable[str]) -> None:
        """Make these rows flash for a few seconds (new arrivals)."""
        start = self._monotonic()
        for incident_id in ids:
            self._flashes[incident_id] = start
        if self._flashes and not self._flash_timer.isActive():
            self._flash_timer.start()
        self._animate_flashes()

    def is_flashing(self, incident_id: str) -> bool:
        return self._flash_of(incident_id) > 0

    # --- building --------------------------------------------------------------------------------

    def _key(self, row: QueueRow) -> Key:
        if self._column == Column.TAKEN:  # nobody's first (to be taken), then by who has them
            claim = self._cells.claims.get(row.incident_id)
            return ((claim is not None, claim.operator.casefold() if claim else ""), row.pkey)
        return (column_sort_key(self._column, row), row.pkey)

    def _rebuild(self, descending: bool) -> None:
        """Recompute visibility and keys of every row (reset, filter or sort change)."""
        matches = self._matches
        keys = []
        for row in self._rows.values():
            if matches(row.fields):
                row.key = self._key(row)
                keys.append(row.key)
            else:
                row.key = None
        self._order.reset(keys, descending)

    def _remap_persistent(self, old: Sequence[QModelIndex], ids: Sequence[str]) -> None:
        new = []
        for index, incident_id in zip(old, ids, strict=True):
            row = self._rows.get(incident_id)
            if row is None or row.key is None:
                new.append(QModelIndex())
            else:
                new.append(self.index(self._order.row_of(row.key), index.column()))
        self.changePersistentIndexList(old, new)

    # --- applying a change set -------------------------------------------------------------------

    def _plan(self, change: ChangeSet) -> _Plan:
        """Sort the change set into removals, moves, inserts and in-place updates of visible rows."""
        plan = _Plan()
        rows, lookup, matches = self._rows, self._lookup, self._matches
        gone = set(change.removed)
        for incident_id in change.removed:
            old = rows.get(incident_id)
            if old is not None:
                plan.drop(old)
        for incident_id in (*change.added, *change.updated):
            if incident_id in gone:
                continue
            old = rows.get(incident_id)
            incident = lookup(incident_id)
            if incident is None:
                if old is not None:
                    plan.drop(old)
                continue
            row = rows[incident_id] = QueueRow(incident)
            plan.place(old, row, self._key(row) if matches(row.fields) else None)
        return plan

    def _remove(self, keys: list[Key]) -> None:
        if not keys:
            return
        rows = [self._order.row_of(key) for key in keys]
        for first, last in reversed(runs(rows)):
            self.beginRemoveRows(_INDEX, first, last)
            self._order.delete_rows(first, last)
            self.endRemoveRows()

    def _move(self, moves: list[tuple[Key, QueueRow]]) -> None:
        if len(moves) > MOVES_PER_LAYOUT:
            self._move_as_layout(moves)
            return
        last_column = len(Column) - 1
        for old_key, row in moves:
            assert row.key is not None
            source, target = self._order.move_rows(old_key, row.key)
            if source == target:  # a new key, but the same place: repaint only
                self._order.remove(old_key)
                self._order.add(row.key)
                self.dataChanged.emit(self.index(target, 0), self.index(target, last_column))
                continue
            # Qt counts the destination before the move: one further down when moving down.
            self.beginMoveRows(_INDEX, source, source, _INDEX, target + 1 if target > source else target)
            self._order.remove(old_key)
            self._order.add(row.key)
            self.endMoveRows()

    def _move_as_layout(self, moves: list[tuple[Key, QueueRow]]) -> None:
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        ids = [key_id(self._order.key_at(index.row())) for index in old]
        for old_key, row in moves:
            assert row.key is not None
            self._order.remove(old_key)
            self._order.add(row.key)
        self._remap_persistent(old, ids)
        self.layoutChanged.emit()

    def _insert(self, rows: list[QueueRow]) -> None:
        if not rows:
            return
        groups: dict[int, list[Key]] = {}
        for row in rows:
            assert row.key is not None
            groups.setdefault(self._order.insertion_slot(row.key), []).append(row.key)
        for slot in sorted(groups, reverse=True):
            keys = groups[slot]
            first, last = self._order.slot_rows(slot, len(keys))
            self.beginInsertRows(_INDEX, first, last)
            for key in keys:
                self._order.add(key)
            self.endInsertRows()

    def _announce_updates(self, rows: list[QueueRow]) -> None:
        self._announce_rows([self._order.row_of(row.key) for row in rows if row.key is not None], _ALL_ROLES)

    def _announce_rows(self, rows: list[int], roles: list[int]) -> None:
        """`dataChanged` for whole rows: one per contiguous range, or one bounding range if many."""
        if not rows:
            return
        ranges = runs(rows)
        if len(ranges) > RUNS_PER_SIGNAL:
            ranges = [(ranges[0][0], ranges[-1][1])]
        last_column = len(Column) - 1
        for first, last in ranges:
            self.dataChanged.emit(self.index(first, 0), self.index(last, last_column), roles)

    # --- flashing --------------------------------------------------------------------------------

    def _flash_of(self, incident_id: str) -> float:
        start = self._flashes.get(incident_id)
        if start is None:
            return 0.0
        return flash_strength(self._monotonic() - start, self._flash_seconds)

    def _animate_flashes(self) -> None:
        now = self._monotonic()
        rows = []
        for incident_id, start in list(self._flashes.items()):
            if now - start >= self._flash_seconds:
                del self._flashes[incident_id]
            row = self._rows.get(incident_id)
            if row is not None and row.key is not None:
                rows.append(self._order.row_of(row.key))
        self._announce_rows(rows, _FLASH_ROLES)
        if not self._flashes:
            self._flash_timer.stop()
