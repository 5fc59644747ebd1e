"""The visible rows of the queue as a sorted list of keys, with display-row arithmetic.

Keys are kept ascending in a `SortedList` (O(log n) insert, remove and index); a descending sort
shows the same list backwards, so one structure serves both directions and bisection always works.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sortedcontainers import SortedList

Key = tuple[Any, tuple[Any, ...]]
"""(column sort key, priority key); the priority key ends with the incident id, so keys are unique."""


def key_id(key: Key) -> str:
    """The incident id inside a key."""
    return str(key[1][-1])


def runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Contiguous (first, last) ranges of the given row numbers, ascending."""
    result: list[tuple[int, int]] = []
    for row in sorted(rows):
        if result and row == result[-1][1] + 1:
            result[-1] = (result[-1][0], row)
        else:
            result.append((row, row))
    return result


class VisibleOrder:
    """Sorted keys of the visible rows; row numbers are display rows (what the view sees)."""

    def __init__(self) -> None:
        self._keys: SortedList = SortedList()
        self.descending = False

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[Key]:
        """Keys in display order."""
        return reversed(self._keys) if self.descending else iter(self._keys)

    def reset(self, keys: Iterable[Key], descending: bool) -> None:
        self._keys = SortedList(keys)
        self.descending = descending

    def _row(self, index: int, size: int | None = None) -> int:
        if not self.descending:
            return index
        return (len(self._keys) if size is None else size) - 1 - index

    def key_at(self, row: int) -> Key:
        index = len(self._keys) - 1 - row if self.descending else row
        return self._keys[index]  # type: ignore[no-any-return]

    def row_of(self, key: Key) -> int:
        """Display row of a key that is in the list (ValueError otherwise)."""
        return self._row(self._keys.index(key))

    def add(self, key: Key) -> None:
        self._keys.add(key)

    def remove(self, key: Key) -> None:
        self._keys.remove(key)

    def delete_rows(self, first: int, last: int) -> None:
        """Remove the display rows first..last (inclusive)."""
        if self.descending:
            size = len(self._keys)
            first, last = size - 1 - last, size - 1 - first
        del self._keys[first : last + 1]

    def insertion_slot(self, key: Key) -> int:
        """Ascending index a new key would take (keys with the same slot land side by side)."""
        return int(self._keys.bisect_left(key))

    def slot_rows(self, slot: int, count: int) -> tuple[int, int]:
        """Display rows that `count` keys inserted at ascending `slot` will occupy."""
        if not self.descending:
            return slot, slot + count - 1
        size = len(self._keys)
        return size - slot, size - slot + count - 1

    def move_rows(self, old: Key, new: Key) -> tuple[int, int]:
        """(current display row of `old`, display row that `new` will have once it replaces `old`)."""
        index = self._keys.index(old)
        target = int(self._keys.bisect_left(new))
        if target > index:
            target -= 1
        return self._row(index), self._row(target)
