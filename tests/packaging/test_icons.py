"""The app icon exists at every size, as square RGBA PNGs rendered reproducibly from the one SVG."""

from __future__ import annotations

import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from tests.packaging.paths import APP_ICON_DIR, APP_ID, HICOLOR, LINUX, PACKAGING

SIZES = (16, 32, 48, 64, 128, 256, 512)
SVG = HICOLOR / "scalable" / "apps" / f"{APP_ID}.svg"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
RGBA = 6


def _png_header(data: bytes) -> tuple[int, int, int]:
    """(width, height, colour type) from a PNG's IHDR chunk."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR"
    assert length == 13
    width, height, _depth, colour = struct.unpack(">IIBB", data[16:26])
    return width, height, colour


def test_svg_source_is_a_square_svg() -> None:
    root = ET.parse(SVG).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    _x, _y, width, height = (float(part) for part in root.attrib["viewBox"].split())
    assert width == height


@pytest.mark.parametrize("size", SIZES)
def test_png_exists_square_with_alpha(size: int) -> None:
    path = HICOLOR / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
    assert path.is_file(), f"missing {path}"
    assert _png_header(path.read_bytes()) == (size, size, RGBA)


def test_app_resource_copies_match_the_sources() -> None:
    assert (APP_ICON_DIR / "sety-console.svg").read_bytes() == SVG.read_bytes()
    png = (APP_ICON_DIR / "sety-console-256.png").read_bytes()
    assert png == (HICOLOR / "256x256" / "apps" / f"{APP_ID}.png").read_bytes()


def test_windows_icon_holds_the_standard_sizes() -> None:
    data = (PACKAGING / "windows" / "sety-console.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = set()
    for index in range(count):
        width, height, *_rest, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * index : 22 + 16 * index]
        )
        assert width == height
        side = width or 256
        assert _png_header(data[offset : offset + length])[:2] == (side, side)
        sizes.add(side)
    assert sizes == {16, 32, 48, 64, 128, 256}


def test_committed_renders_are_reproducible() -> None:
    """A fresh render from the SVG gives the committed bytes (render_icons.py --check)."""
    result = subprocess.run(
        [sys.executable, str(LINUX / "render_icons.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
