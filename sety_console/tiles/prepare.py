"""'Prepare this area for offline use': download an area's tiles into an offline pack (MBTiles).

Only from a tile server whose policy allows bulk downloads (a setting). The public OpenStreetMap
servers forbid it, so they are refused by name. Tiles already in the pack are skipped, so an
interrupted or cancelled preparation resumes where it stopped. Blocking: run it in a worker thread.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .errors import TileFetcher, TileFetcherFactory, TileFetchError, TileNotFound
from .mbtiles import MBTiles, TileStoreError
from .source import content_type
from .tilemath import BBox, count_tiles, tiles_in

log = logging.getLogger(__name__)

PUBLIC_OSM_HOSTS = ("openstreetmap.org", "osm.org")
"""Tile servers run by the OpenStreetMap Foundation: their usage policy forbids bulk downloading."""
MAX_TILES = 60_000
"""At most this many tiles in one preparation (about 1 GB of street tiles)."""
STOP_AFTER_FAILURES = 5
"""Consecutive failed fetches after which the preparation stops (the server or network is down)."""
TYPICAL_TILE_BYTES = 15_000


def bulk_refusal(url: str) -> str:
    """Why `url` may not be used for bulk downloads, in words; empty when it may."""
    if not url.strip():
        return (
            "No tile server for offline use is set. Enter one whose usage policy allows bulk "
            "downloads under File → Settings… → 'Tiles for offline use'."
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not all(p in url for p in ("{z}", "{x}", "{y}")):
        return f"'{url}' is not a tile address: it needs http(s) and {{z}}, {{x}} and {{y}}."
    host = (parts.hostname or "").lower()
    if any(host == name or host.endswith("." + name) for name in PUBLIC_OSM_HOSTS):
        return (
            f"{host} is a public OpenStreetMap server, whose tile usage policy forbids bulk "
            "downloads. Use a tile server that allows them (your own or a provider's), or ask an "
            "administrator to add an MBTiles file."
        )
    return ""


@dataclass(frozen=True, slots=True)
class PrepareResult:
    """How a preparation ended; `message` says it in words for the operator."""

    total: int
    fetched: int = 0
    skipped: int = 0
    missing: int = 0
    failed: int = 0
    cancelled: bool = False
    message: str = ""
    path: Path | None = None

    @classmethod
    def refused(cls, message: str) -> PrepareResult:
        return cls(total=0, message=message)

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.fetched + self.skipped + self.missing == self.total


def size_estimate(tiles: int) -> str:
    megabytes = tiles * TYPICAL_TILE_BYTES / 1_000_000
    return f"about {megabytes:.0f} MB" if megabytes >= 1 else "under 1 MB"


def prepare_area(
    url: str,
    fetcher_factory: TileFetcherFactory,
    packs_dir: Path,
    bbox: BBox,
    zooms: range,
    *,
    attribution: str = "",
    progress: Callable[[int, int], None] = lambda done, total: None,
    cancelled: Callable[[], bool] = lambda: False,
) -> PrepareResult:
    """Fetch every tile of `bbox` at `zooms` missing from the pack `prepared-<host>.mbtiles`."""
    refusal = bulk_refusal(url)
    if refusal:
        return PrepareResult.refused(refusal)
    total = count_tiles(bbox, zooms)
    if total > MAX_TILES:
        return PrepareResult.refused(
            f"That is {total:,} tiles ({size_estimate(total)}); at most {MAX_TILES:,} at once. "
            "Choose fewer zoom levels."
        )
    host = urlsplit(url).hostname or "tiles"
    path = packs_dir / f"prepared-{host}.mbtiles"
    try:
        pack = MBTiles(path)
    except (OSError, TileStoreError) as exc:
        return PrepareResult.refused(f"The offline pack {path} cannot be written: {exc}")
    fetcher = fetcher_factory(url)
    try:
        counts = _download(pack, fetcher, bbox, zooms, total, progress, cancelled)
        _write_metadata(pack, host, url, bbox, attribution)
    except (OSError, sqlite3.Error) as exc:  # a full disk, a pack deleted underneath
        return PrepareResult(
            total=total, message=f"Stopped: the pack could not be written ({exc}).", path=path
        )
    finally:
        fetcher.close()
        pack.close()
    return _result(total, counts, path)


@dataclass
class _Counts:
    fetched: int = 0
    skipped: int = 0
    missing: int = 0
    failed: int = 0
    cancelled: bool = False
    stopped: str = ""


def _download(
    pack: MBTiles,
    fetcher: TileFetcher,
    bbox: BBox,
    zooms: range,
    total: int,
    progress: Callable[[int, int], None],
    cancelled: Callable[[], bool],
) -> _Counts:
    counts = _Counts()
    in_a_row = 0
    for done, key in enumerate(tiles_in(bbox, zooms), start=1):
        if cancelled():
            counts.cancelled = True
            break
        if pack.has(key):
            counts.skipped += 1
        else:
            try:
                pack.put(key, fetcher.fetch(key))
                counts.fetched += 1
                in_a_row = 0
            except TileNotFound:
                counts.missing += 1
            except TileFetchError as exc:
                counts.failed += 1
                in_a_row += 1
                if in_a_row >= STOP_AFTER_FAILURES:
                    counts.stopped = str(exc)
                    break
                _pause(exc.retry_after or (0.2 if exc.offline else 1.0), cancelled)
        progress(done, total)
    return counts


def _pause(seconds: float, cancelled: Callable[[], bool]) -> None:
    """Wait before the next request, waking early when cancelled."""
    end = time.monotonic() + min(seconds, 60.0)
    while time.monotonic() < end and not cancelled():
        time.sleep(0.1)


def _write_metadata(pack: MBTiles, host: str, url: str, bbox: BBox, attribution: str) -> None:
    zooms = pack.zoom_levels()
    sample = pack.any_tile()
    pack.set_metadata(
        {
            "name": f"Offline streets ({host})",
            "format": content_type(sample).removeprefix("image/") if sample else "png",
            "type": "baselayer",
            "bounds": ",".join(f"{v:.5f}" for v in bbox),
            "minzoom": str(zooms[0]) if zooms else "",
            "maxzoom": str(zooms[-1]) if zooms else "",
            "attribution": attribution,
            "description": f"Prepared by Sety Console from {url}",
        }
    )


def _result(total: int, c: _Counts, path: Path) -> PrepareResult:
    have = c.fetched + c.skipped
    if c.stopped:
        message = (
            f"Stopped after {have:,} of {total:,} tiles: the tile server is not answering ({c.stopped})."
        )
    elif c.cancelled:
        message = f"Cancelled: {have:,} of {total:,} tiles are ready; preparing again resumes from there."
    else:
        message = f"Ready for offline use: {have:,} tiles"
        message += f" ({c.missing:,} the server does not have)." if c.missing else "."
        if c.failed:
            message += f" {c.failed:,} could not be fetched; prepare again to retry them."
    return PrepareResult(total, c.fetched, c.skipped, c.missing, c.failed, c.cancelled, message, path)
