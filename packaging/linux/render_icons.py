"""Render the app icon's PNG sizes (and the Windows .ico) from its SVG, reproducibly.

The SVG at `packaging/linux/icons/hicolor/scalable/apps/io.sety.Console.svg` is the only source.
This script writes, from it:

- `packaging/linux/icons/hicolor/<N>x<N>/apps/io.sety.Console.png` for every size in `PNG_SIZES`;
- `packaging/windows/sety-console.ico` (PNG-compressed entries, Windows Vista and later);
- `resources/icons/app/sety-console.svg` and `sety-console-256.png` (the window icon).

Run `python packaging/linux/render_icons.py` after editing the SVG, or with `--check` to fail when a
committed file differs from a fresh render (same PySide6 version: the output is byte-for-byte stable).
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ICON_ID = "io.sety.Console"
HICOLOR = ROOT / "packaging" / "linux" / "icons" / "hicolor"
SVG_SOURCE = HICOLOR / "scalable" / "apps" / f"{ICON_ID}.svg"
PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 32, 48, 64, 128, 256)
ICO_PATH = ROOT / "packaging" / "windows" / "sety-console.ico"
APP_ICON_DIR = ROOT / "resources" / "icons" / "app"
APP_ICON_PNG_SIZE = 256


def png_path(size: int) -> Path:
    """Where the hicolor PNG of `size` pixels lives."""
    return HICOLOR / f"{size}x{size}" / "apps" / f"{ICON_ID}.png"


def render_png(svg_bytes: bytes, size: int) -> bytes:
    """The SVG drawn into a transparent `size`×`size` square, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(svg_bytes))
    if not renderer.isValid():
        raise ValueError(f"{SVG_SOURCE} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    encoded = image.convertToFormat(QImage.Format.Format_ARGB32)
    # The stub types `format` as bytes, but PySide6 6.11 accepts only str at run time.
    if not encoded.save(buffer, "PNG"):  # type: ignore[call-overload]
        raise RuntimeError(f"Qt could not encode the {size} px icon as PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding each PNG as is (the ICONDIR layout; 256 is written as 0)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, payload = b"", b""
    for size, png in sorted(pngs.items()):
        side = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        payload += png
        offset += len(png)
    return header + entries + payload


def expected_files() -> dict[Path, bytes]:
    """Every generated file and the bytes it must hold."""
    svg = SVG_SOURCE.read_bytes()
    pngs = {size: render_png(svg, size) for size in sorted({*PNG_SIZES, *ICO_SIZES, APP_ICON_PNG_SIZE})}
    files = {png_path(size): pngs[size] for size in PNG_SIZES}
    files[ICO_PATH] = ico_bytes({size: pngs[size] for size in ICO_SIZES})
    files[APP_ICON_DIR / "sety-console.svg"] = svg
    files[APP_ICON_DIR / f"sety-console-{APP_ICON_PNG_SIZE}.png"] = pngs[APP_ICON_PNG_SIZE]
    return files


def stale_files(files: dict[Path, bytes]) -> list[Path]:
    """The generated files that are missing or differ from a fresh render."""
    return [path for path, data in files.items() if not path.is_file() or path.read_bytes() != data]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render the Sety Console icons from their SVG.")
    parser.add_argument("--check", action="store_true", help="only report files that differ; exit 1 if any")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    files = expected_files()
    stale = stale_files(files)
    if args.check:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)} (run packaging/linux/render_icons.py)")
        return 1 if stale else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[path])
        print(f"wrote {path.relative_to(ROOT)}")
    print(f"{len(files)} icon files, {len(stale)} rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
