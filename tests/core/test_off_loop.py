"""Issue 12 §2 for the core's files: keyring calls and snapshot dumps run off the event loop's thread."""

from __future__ import annotations

import threading
from pathlib import Path

import keyring
import pytest

from sety_console import credentials
from sety_console.core.cache import Snapshot, SnapshotCache
from sety_console.core.offload import DiskWorker, off_loop

from .factories import incident

KEY = "sety_test_" + "0" * 32

pytestmark = pytest.mark.asyncio


async def test_keyring_calls_run_on_a_worker_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SETY_API_KEY", raising=False)
    threads: list[threading.Thread] = []
    stored: dict[tuple[str, str], str] = {}

    def get_password(service: str, user: str) -> str | None:
        threads.append(threading.current_thread())
        return stored.get((service, user))

    def set_password(service: str, user: str, secret: str) -> None:
        threads.append(threading.current_thread())
        stored[(service, user)] = secret

    monkeypatch.setattr(keyring, "get_password", get_password)
    monkeypatch.setattr(keyring, "set_password", set_password)
    await credentials.write_api_key("https://api.example", KEY)
    assert await credentials.read_api_key("https://api.example") == KEY
    assert len(threads) == 2
    assert all(t is not threading.main_thread() for t in threads)


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
