"""The console's tile files: one bounded cache per tile server, and the offline packs.

    <cache dir>/tiles/<host>-<hash>.mbtiles   the cache (LRU, `cache_bytes` at most per server)
    <data dir>/tiles/*.mbtiles                offline packs: prepared by the console, or dropped in
                                              by an administrator (any MBTiles tool; raster tiles)

Opening files blocks on disk: call `source`, `packs` and `prepare` from a worker thread.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .errors import TileFetcherFactory
from .mbtiles import MBTiles, TileStoreError
from .prepare import PrepareResult, prepare_area
from .source import TileSource
from .tilemath import BBox

log = logging.getLogger(__name__)

DEFAULT_CACHE_BYTES = 200 * 1024 * 1024
RASTER_FORMATS = {"png", "jpg", "jpeg", "webp", ""}


@dataclass(frozen=True, slots=True)
class PackInfo:
    """An offline pack as the operator sees it; `problem` says why it is not used (else empty)."""

    path: Path
    name: str
    tiles: int
    zooms: str
    problem: str = ""


def server_name(url: str) -> str:
    """The tile server's host, for file names and messages."""
    return urlsplit(url).hostname or "tiles"


def cache_file_name(url: str) -> str:
    host = re.sub(r"[^a-z0-9.-]", "_", server_name(url).lower())
    return f"{host}-{hashlib.sha256(url.encode()).hexdigest()[:10]}.mbtiles"


class TileLibrary:
    """Builds tile sources for the map; the fetcher factory comes from the composition root."""

    def __init__(
        self,
        cache_dir: Path,
        packs_dir: Path,
        fetcher_factory: TileFetcherFactory | None,
        *,
        cache_bytes: int = DEFAULT_CACHE_BYTES,
    ) -> None:
        self.cache_dir = cache_dir
        self.packs_dir = packs_dir
        self.cache_bytes = cache_bytes
        self._fetcher_factory = fetcher_factory

    def source(self, url: str) -> TileSource:
        """Packs, cache and fetcher for the tile server at `url` (a `{z}/{x}/{y}` template)."""
        cache = self._open_cache(url)
        packs = [pack for pack, info in self._open_packs() if not info.problem]
        fetcher = self._fetcher_factory(url) if self._fetcher_factory and url else None
        return TileSource(url, cache=cache, packs=packs, fetcher=fetcher)

    def _open_cache(self, url: str) -> MBTiles | None:
        path = self.cache_dir / cache_file_name(url)
        try:
            cache = MBTiles(path, max_bytes=self.cache_bytes)
        except TileStoreError as exc:
            broken = path.with_suffix(".broken")
            log.warning("%s; moved aside to %s and starting an empty cache", exc, broken.name)
            try:
                path.replace(broken)
                cache = MBTiles(path, max_bytes=self.cache_bytes)
            except (OSError, TileStoreError) as again:
                log.error("No tile cache this run: %s", again)
                return None
        except OSError as exc:
            log.error("No tile cache this run: %s", exc)
            return None
        if not cache.metadata():
            cache.set_metadata(
                {
                    "name": f"Sety Console tile cache ({server_name(url)})",
                    "format": "png",
                    "type": "baselayer",
                    "description": f"Tiles seen from {url}",
                }
            )
        return cache

    def _open_packs(self) -> list[tuple[MBTiles, PackInfo]]:
        opened = []
        for path in sorted(self.packs_dir.glob("*.mbtiles")) if self.packs_dir.is_dir() else []:
            try:
                pack = MBTiles(path, readonly=True)
            except TileStoreError as exc:
                log.warning("Offline pack not used: %s", exc)
                continue
            meta = pack.metadata()
            fmt = meta.get("format", "").lower()
            problem = "" if fmt in RASTER_FORMATS else f"holds {fmt} tiles; the map draws image tiles only"
            zooms = f"{meta.get('minzoom', '?')}–{meta.get('maxzoom', '?')}"
            info = PackInfo(path, meta.get("name", path.stem), pack.tile_count(), zooms, problem)
            if problem:
                log.warning("Offline pack %s not used: it %s", path.name, problem)
            opened.append((pack, info))
        return opened

    def packs(self) -> list[PackInfo]:
        """What is in the packs folder, usable or not (opened and closed again)."""
        infos = []
        for pack, info in self._open_packs():
            pack.close()
            infos.append(info)
        return infos

    def prepare(
        self,
        url: str,
        bbox: BBox,
        zooms: range,
        *,
        attribution: str = "",
        progress: Callable[[int, int], None] = lambda done, total: None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> PrepareResult:
        """Download `bbox` at `zooms` from `url` into an offline pack (see `prepare.prepare_area`)."""
        if self._fetcher_factory is None:
            return PrepareResult.refused("This console was started without network access for tiles.")
        return prepare_area(
            url,
            self._fetcher_factory,
            self.packs_dir,
            bbox,
            zooms,
            attribution=attribution,
            progress=progress,
            cancelled=cancelled,
        )
