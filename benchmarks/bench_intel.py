"""Threat intelligence per request at 5,000 and 20,000 history points.

The history is the demo history (`demo_data.history`) at the given size. Each question is asked the
way the server asks it: with the same cached list of points (warm: the numpy columns are reused)
and, for comparison, with a fresh list of new point objects (cold: the columns are rebuilt first).
Times are medians over `--rounds` calls, in milliseconds. The questions:

* `score`: safety score, 2 km; `analytics`: danger analytics, 2 km, 90 days;
* `analytics_max`: danger analytics at the contract's maxima (50 km, 365 days);
* `heatmap`: the whole service area at 250 m cells; `route`: Yaba → Surulere → Victoria Island
  → Ajah (about 30 km, 17 stretches); `zones`: danger zones (the server caches these).

    .venv/bin/python benchmarks/bench_intel.py

Prints one JSON line: {"5000": {"score_ms": …, …, "cold_columns_ms": …}, "20000": {…}}.
Goal: every per-request figure (all but zones) well under 50 ms at 20,000 points; zones <= 1000 ms.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sety_console.sandbox.demo_data import history
from sety_console.sandbox.geodata import SERVICE_AREA
from sety_console.sandbox.intel import (
    IncidentPoint,
    danger_analytics,
    danger_zones,
    heatmap,
    route_safety,
    safety_score,
)
from sety_console.sandbox.intel.records import columns

NOW = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)
YABA = (6.5095, 3.3841)
ROUTE = [YABA, (6.4969, 3.3515), (6.4281, 3.4219), (6.4698, 3.5752)]


def points_of(count: int) -> list[IncidentPoint]:
    """The demo history of `count` incidents as the server hands it over."""
    return [
        IncidentPoint(
            incident_id=f"inc_{k:016d}",
            lng=i.lng,
            lat=i.lat,
            category=i.category,
            severity=i.severity,
            status=i.status_at(NOW),
            created_at=i.created_at,
            time_to_assign_seconds=i.assign_after_s,
            time_to_arrive_seconds=i.arrive_after_s,
        )
        for k, i in enumerate(history(NOW, count=count))
    ]


def median_ms(call: Callable[[], Any], rounds: int) -> float:
    call()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 2)


def measure(count: int, rounds: int) -> dict[str, float]:
    points = points_of(count)
    zones = danger_zones(points, NOW)
    questions: dict[str, Callable[[], Any]] = {
        "score": lambda: safety_score(points, *YABA, 2.0, NOW, zones),
        "analytics": lambda: danger_analytics(points, *YABA, 2.0, 90, NOW, zones),
        "analytics_max": lambda: danger_analytics(points, *YABA, 50.0, 365, NOW, zones),
        "heatmap": lambda: heatmap(
            points,
            bbox=SERVICE_AREA,
            grid_meters=250,
            period_from=NOW - timedelta(days=90),
            period_to=NOW,
            categories=None,
            severities=None,
            now=NOW,
        ),
        "route": lambda: route_safety(points, zones, ROUTE, None, NOW),
        "zones": lambda: danger_zones(points, NOW),
    }
    result = {f"{name}_ms": median_ms(call, rounds) for name, call in questions.items()}
    copies = [[dataclasses.replace(p) for p in points] for _ in range(rounds + 1)]
    result["cold_columns_ms"] = median_ms(lambda: columns(copies.pop(), NOW), rounds)
    fresh = [[dataclasses.replace(p) for p in points] for _ in range(rounds + 1)]
    result["cold_analytics_ms"] = median_ms(
        lambda: danger_analytics(fresh.pop(), *YABA, 2.0, 90, NOW, zones), rounds
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    print(json.dumps({str(n): measure(n, args.rounds) for n in (5000, 20000)}))


if __name__ == "__main__":
    main()
