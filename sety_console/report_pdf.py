"""The handover report's HTML laid out by Qt: a `QTextDocument` for preview and printing, and PDF.

Qt GUI (not widgets): used by the supervisor's Shift handover tab and by the headless
`sety-console report`, which runs it on an offscreen `QGuiApplication`. `QPdfWriter` needs no display.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF
from PySide6.QtGui import QFont, QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

__all__ = ["ReportError", "build_report_document", "ensure_gui_application", "write_pdf"]

RESOLUTION_DPI = 300
MARGINS_MM = QMarginsF(0, 0, 0, 0)
"""Qt adds 2 cm margins (and page numbers) itself when it paginates the document."""
NO_LIGATURES = ("liga", "clig", "dlig")
"""OpenType features switched off everywhere: `fi` in an id or a name stays two letters when copied."""


_UNIFORM_WIDTHS = re.compile(rb"/CIDToGIDMap /Identity(\s+)/DW (\d+) >>")
"""How Qt writes the widths of a font whose glyphs are all as wide (a monospace subset)."""


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


def _plain_font(family: str, points: float) -> QFont:
    font = QFont(family)
    font.setPointSizeF(points)
    for tag in NO_LIGATURES:
        feature = QFont.Tag.fromString(tag)
        if feature is not None:
            font.setFeature(feature, 0)
    return font


def build_report_document(html: str, title: str) -> QTextDocument:
    """`html` (from `core.handover.report_html`) as a `QTextDocument`, ready to preview, print or save."""
    document = QTextDocument()
    document.setDefaultFont(_plain_font("DejaVu Sans", 9.0))
    document.setHtml(html)
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, title)
    return document


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
    target.write_bytes(explicit_widths(target.read_bytes()))
    return target


def explicit_widths(pdf: bytes) -> bytes:
    """`pdf` with every monospace font's glyph widths listed (`/W`), byte offsets unchanged.

    Qt describes a font whose glyphs are all equally wide by one default width (`/DW`) and no
    per-glyph list. Text extractors that look widths up per glyph (pypdf) then take glyph 32 of the
    subset for a space and split an incident id in two. `/CIDToGIDMap /Identity` is the default
    for these fonts, so its bytes can carry the explicit list instead: same length, same offsets.
    """

    def spell_out(match: re.Match[bytes]) -> bytes:
        widths = b"/W [0 4095 " + match.group(2) + b"]"
        room = len(b"/CIDToGIDMap /Identity")
        if len(widths) > room:
            return match.group(0)
        return widths.ljust(room) + match.group(1) + b"/DW " + match.group(2) + b" >>"

    return _UNIFORM_WIDTHS.sub(spell_out, pdf)
