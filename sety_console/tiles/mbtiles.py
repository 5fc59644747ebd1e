"""MBTiles files (the standard SQLite tile format): the bounded tile cache and read-only tile packs.

Schema as the MBTiles 1.3 spec gives it — `metadata(name, value)` and `tiles(zoom_level,
tile_column, tile_row, tile_data)` with rows in TMS order — so any MBTiles tool can read our cache
and we can read theirs (where `tiles` is a view over deduplicated tables, too). The cache adds one
table of its own, `sety_tile_use`, holding when each tile was fetched and last used, for LRU eviction
and for refreshing old tiles. All methods block on disk: call them from a worker thread.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .tilemath import TileKey

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS metadata (name TEXT, value TEXT);
CREATE UNIQUE INDEX IF NOT EXISTS name ON metadata (name);
CREATE TABLE IF NOT EXISTS tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
CREATE UNIQUE INDEX IF NOT EXISTS tile_index ON tiles (zoom_level, tile_column, tile_row);
CREATE TABLE IF NOT EXISTS sety_tile_use (
    zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,
    used_at REAL NOT NULL, fetched_at REAL NOT NULL, size INTEGER NOT NULL,
    PRIMARY KEY (zoom_level, tile_column, tile_row)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sety_tile_use_lru ON sety_tile_use (used_at);
"""
_AT = "zoom_level = ? AND tile_column = ? AND tile_row = ?"
EVICT_TO = 0.9
"""An over-full cache is trimmed to this share of its limit, so eviction runs now and then, not per tile."""


class TileStoreError(Exception):
    """The file cannot be used as a tile store (not SQLite, not MBTiles, unreadable); says which."""


@dataclass(frozen=True, slots=True)
class StoredTile:
    data: bytes
    fetched_at: float | None
    """Seconds since the epoch; None for tiles from a file we did not fill (no age known)."""


class MBTiles:
    """One MBTiles file. Thread-safe (one connection behind a lock).

    `max_bytes` bounds a writable file: past it, the least recently used tiles go first.
    """

    def __init__(self, path: Path, *, max_bytes: int | None = None, readonly: bool = False) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.readonly = readonly
        self._lock = threading.Lock()
        try:
            self._db = self._connect()
            self._tracks_use = not readonly and self._has_table("sety_tile_use")
            self._bytes = self._count_bytes()
        except sqlite3.DatabaseError as exc:
            raise TileStoreError(f"{path} is not a readable MBTiles file: {exc}") from exc

    def _connect(self) -> sqlite3.Connection:
        if self.readonly:
            db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
            db.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles LIMIT 0")
            return db
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        return db

    def _has_table(self, name: str) -> bool:
        row = self._db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone()
        return row is not None

    def _count_bytes(self) -> int:
        if self._tracks_use:
            return int(self._db.execute("SELECT COALESCE(SUM(size), 0) FROM sety_tile_use").fetchone()[0])
        return 0

    # -- reading -----------------------------------------------------------------------------

    def get(self, key: TileKey) -> StoredTile | None:
        """The tile, or None; marks it as just used (LRU)."""
        args = (key.z, key.x, key.tms_row)
        with self._lock:
            row = self._db.execute(
                "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?", args
            ).fetchone()
            if row is None or row[0] is None:
                return None
            fetched_at = None
            if self._tracks_use:
                self._db.execute(
                    "UPDATE sety_tile_use SET used_at = ? WHERE zoom_level = ? AND tile_column = ? "
                    "AND tile_row = ?",
                    (time.time(), *args),
                )
                use = self._db.execute(
                    "SELECT fetched_at FROM sety_tile_use WHERE zoom_level = ? AND tile_column = ? "
                    "AND tile_row = ?",
                    args,
                ).fetchone()
                fetched_at = use[0] if use else None
        return StoredTile(bytes(row[0]), fetched_at)

    def has(self, key: TileKey) -> bool:
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                (key.z, key.x, key.tms_row),
            ).fetchone()
        return row is not None

    def metadata(self) -> dict[str, str]:
        with self._lock:
            try:
                rows = self._db.execute("SELECT name, value FROM metadata").fetchall()
            except sqlite3.DatabaseError:
                return {}
        return {str(name): str(value) for name, value in rows}

    @property
    def total_bytes(self) -> int:
        """Bytes of tile data tracked by the cache table (0 for files we did not fill)."""
        return self._bytes

    def zoom_levels(self) -> list[int]:
        with self._lock:
            rows = self._db.execute("SELECT DISTINCT zoom_level FROM tiles ORDER BY zoom_level").fetchall()
        return [int(row[0]) for row in rows]

    def any_tile(self) -> bytes | None:
        with self._lock:
            row = self._db.execute("SELECT tile_data FROM tiles LIMIT 1").fetchone()
        return bytes(row[0]) if row and row[0] is not None else None

    def tile_count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM tiles").fetchone()[0])

    # -- writing -----------------------------------------------------------------------------

    def set_metadata(self, values: dict[str, str]) -> None:
        with self._lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO metadata (name, value) VALUES (?, ?)", values.items()
            )

    def put(self, key: TileKey, data: bytes, fetched_at: float | None = None) -> None:
        """Store (or replace) a tile; evicts the least recently used tiles past `max_bytes`."""
        now = time.time()
        args = (key.z, key.x, key.tms_row)
        with self._lock:
            self._db.execute("BEGIN")
            try:
                old = self._db.execute(
                    f"SELECT size FROM sety_tile_use WHERE {_AT}",
                    args,
                ).fetchone()
                self._db.execute(
                    "INSERT OR REPLACE INTO tiles (zoom_level, tile_column, tile_row, tile_data) "
                    "VALUES (?, ?, ?, ?)",
                    (*args, sqlite3.Binary(data)),
                )
                self._db.execute(
                    "INSERT OR REPLACE INTO sety_tile_use (zoom_level, tile_column, tile_row, used_at, "
                    "fetched_at, size) VALUES (?, ?, ?, ?, ?, ?)",
                    (*args, now, fetched_at or now, len(data)),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._tracks_use = True
            self._bytes += len(data) - (old[0] if old else 0)
            if self.max_bytes is not None and self._bytes > self.max_bytes:
                self._evict(int(self.max_bytes * EVICT_TO))

    def _evict(self, target: int) -> None:
        """Drop least recently used tiles until at most `target` bytes remain (lock held)."""
        evicted = 0
        while self._bytes > target:
            rows = self._db.execute(
                "SELECT zoom_level, tile_column, tile_row, size FROM sety_tile_use ORDER BY used_at LIMIT 200"
            ).fetchall()
            if not rows:
                break
            self._db.execute("BEGIN")
            for z, x, row, size in rows:
                if self._bytes <= target:
                    break
                key = (z, x, row)
                self._db.execute(
                    "DELETE FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?", key
                )
                self._db.execute(
                    "DELETE FROM sety_tile_use WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?", key
                )
                self._bytes -= size
                evicted += 1
            self._db.execute("COMMIT")
        log.info("Tile cache %s: %d least recently used tiles evicted", self.path.name, evicted)

    def close(self) -> None:
        with self._lock:
            self._db.close()
