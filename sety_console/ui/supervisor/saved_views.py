"""Saved views: a named set of queue filters, map layers and a time window, kept per workstation.

The shell supplies how to read the current view (`capture`) and how to put one back (`apply`);
this module only names, stores and lists them. Queue filters are an opaque JSON-able dict (what
`QueueFilters` serialises to), so this file never depends on the queue's internals.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox, QWidget

__all__ = ["SavedView", "SavedViewError", "SavedViewsMenu", "SavedViewsStore"]

from sety_console.config import SettingsList

log = logging.getLogger(__name__)
MAX_NAME = 80


class SavedViewError(ValueError):
    """A view that cannot be saved or read; the message says why in words."""


@dataclass(frozen=True)
class SavedView:
    """What a supervisor wants to come back to: queue filters, map layers on/off, a window of days."""

    name: str
    queue_filters: Mapping[str, Any] = field(default_factory=dict)
    map_layers: Mapping[str, bool] = field(default_factory=dict)
    window_days: int = 7
    saved_at: str = ""
    """ISO timestamp (UTC) of the last save; set by the store."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "queue_filters": dict(self.queue_filters),
            "map_layers": {str(k): bool(v) for k, v in self.map_layers.items()},
            "window_days": self.window_days,
            "saved_at": self.saved_at,
        }

    @classmethod
    def from_dict(cls, data: Any) -> SavedView:
        """Read a stored view; `SavedViewError` in words when it is damaged."""
        if not isinstance(data, dict):
            raise SavedViewError("a saved view must be an object")
        name, filters, layers = data.get("name"), data.get("queue_filters", {}), data.get("map_layers", {})
        days = data.get("window_days", 7)
        if not isinstance(name, str) or not name.strip():
            raise SavedViewError("a saved view has no name")
        if not isinstance(filters, dict) or not isinstance(layers, dict):
            raise SavedViewError(f"view {name!r}: filters and layers must be objects")
        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            raise SavedViewError(f"view {name!r}: the time window must be a whole number of days")
        return cls(
            name, filters, {str(k): bool(v) for k, v in layers.items()}, days, str(data.get("saved_at", ""))
        )

    def describe(self) -> str:
        """One line for a tooltip: time window, layers shown and how many filters are set."""
        shown = [name for name, on in self.map_layers.items() if on]
        layers = ", ".join(shown) if shown else "no map layers"
        return f"Last {self.window_days} days · {layers} · {len(self.queue_filters)} queue filter settings"


def check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise SavedViewError("Give the view a name.")
    if len(name) > MAX_NAME:
        raise SavedViewError(f"Keep the name under {MAX_NAME} characters.")
    return name


class SavedViewsStore:
    """The workstation's saved views (settings.json), in the order they were first saved."""

    def __init__(self, slot: SettingsList) -> None:
        self._slot = slot

    def load(self) -> list[SavedView]:
        views = []
        for item in self._slot.load():
            try:
                views.append(SavedView.from_dict(item))
            except SavedViewError as exc:
                log.warning("Skipping a saved view that cannot be read: %s", exc)
        return views

    def get(self, name: str) -> SavedView | None:
        return next((v for v in self.load() if v.name == name), None)

    def save(self, view: SavedView, now: datetime | None = None) -> SavedView:
        """Store `view` (a view of the same name is replaced in place); JSON-able or `SavedViewError`."""
        stamped = replace(view, name=check_name(view.name), saved_at=(now or datetime.now(UTC)).isoformat())
        try:
            encoded = stamped.to_dict()
            json.dumps(encoded)
        except (TypeError, ValueError) as exc:
            raise SavedViewError(f"The view cannot be stored: {exc}") from exc
        views = self.load()
        index = next((i for i, v in enumerate(views) if v.name.casefold() == stamped.name.casefold()), None)
        if index is None:
            views.append(stamped)
        else:
            views[index] = stamped
        self._write(views)
        return stamped

    def delete(self, name: str) -> None:
        self._write([v for v in self.load() if v.name != name])

    def _write(self, views: list[SavedView]) -> None:
        self._slot.store([v.to_dict() for v in views])


def _ask_name(parent: QWidget | None) -> str | None:
    name, ok = QInputDialog.getText(parent, "Save view", "Name of this view (same name replaces it):")
    return name if ok else None


def _warn(parent: QWidget | None, message: str) -> None:
    QMessageBox.warning(parent, "Saved views", message)


class SavedViewsMenu(QMenu):
    """`Views` menu: “Save current view…”, one entry per saved view, and a Delete submenu.

    `capture()` returns the current `SavedView` (its name is replaced by the one typed); `apply(view)`
    puts a view back. The menu rebuilds itself each time it opens, so it is always current.
    """

    view_saved = Signal(object)
    view_applied = Signal(object)

    def __init__(
        self,
        capture: Callable[[], SavedView],
        apply: Callable[[SavedView], None],
        slot: SettingsList,
        parent: QWidget | None = None,
        *,
        ask_name: Callable[[QWidget | None], str | None] = _ask_name,
        warn: Callable[[QWidget | None, str], None] = _warn,
    ) -> None:
        super().__init__("Saved &views", parent)
        self.store = SavedViewsStore(slot)
        self._capture, self._apply = capture, apply
        self._ask_name, self._warn = ask_name, warn
        self.aboutToShow.connect(self.rebuild)
        self.rebuild()

    def rebuild(self) -> None:
        self.clear()
        self.addAction("Save current view…", self.save_current)
        views = self.store.load()
        self.addSeparator()
        if not views:
            self.addAction("No saved views yet").setEnabled(False)
        for view in views:
            action = self.addAction(view.name, partial(self.apply_view, view.name))
            action.setToolTip(view.describe())
            action.setStatusTip(view.describe())
        self.setToolTipsVisible(True)
        delete = self.addMenu("Delete view")
        delete.setEnabled(bool(views))
        for view in views:
            delete.addAction(view.name, partial(self.delete_view, view.name))

    def save_current(self, name: str | None = None) -> SavedView | None:
        """Capture the current view and save it as `name` (asked for when None)."""
        name = self._ask_name(self.parentWidget()) if name is None else name
        if name is None:
            return None
        try:
            view = self.store.save(replace(self._capture(), name=name))
        except SavedViewError as exc:
            self._warn(self.parentWidget(), str(exc))
            return None
        self.rebuild()
        self.view_saved.emit(view)
        return view

    def apply_view(self, name: str) -> bool:
        """Put the saved view `name` back; False (and a message) when it is gone or cannot be applied."""
        view = self.store.get(name)
        if view is None:
            self._warn(self.parentWidget(), f"The view {name!r} no longer exists.")
            return False
        try:
            self._apply(view)
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("Saved view %r could not be applied: %s", name, exc)
            self._warn(self.parentWidget(), f"The view {name!r} could not be applied: {exc}")
            return False
        self.view_applied.emit(view)
        return True

    def delete_view(self, name: str) -> None:
        self.store.delete(name)
        self.rebuild()
