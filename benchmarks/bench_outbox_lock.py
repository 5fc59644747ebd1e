"""Benchmark: how late the event loop runs while another process holds the outbox's database locked.

A 10 ms ticker measures the loop's worst lateness. Baseline (the old design): one action saved with a
plain sqlite INSERT on the loop's thread (busy timeout 2 s) while the file is locked: the loop freezes
for the whole busy timeout, then the save fails. Now: three actions submitted to the `Outbox` while the
file is locked for 5 s: the loop keeps ticking, the saves wait for the lock and succeed after it.

Prints one JSON line: {"locked_s", "worst_gap_ms", "baseline_worst_gap_ms", "ratio", "saved_after_s",
"baseline_saved"}. Run: .venv/bin/python benchmarks/bench_outbox_lock.py
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
import tempfile
import time
from asyncio.subprocess import PIPE
from pathlib import Path

import httpx

from sety_console.api import SetyClient
from sety_console.core.actions import ActionKind
from sety_console.core.clock import SystemClock
from sety_console.core.outbox import Outbox

LOCK_S = 5.0
LOCKER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.rollback()
"""


class Probe:
    def __init__(self) -> None:
        self.worst = 0.0

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            expected = loop.time() + 0.01
            await asyncio.sleep(0.01)
            self.worst = max(self.worst, loop.time() - expected)


async def lock(path: Path, seconds: float) -> asyncio.subprocess.Process:
    locker = await asyncio.create_subprocess_exec(
        sys.executable, "-c", LOCKER, str(path), str(seconds), stdout=PIPE
    )
    assert locker.stdout is not None
    await locker.stdout.readline()
    return locker


async def baseline(folder: Path) -> tuple[float, bool]:
    """The old way: a synchronous, fsync'd INSERT on the loop's thread with a 2 s busy timeout."""
    path = folder / "old.sqlite3"
    db = sqlite3.connect(path, timeout=2.0, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("CREATE TABLE IF NOT EXISTS outbox (payload TEXT)")
    locker = await lock(path, 3.0)
    probe = Probe()
    ticking = asyncio.ensure_future(probe.run())
    await asyncio.sleep(0.2)
    saved = True
    try:
        db.execute("INSERT INTO outbox VALUES ('note')")  # blocks the loop: what issue 12 measured
    except sqlite3.OperationalError:
        saved = False
    await asyncio.sleep(0.2)
    ticking.cancel()
    await locker.wait()
    db.close()
    return probe.worst, saved


async def outbox_now(folder: Path) -> tuple[float, float]:
    transport = httpx.MockTransport(
        lambda request: httpx.Response(201, json={"event": "note_added", "timestamp": "2026-03-10T12:00:00Z"})
    )
    client = SetyClient("http://sety.test/v1/external", "sety_test_" + "0" * 32, transport=transport)
    outbox = Outbox(client, folder / "new", SystemClock())
    await outbox.open()
    locker = await lock(folder / "new" / "outbox.sqlite3", LOCK_S)
    started = time.monotonic()
    probe = Probe()
    ticking = asyncio.ensure_future(probe.run())
    saves = [
        outbox.submit(ActionKind.ADD_NOTE, {"message": f"n{n}"}, target_id="inc_1", created_by=None)
        for n in range(3)
    ]
    await asyncio.gather(*saves)
    saved_after = time.monotonic() - started
    ticking.cancel()
    await locker.wait()
    await outbox.close()
    await client.aclose()
    return probe.worst, saved_after


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        old_gap, old_saved = await baseline(folder)
        new_gap, saved_after = await outbox_now(folder)
    print(
        json.dumps(
            {
                "locked_s": LOCK_S,
                "worst_gap_ms": round(new_gap * 1000, 1),
                "baseline_worst_gap_ms": round(old_gap * 1000, 1),
                "ratio": round(old_gap / max(new_gap, 1e-4), 1),
                "saved_after_s": round(saved_after, 2),
                "baseline_saved": old_saved,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
