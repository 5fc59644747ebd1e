"""Qt table model of the visitors inside: updated in place from change sets and outbox entries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from sety_console.api.models import CurrentVisitor
from sety_console.core.actions import ActionKind, ActionState, OutboxEntry
from sety_console.core.changes import ChangeSet
from sety_console.core.gate_wording import format_minutes, format_when, minutes_since, outbox_words

from .gate_session import VisitorSource
from .inside_rows import InsideRow, check_in_row, visitor_row
from .style import Tone, font

Index = QModelIndex | QPersistentModelIndex
DONE_GRACE = timedelta(seconds=90)
"""How long a delivered check-in stays listed while the store has not caught up with it."""


class Column(IntEnum):
    VISITOR = 0
    STATUS = 1
    INSIDE = 2
    HOST = 3
    GATE = 4
    PLATE = 5
    SINCE = 6


HEADERS = {
    Column.VISITOR: "Visitor",
    Column.STATUS: "Status",
    Column.INSIDE: "Inside for",
    Column.HOST: "Host · unit",
    Column.GATE: "Gate",
    Column.PLATE: "Plate",
    Column.SINCE: "In since",
}
KEY_ROLE = Qt.ItemDataRole.UserRole + 1


def utc_now() -> datetime:
    return datetime.now(UTC)


class InsideModel(QAbstractTableModel):
    """Visitors inside plus actions still in the outbox; sorted and filtered in Python (QT-NOTES §7).

    Order: failures, actions on their way, overstays, then longest stay first.
    """

    def __init__(
        self,
        source: Callable[[], VisitorSource],
        clock: Callable[[], datetime] = utc_now,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._source = source
        self._clock = clock
        self._visitors: dict[str, CurrentVisitor] = {}
        self._check_ins: dict[str, OutboxEntry] = {}
        self._check_outs: dict[str, OutboxEntry] = {}
        self._done_seen: dict[str, datetime] = {}
        self._rows: dict[str, InsideRow] = {}
        self._visible: list[str] = []
        self._gate = ""
        self._needle = ""
        self.reload()

    # ------------------------------------------------------------------ inputs

    def reload(self) -> None:
        """Take every visitor from the store (first load, full resync)."""
        self._visitors = {v.log_id: v for v in self._source().values()}
        self._refresh()

    def apply_changes(self, changes: ChangeSet) -> None:
        """Touch only the rows of `changes` (a full resync re-reads the store)."""
        if changes.full_resync:
            self.reload()
            return
        store = self._source()
        for log_id in (*changes.added, *changes.updated):
            visitor = store.get(log_id)
            if visitor is not None:
                self._visitors[log_id] = visitor
        for log_id in changes.removed:
            self._visitors.pop(log_id, None)
            self._check_outs.pop(log_id, None)
        self._refresh()

    def apply_outbox(self, entry: OutboxEntry) -> None:
        """Show a check-in or checkout as pending, done or failed."""
        if entry.kind is ActionKind.CHECK_IN:
            self._check_ins[entry.action_id] = entry
            if entry.state is ActionState.DONE:
                self._done_seen.setdefault(entry.action_id, self._clock())
        elif entry.kind is ActionKind.CHECK_OUT and entry.target_id:
            self._check_outs[entry.target_id] = entry
        else:
            return
        self._refresh()

    def set_filter(self, gate: str = "", search: str = "") -> None:
        """Only rows at `gate` (empty: every gate) whose words contain `search`."""
        self._gate, self._needle = gate, search.strip().lower()
        self._refresh()

    def dismiss(self, key: str) -> bool:
        """Remove a failed action's row once the guard has read it; False when the row is not failed."""
        row = self._rows.get(key)
        if row is None or not row.failed:
            return False
        if row.check_out is not None and row.log_id:
            self._check_outs.pop(row.log_id, None)
        elif row.check_in is not None:
            self._check_ins.pop(row.check_in.action_id, None)
        self._refresh()
        return True

    def tick(self) -> None:
        """Minutes inside move on and overstays appear between polls; delivered check-ins expire."""
        now = self._clock()
        expired = [a for a, seen in self._done_seen.items() if now - seen > DONE_GRACE]
        for action_id in expired:
            self._check_ins.pop(action_id, None)
            self._done_seen.pop(action_id, None)
        self._refresh(touch_all=True)

    # ------------------------------------------------------------------ rows

    def _build(self) -> dict[str, InsideRow]:
        rows = {key: visitor_row(v, self._check_outs.get(key)) for key, v in self._visitors.items()}
        for action_id, entry in list(self._check_ins.items()):
            row = check_in_row(entry)
            if row.log_id and row.log_id in self._visitors:
                self._check_ins.pop(action_id)  # the store has it now
                self._done_seen.pop(action_id, None)
                continue
            rows[row.key] = replace(row, check_out=self._check_outs.get(row.key))
        return rows

    def _order(self, rows: dict[str, InsideRow]) -> list[str]:
        now = self._clock()
        keys = [k for k, row in rows.items() if row.matches(self._gate, self._needle)]
        keys.sort(key=lambda k: (rows[k].group(now), rows[k].checked_in_at, k))
        return keys

    def _refresh(self, *, touch_all: bool = False) -> None:
        old_rows, new_rows = self._rows, self._build()
        target = self._order(new_rows)
        self._rows = old_rows | new_rows  # the view reads leaving rows while they are removed
        self._move_rows(target)
        self._rows = new_rows
        last = self.columnCount() - 1
        for row, key in enumerate(self._visible):
            if touch_all or old_rows.get(key) != self._rows[key]:
                self.dataChanged.emit(self.index(row, 0), self.index(row, last))

    def _move_rows(self, target: list[str]) -> None:
        wanted = set(target)
        for row in reversed(range(len(self._visible))):
            if self._visible[row] not in wanted:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._visible[row]
                self.endRemoveRows()
        present = set(self._visible)
        for position, key in enumerate(target):
            if key not in present:
                self.beginInsertRows(QModelIndex(), position, position)
                self._visible.insert(position, key)
                self.endInsertRows()
        if self._visible != target:
            self.layoutAboutToBeChanged.emit()
            persistent = self.persistentIndexList()
            keys = [self._visible[index.row()] for index in persistent]
            self._visible = target
            where = {key: row for row, key in enumerate(target)}
            moved = [self.index(where[k], i.column()) for k, i in zip(keys, persistent, strict=True)]
            self.changePersistentIndexList(persistent, moved)
            self.layoutChanged.emit()

    # ------------------------------------------------------------------ queries

    def row_at(self, row: int) -> InsideRow | None:
        return self._rows[self._visible[row]] if 0 <= row < len(self._visible) else None

    def row_of(self, key: str) -> int | None:
        try:
            return self._visible.index(key)
        except ValueError:
            return None

    def visible_keys(self) -> list[str]:
        """Keys of the visible rows, top to bottom."""
        return list(self._visible)

    def gates(self) -> list[str]:
        """Every gate with someone (or something pending) inside, for the gate filter."""
        return sorted({row.gate for row in self._rows.values() if row.gate})

    def inside_count(self) -> int:
        return len(self._visitors)

    def overstay_count(self) -> int:
        now = self._clock()
        return sum(1 for key in self._visitors if self._rows[key].overstay(now))

    # ------------------------------------------------------------------ Qt

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == KEY_ROLE:
            return row.key
        if role == Qt.ItemDataRole.ToolTipRole:
            entry = row.check_out or row.check_in
            if entry is not None:
                return f"{'Checkout' if entry is row.check_out else 'Check-in'} {outbox_words(entry)}"
            if column is Column.INSIDE:  # says when, also while "In since" is hidden on a narrow screen
                return f"{self._text(row, column)}, in since {self._text(row, Column.SINCE)}"
            return f"{row.name}  {row.phone}".strip() if column is Column.VISITOR else self._text(row, column)
        return self._look(row, column, role)

    def _text(self, row: InsideRow, column: Column) -> str:
        now = self._clock()
        if column is Column.STATUS:
            return row.status(now)[0]
        if column is Column.VISITOR:
            return row.name
        if column is Column.HOST:
            return f"{row.host} · {row.unit}" if row.unit else row.host
        if column is Column.GATE:
            return row.gate
        if column is Column.PLATE:
            return row.plate or "—"
        if column is Column.SINCE:
            return format_when(row.checked_in_at, now)
        return format_minutes(minutes_since(row.checked_in_at, now))

    def _look(self, row: InsideRow, column: Column, role: int) -> Any:
        tone = row.status(self._clock())[1]
        highlighted = column is Column.STATUS or tone in (Tone.WARN, Tone.BAD)
        if role == Qt.ItemDataRole.BackgroundRole and highlighted and tone is not Tone.IDLE:
            return tone.background
        if role == Qt.ItemDataRole.ForegroundRole and highlighted and tone is not Tone.IDLE:
            return tone.foreground
        if role == Qt.ItemDataRole.FontRole and column in (Column.STATUS, Column.VISITOR, Column.INSIDE):
            return font(13, bold=True)
        return None
