"""Every "Save as" of the console (CSV export, PDF, …) starts in one sensible folder: the last folder the
operator saved to, else their Documents folder — never the directory the console was started from.

The composition root tells this module where the last folder is kept (`remember_folder_in`, the
settings file); without it (widget tests) the dialogs start in Documents and remember nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

_last_folder: Callable[[], str | None] = lambda: None  # noqa: E731 (replaced by the composition root)
_remember: Callable[[str], None] = lambda folder: None  # noqa: E731


def remember_folder_in(last_folder: Callable[[], str | None], remember: Callable[[str], None]) -> None:
    """Where the last folder used is read from and written to (set once by `app`)."""
    global _last_folder, _remember
    _last_folder, _remember = last_folder, remember


def documents_folder() -> Path:
    """The user's Documents folder (QStandardPaths), else the home folder."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path = Path(found) if found else Path.home()
    return path if path.is_dir() else Path.home()


def start_folder() -> Path:
    """The last folder saved to while it still exists, else Documents."""
    last = _last_folder()
    if last and Path(last).is_dir():
        return Path(last)
    return documents_folder()


def ask_save_path(parent: QWidget | None, title: str, file_name: str, file_filter: str) -> Path | None:
    """Ask where to save `file_name` (starting in `start_folder()`); None when the operator cancels.
    The chosen folder becomes the start of the next save dialog."""
    path, _ = QFileDialog.getSaveFileName(parent, title, str(start_folder() / file_name), file_filter)
    if not path:
        return None
    chosen = Path(path)
    _remember(str(chosen.parent))
    return chosen
