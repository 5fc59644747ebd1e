"""Benchmark: alarm KPIs of a 12-hour shift from a workstation's alarm log after months of work.

A busy control room: about 2 alarms per 10 minutes around the clock for 90 days (each raised,
acknowledged by one of three operators, cleared; some shelved) — about 78,000 records in
`alerts.sqlite3`. Measured, each as the median of 7 runs:

* `load_ms`: reading what a 12-hour shift needs from SQLite (`ShiftRecords.alarm_records` from
  `HISTORY_BEFORE` before the shift; indexed on `at`), on the log's disk thread;
* `kpis_ms`: `compute_alarm_kpis` for those 12 hours (what the KPI tab and the report run);
* `full_load_ms` / `full_kpis_ms`: the same over the whole log (what the first version did);
* `baseline_ms`: one plain pass over the shift's records (counting actions), the floor of any
  computation over them; `ratio` = kpis / baseline.

Prints one JSON line. Run: .venv/bin/python benchmarks/bench_alarm_kpis.py
"""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sety_console.core.alarm_kpis import HISTORY_BEFORE, compute_alarm_kpis
from sety_console.core.alarm_log import SqliteAlarmLog
from sety_console.core.alarm_model import AlarmReason
from sety_console.core.alarm_records import AlarmAction, AlarmRecord
from sety_console.core.shift_records import ShiftRecords

END = datetime(2026, 3, 10, 18, tzinfo=UTC)
START = END - timedelta(hours=12)
DAYS = 90
PER_10_MIN = 2.0
OPERATORS = ("Ada Okafor", "Bola Adeyemi", "Chidi Nwosu")


def history(rng: random.Random) -> list[AlarmRecord]:
    records = []
    moment = END - timedelta(days=DAYS)
    number = 0
    while moment < END:
        moment += timedelta(seconds=rng.expovariate(PER_10_MIN / 600))
        number += 1
        incident, reason = f"inc_{number:016d}", rng.choice(list(AlarmReason))
        operator = OPERATORS[(moment.hour // 8) % 3]
        records.append(
            AlarmRecord(incident, AlarmAction.RAISED, (reason,), operator, moment, None, "desk-1", "sos")
        )
        acked = moment + timedelta(seconds=rng.lognormvariate(4, 0.8))
        if rng.random() < 0.1:
            shelved = moment + timedelta(seconds=5)
            until = shelved + timedelta(minutes=15)
            records.append(AlarmRecord(incident, AlarmAction.SHELVED, (), operator, shelved, until, "desk-1"))
        records.append(
            AlarmRecord(incident, AlarmAction.ACKNOWLEDGED, (reason,), operator, acked, None, "desk-1")
        )
        cleared = acked + timedelta(minutes=rng.uniform(5, 60))
        records.append(
            AlarmRecord(incident, AlarmAction.CLEARED, (reason,), operator, cleared, None, "desk-1")
        )
    return sorted((r for r in records if r.at <= END), key=lambda r: r.at)


def median_ms(work: Callable[[], object], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


async def write(path: Path, records: list[AlarmRecord]) -> None:
    """The console's own file (its schema and columns), filled in one transaction for speed."""
    log = SqliteAlarmLog(path)
    await log.append(records[0])
    await log.close()
    rows = [
        (r.incident_id, r.action.value, json.dumps([x.value for x in r.reasons]), r.by, r.at.isoformat(),
         r.until.isoformat() if r.until else None, r.workstation, r.category)
        for r in records[1:]
    ]  # fmt: skip
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO alert_actions (incident_id, action, reasons, by, at, until, workstation, category)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def main() -> None:
    records = history(random.Random(16))
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(write(Path(folder) / "alerts.sqlite3", records))

        async def load(since: datetime) -> list[AlarmRecord]:
            shift = ShiftRecords.open(Path(folder))
            try:
                return await shift.alarm_records(since, END) or []
            finally:
                await shift.close()

        load_ms = median_ms(lambda: asyncio.run(load(START - HISTORY_BEFORE)))
        full_load_ms = median_ms(lambda: asyncio.run(load(END - timedelta(days=DAYS + 1))), runs=3)
        loaded = asyncio.run(load(START - HISTORY_BEFORE))
    kpis = compute_alarm_kpis(loaded, START, END)
    assert kpis == compute_alarm_kpis(records, START, END)  # the whole log says the same
    kpis_ms = median_ms(lambda: compute_alarm_kpis(loaded, START, END))
    full_kpis_ms = median_ms(lambda: compute_alarm_kpis(records, START, END), runs=3)
    baseline_ms = median_ms(lambda: Counter(r.action for r in loaded))
    print(
        json.dumps(
            {
                "log_records": len(records),
                "shift_records": len(loaded),
                "shift_alarms": kpis.total,
                "load_ms": load_ms,
                "kpis_ms": kpis_ms,
                "full_load_ms": full_load_ms,
                "full_kpis_ms": full_kpis_ms,
                "baseline_ms": baseline_ms,
                "ratio": round(kpis_ms / baseline_ms, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
