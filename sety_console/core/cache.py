"""The snapshot cache: the last known incidents, visitors and zones, kept on disk between runs.

At start the console shows the snapshot at once (marked stale) so an operator sees what was known
even when the API is unreachable; the first successful poll replaces it. The file is JSON, written to
a temporary file, flushed to disk and renamed over the old one, so a crash never leaves half a snapshot.
An unreadable or foreign file is logged and ignored (the console starts empty rather than not at all).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sety_console.api.models import CurrentVisitor, DangerZone, Incident

log = logging.getLogger(__name__)

SNAPSHOT_VERSION = 1
SNAPSHOT_FILE = "snapshot.json"


@dataclass(slots=True)
class Snapshot:
    """What the console knew, and when the server last confirmed each part of it."""

    incidents: list[Incident] = field(default_factory=list)
    visitors: list[CurrentVisitor] = field(default_factory=list)
    zones: list[DangerZone] = field(default_factory=list)
    fresh_as_of: dict[str, datetime | None] = field(default_factory=dict)
    saved_at: datetime | None = None
    base_url: str = ""


class SnapshotCache:
    """Reads and writes the snapshot file in the data directory."""

    def __init__(self, data_dir: Path, *, filename: str = SNAPSHOT_FILE) -> None:
        self.path = Path(data_dir) / filename

    def save(self, snapshot: Snapshot) -> None:
        """Write the snapshot atomically (raises OSError when the disk refuses)."""
        document = _to_document(snapshot)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".snapshot-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(document, handle, separators=(",", ":"))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp_name, self.path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise

    def load(self, *, base_url: str | None = None) -> Snapshot | None:
        """The saved snapshot, or None when there is none, it is unreadable or from another server."""
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("cannot read the snapshot %s: %s", self.path, exc)
            return None
        try:
            snapshot = _from_document(json.loads(raw))
        except (ValueError, KeyError, TypeError, ValidationError) as exc:
            log.warning("ignoring an unreadable snapshot %s: %s", self.path, exc)
            return None
        if base_url is not None and snapshot.base_url and snapshot.base_url != base_url:
            log.info("ignoring the snapshot of another server (%s)", snapshot.base_url)
            return None
        return snapshot


def _to_document(snapshot: Snapshot) -> dict[str, Any]:
    return {
        "version": SNAPSHOT_VERSION,
        "base_url": snapshot.base_url,
        "saved_at": snapshot.saved_at.isoformat() if snapshot.saved_at else None,
        "fresh_as_of": {k: v.isoformat() if v else None for k, v in snapshot.fresh_as_of.items()},
        "incidents": [i.model_dump(mode="json") for i in snapshot.incidents],
        "visitors": [v.model_dump(mode="json") for v in snapshot.visitors],
        "zones": [z.model_dump(mode="json") for z in snapshot.zones],
    }


def _from_document(document: dict[str, Any]) -> Snapshot:
    if document.get("version") != SNAPSHOT_VERSION:
        raise ValueError(f"snapshot version {document.get('version')!r} is not {SNAPSHOT_VERSION}")
    saved_at = document.get("saved_at")
    return Snapshot(
        incidents=[Incident.model_validate(i) for i in document["incidents"]],
        visitors=[CurrentVisitor.model_validate(v) for v in document["visitors"]],
        zones=[DangerZone.model_validate(z) for z in document["zones"]],
        fresh_as_of={k: datetime.fromisoformat(v) if v else None for k, v in document["fresh_as_of"].items()},
        saved_at=datetime.fromisoformat(saved_at) if saved_at else None,
        base_url=str(document.get("base_url") or ""),
    )
