"""Which process serves a sandbox database: one server per SQLite file, found by the others.

The server holds an exclusive lock on `<db>.lock` for as long as it runs (the OS releases it when the
process ends, however it ends) and writes `<db>.serving.json` (owner-only, 0600) with its URL, process
id and keys. The console, `sety-console report --sandbox` and a second `sety-console sandbox serve` read
that file instead of starting a second server on the same data (two simulations would move the same
responders twice).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any


@dataclass(frozen=True)
class ServingInfo:
    """A running sandbox server: where it listens and the keys it minted at start."""

    url: str
    pid: int
    keys: dict[str, str]
    database: str

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "pid": self.pid, "keys": self.keys, "database": self.database}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ServingInfo:
        keys = raw["keys"]
        if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
            raise ValueError("keys must map roles to strings")
        return cls(url=str(raw["url"]), pid=int(raw["pid"]), keys=dict(keys), database=str(raw["database"]))


def lock_path(db_file: Path) -> Path:
    return db_file.with_name(db_file.name + ".lock")


def info_path(db_file: Path) -> Path:
    return db_file.with_name(db_file.name + ".serving.json")


def sqlite_file(database_url: str) -> Path | None:
    """The file behind a `sqlite:///…` URL (None for PostgreSQL or an in-memory database)."""
    prefix = "sqlite:///"
    if not database_url.startswith(prefix):
        return None
    path = database_url[len(prefix) :].split("?", 1)[0]
    return Path(path) if path and path != ":memory:" else None


def _try_lock(handle: IO[bytes]) -> bool:
    """Take the exclusive, non-blocking lock on an open file; False when another process has it."""
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


class ServingLock:
    """Held by the serving process; `acquire()` is False when another live process serves the file."""

    def __init__(self, db_file: Path) -> None:
        self.db_file = db_file
        self._handle: IO[bytes] | None = None

    def acquire(self) -> bool:
        self.db_file.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path(self.db_file), "a+b")  # noqa: SIM115 (held open while serving)
        if not _try_lock(handle):
            handle.close()
            return False
        self._handle = handle
        return True

    def publish(self, info: ServingInfo) -> None:
        """Write the serving file, readable by this user only, replacing any older one."""
        path = info_path(self.db_file)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(info.to_json(), fh)
        os.replace(tmp, path)

    def release(self) -> None:
        """Remove the serving file and let the lock go (idempotent)."""
        if self._handle is None:
            return
        with contextlib.suppress(OSError):
            info_path(self.db_file).unlink()
        self._handle.close()
        self._handle = None


def read_serving(db_file: Path) -> ServingInfo | None:
    """The live server of `db_file`, or None when nobody serves it (a stale file is ignored)."""
    if not lock_path(db_file).exists():
        return None
    probe = ServingLock(db_file)
    if probe.acquire():  # nobody holds the lock: any serving file left behind is stale
        probe.release()
        return None
    try:
        raw = json.loads(info_path(db_file).read_text(encoding="utf-8"))
        return ServingInfo.from_json(raw)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # the server is still starting (no file yet) or the file is damaged
