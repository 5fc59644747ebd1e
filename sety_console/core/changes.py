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

    def then(self, later: ChangeSet) -> ChangeSet:
        """One change set equivalent to applying this one, then `later` (bursts merge into one redraw)."""
        state: dict[str, str] = {}
        for kind, ids in (("added", self.added), ("updated", self.updated), ("removed", self.removed)):
            state.update(dict.fromkeys(ids, kind))
        for key in later.added:
            state[key] = "updated" if state.get(key) == "removed" else "added"
        for key in later.updated:
            state[key] = "added" if state.get(key) == "added" else "updated"
        for key in later.removed:
            if state.get(key) == "added":
                del state[key]
            else:
                state[key] = "removed"
        return ChangeSet(
            added=tuple(k for k, v in state.items() if v == "added"),
            updated=tuple(k for k, v in state.items() if v == "updated"),
            removed=tuple(k for k, v in state.items() if v == "removed"),
            full_resync=self.full_resync or later.full_resync,
        )
