"""Benchmark: the cost of one poll in the core — parsing a 100-incident page, applying updates to a store.

1. Parse: a 100-incident page as the sandbox serves it (subject, address, responder, a timeline of
   8 entries each), decoded and validated into `IncidentPage` the way `SetyClient` does (`json.loads`
   then `model_validate`). This is the dominant cost of a poll.
2. Apply: 1,000 incident updates applied to a 50,000-incident store (goal well under 10 ms).

Prints one JSON line: {"parse_page_ms": <median>, "parse_page_p95_ms": …, "apply_ms": <median of 20
runs>, "min_ms": …, "p95_ms": …, "store_size": 50000, "updates": 1000}. Timings on a shared 2-core
machine vary with load: the minimum is the uncontended cost.
Run: .venv/bin/python benchmarks/bench_store.py
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import UTC, datetime, timedelta

from sety_console.api.models import Incident, IncidentPage
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


def page_body(size: int = 100) -> bytes:
    """A realistic page of active incidents, as JSON bytes on the wire."""
    data = []
    for n in range(size):
        stamp = (T0 + timedelta(seconds=n)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        data.append(
            {
                "incident_id": f"inc_{n:016d}",
                "category": ("sos", "vehicle", "medical", "location_threat")[n % 4],
                "severity": ("low", "medium", "high", "critical")[n % 4],
                "status": "responding",
                "subject": {"name": f"Adaeze Nwosu {n}", "phone": f"+2348012{n:06d}", "reference": f"U-{n}"},
                "title": "Panic button pressed",
                "description": "Caller reports being followed near the bus stop.",
                "location": {
                    "coordinates": [3.4 + n / 1000, 6.5],
                    "address": f"{n} Admiralty Way, Lekki Phase 1, Lagos",
                    "landmark": "Opposite the filling station",
                },
                "is_drill": False,
                "responder": {
                    "responder_id": f"rsp_{n}",
                    "name": "Sgt. Musa",
                    "unit": f"Patrol {n % 40}",
                    "eta_seconds": 300,
                    "assigned_at": stamp,
                },
                "timeline": [
                    {
                        "status": "responding",
                        "event": "note_added",
                        "message": f"Update {k}",
                        "timestamp": stamp,
                    }
                    for k in range(8)
                ],
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
    page = {"data": data, "pagination": {"page": 1, "limit": size, "total": 5000, "has_more": True}}
    return json.dumps(page).encode()


def parse_timings(runs: int = 50) -> list[float]:
    body = page_body()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        page = IncidentPage.model_validate(json.loads(body))
        timings.append((time.perf_counter() - started) * 1000)
        assert len(page.data) == 100
    return sorted(timings)


def main() -> None:
    parsed = parse_timings()
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
        "parse_page_ms": round(statistics.median(parsed), 3),
        "parse_page_p95_ms": round(parsed[int(len(parsed) * 0.95) - 1], 3),
        "apply_ms": round(statistics.median(timings), 3),
        "min_ms": round(timings[0], 3),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 3),
        "store_size": 50_000,
        "updates": 1_000,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
