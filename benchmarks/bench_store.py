"""Benchmark: 1,000 incident updates applied to a 50,000-incident store (issue 4, goal well under 10 ms).

Prints one JSON line: {"apply_ms": <median of 20 runs>, "min_ms": …, "p95_ms": …, "store_size": 50000,
"updates": 1000}. Timings on a shared 2-core machine vary with load: the minimum is the uncontended cost.
Run: .venv/bin/python benchmarks/bench_store.py
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import UTC, datetime, timedelta

from sety_console.api.models import Incident
from sety_console.core.stores import IncidentStore

T0 = datetime(2026, 3, 10, tzinfo=UTC)
STATUSES = ("created", "dispatching", "assigned", "responding", "on_scene", "resolved", "cancelled")


def make(n: int, updated: float, status: str) -> Incident:
    return Incident.model_validate(
        {
            "incident_id": f"inc_{n:016d}",
            "category": ("sos", "vehicle", "medical", "location_threat")[n % 4],
            "severity": ("low", "medium", "high", "critical")[n % 4],
            "status": status,
            "location": {"coordinates": [3.4, 6.5]},
            "created_at": T0 + timedelta(seconds=n),
            "updated_at": T0 + timedelta(seconds=n + updated),
        }
    )


def main() -> None:
    base = [make(n, 0, STATUSES[n % 7]) for n in range(50_000)]
    timings = []
    for run in range(20):
        store = IncidentStore()
        store.apply(base)
        updates = [make(n * 47 % 50_000, 10 + run, STATUSES[(n + run) % 7]) for n in range(1_000)]
        started = time.perf_counter()
        changes = store.apply(updates)
        timings.append((time.perf_counter() - started) * 1000)
        assert changes.count == 1_000
    timings.sort()
    result = {
        "apply_ms": round(statistics.median(timings), 3),
        "min_ms": round(timings[0], 3),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 3),
        "store_size": 50_000,
        "updates": 1_000,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
