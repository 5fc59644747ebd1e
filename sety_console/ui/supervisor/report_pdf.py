"""Writing a report document to PDF with `QPdfWriter` (works with no display) and printing it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

__all__ = ["ReportError", "ensure_gui_application", "write_pdf"]

RESOLUTION_DPI = 300
MARGINS_MM = QMarginsF(0, 0, 0, 0)
"""Qt adds 2 cm margins (and page numbers) itself when it paginates the document."""


class ReportError(Exception):
    """The report could not be written; the message says why and what to do."""


def ensure_gui_application() -> QCoreApplication:
    """The running Qt application, or a new `QGuiApplication` (offscreen when there is no display)."""
    existing = QCoreApplication.instance()
    if existing is not None:
        return existing
    headless = not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")
    if headless and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return QGuiApplication([sys.argv[0] if sys.argv else "sety-console"])


def write_pdf(document: QTextDocument, path: str | Path, title: str = "") -> Path:
    """Lay `document` out on A4 pages and write it to `path`; `ReportError` in words on failure."""
    target = Path(path).expanduser().resolve()
    if not target.parent.is_dir():
        raise ReportError(f"The folder {target.parent} does not exist: create it or choose another path.")
    if target.exists() and target.is_dir():
        raise ReportError(f"{target} is a folder: give a file name ending in .pdf.")
    if not os.access(target.parent, os.W_OK):
        raise ReportError(f"Cannot write in {target.parent}: choose a folder you may write to.")
    writer = QPdfWriter(str(target))
    writer.setResolution(RESOLUTION_DPI)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            MARGINS_MM,
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setTitle(title or document.metaInformation(QTextDocument.MetaInformation.DocumentTitle))
    writer.setCreator("Sety Console")
    document.print_(writer)
    del writer  # the file is finished when the writer is destroyed
    if not target.is_file() or target.stat().st_size == 0:
        raise ReportError(f"The PDF {target} could not be written (the disk may be full).")
    return target
