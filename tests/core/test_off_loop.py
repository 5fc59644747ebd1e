"""Issue 12 §2 for the core's files: snapshot dumps and the outbox's file run off the event loop's thread.

(Keyring calls go through `asyncio.to_thread` in `app/connection_flow.py`.)
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from sety_console.core.cache import Snapshot, SnapshotCache
from sety_console.core.offload import DiskWorker, off_loop

from .factories import incident

pytestmark = pytest.mark.asyncio


async def test_snapshot_dump_runs_off_the_loop_and_reads_back(tmp_path: Path) -> None:
    cache = SnapshotCache(tmp_path)
    seen: list[threading.Thread] = []
    real_save = cache.save

    def save(snapshot: Snapshot) -> None:
        seen.append(threading.current_thread())
        real_save(snapshot)

    await off_loop(save, Snapshot(incidents=[incident(1)], base_url="x"))
    assert seen[0] is not threading.main_thread()
    loaded = await off_loop(cache.load, base_url="x")
    assert loaded is not None
    assert [i.incident_id for i in loaded.incidents] == [incident(1).incident_id]


async def test_a_disk_worker_keeps_order_on_one_thread() -> None:
    worker = DiskWorker("test-disk")
    order: list[tuple[int, str]] = []

    def record(number: int) -> None:
        order.append((number, threading.current_thread().name))

    for number in range(20):
        await worker.run(record, number)
    worker.shutdown()
    assert [n for n, _ in order] == list(range(20))
    assert len({name for _, name in order}) == 1
    assert order[0][1] != threading.main_thread().name
