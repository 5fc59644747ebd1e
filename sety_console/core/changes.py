"""Change sets: what a store update changed, so views touch only those rows."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """Ids added, updated and removed by one `apply`; empty when nothing changed."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    full_resync: bool = field(default=False)
    """True when the store was replaced wholesale (first load, resync after a long gap)."""

    def __bool__(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.full_resync)

    @property
    def count(self) -> int:
        return len(self.added) + len(self.updated) + len(self.removed)
