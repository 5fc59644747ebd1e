"""Benchmark: the sandbox serving 100,000 incidents over real HTTP on 127.0.0.1.

Measures, with a keep-alive client, the latency of "newest 100" (`GET /incidents?limit=100`) and
of a delta poll (`GET /incidents?updated_since=…&limit=100`, about 20 changed incidents), then the
throughput of 20 concurrent pollers (each its own connection, polling newest-100 as fast as it is
answered). The database is a fresh SQLite file (WAL) filled by bulk insert; the server is the
real `SandboxServer` (uvicorn, one background thread). Goal: newest-100 p95 ≤ 15 ms.

    .venv/bin/python benchmarks/bench_sandbox.py [--incidents 100000] [--requests 400]

Progress goes to stderr; the last line of stdout is the JSON result.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert

from sety_console.api.models import CreateIncidentRequest, Incident, format_timestamp
from sety_console.sandbox import SandboxClock, SandboxServer, lifecycle
from sety_console.sandbox.accounts import DEMO_ORG_ID
from sety_console.sandbox.clock import to_ms
from sety_console.sandbox.db import Database
from sety_console.sandbox.lifecycle import UnitInfo
from sety_console.sandbox.tables import IncidentRow

CATEGORIES = ("sos", "vehicle", "location_threat", "medical")
SEVERITIES = ("low", "medium", "high", "critical")
UNLIMITED = {"starter": 10**9, "growth": 10**9, "enterprise": 10**9}
POLLERS = 20
POLL_SECONDS = 5.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


TEMPLATE_START = datetime(2000, 1, 1, tzinfo=UTC)
TEMPLATE_STAMP = re.compile(r"2000-01-01T00:\d\d:\d\d\.000Z")
STEPS = (0, 1, 40, 60, 300, 900)
"""Seconds after creation of each timeline step of a template incident."""


def templates(count: int, rng: random.Random) -> list[tuple[Incident, str]]:
    """Realistic incidents (timelines up to `resolved`) created at `TEMPLATE_START`, serialised."""
    unit = UnitInfo("rsp_bench00000000001", "Sgt. Ibrahim Musa", "+2348023344556", "Patrol 7", "LSR-552-FK")
    made = []
    for index in range(count):
        lng, lat = 3.35 + rng.random() * 0.15, 6.43 + rng.random() * 0.15
        request = CreateIncidentRequest.model_validate(
            {
                "category": CATEGORIES[index % 4],
                "severity": SEVERITIES[(index // 4) % 4],
                "subject": {"name": "Amaka Obi", "phone": "+2348012345678", "reference": f"TRIP-{index}"},
                "location": {"coordinates": [lng, lat], "address": "14 Bourdillon Road, Ikoyi, Lagos"},
                "title": "Panic button pressed",
            }
        )
        at = [TEMPLATE_START + timedelta(seconds=s) for s in STEPS]
        incident = lifecycle.new_incident("inc_template00000000", request, is_drill=True, now=at[0])
        lifecycle.start_dispatch(incident, at[1])
        lifecycle.assign(incident, unit, at[2], (lng + 0.01, lat), 1200.0)
        lifecycle.depart(incident, at[3], 240, 1200.0)
        lifecycle.arrive(incident, at[4])
        lifecycle.resolve(incident, at[5], "handled", "Subject found safe")
        made.append((incident, incident.model_dump_json(by_alias=True)))
    return made


def _restamp(stamps: dict[str, datetime], match: re.Match[str]) -> str:
    return format_timestamp(stamps[match.group()])


def incident_rows(count: int, now: datetime, seed: int = 7) -> list[dict[str, Any]]:
    """`count` resolved incidents, one every 30 s up to `now`, from 64 templates (ids and times set)."""
    rng = random.Random(seed)
    variants = templates(64, rng)
    rows = []
    for index in range(count):
        incident, document = variants[index % len(variants)]
        created = now - timedelta(seconds=30 * (count - index))
        stamps = {
            format_timestamp(TEMPLATE_START + timedelta(seconds=s)): created + timedelta(seconds=s)
            for s in STEPS
        }
        text = TEMPLATE_STAMP.sub(partial(_restamp, stamps), document)
        incident_id = f"inc_{index:016d}"
        lng, lat = incident.location.coordinates
        rows.append(
            {
                "incident_id": incident_id,
                "org_id": DEMO_ORG_ID,
                "environment": "test",
                "created_at_ms": to_ms(created),
                "updated_at_ms": to_ms(created + timedelta(seconds=STEPS[-1])),
                "status": "resolved",
                "category": incident.category.value,
                "severity": incident.severity.value,
                "is_drill": True,
                "is_history": False,
                "idempotency_key": None,
                "lng": lng,
                "lat": lat,
                "time_to_assign_s": float(STEPS[2]),
                "time_to_arrive_s": float(STEPS[4]),
                "next_action_at_ms": None,
                "plan": None,
                "document": text.replace("inc_template00000000", incident_id),
            }
        )
    return rows


def fill(database_url: str, count: int, now: datetime) -> None:
    db = Database(database_url)
    db.create_schema()
    started = time.perf_counter()
    rows = incident_rows(count, now)
    built = time.perf_counter()
    with db.session() as session:
        for start in range(0, len(rows), 5000):
            session.execute(insert(IncidentRow), rows[start : start + 5000])
    db.dispose()
    log(
        f"built {count} incidents in {built - started:.1f} s, inserted in {time.perf_counter() - built:.1f} s"
    )


def serve(database_url: str, now: datetime, ready: Any, stop: Any) -> None:
    """The server process: a real SandboxServer (no rate limit) until `stop` is set."""
    server = SandboxServer(database_url, seed="none", plan_limits=UNLIMITED, clock=SandboxClock(start=now))
    server.start()
    ready.put((server.base_url, server.issue_keys()["operator"]))
    stop.wait()
    server.stop()


def latencies(client: httpx.Client, url: str, requests: int) -> list[float]:
    for _ in range(20):  # warm-up
        client.get(url).raise_for_status()
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return samples


def percentile(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[int(q) - 1]


def pollers(base_url: str, headers: dict[str, str]) -> float:
    """Requests per second answered to 20 concurrent newest-100 pollers."""
    counts = [0] * POLLERS
    stop = threading.Event()

    def poll(index: int) -> None:
        with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
            while not stop.is_set():
                client.get("/incidents?limit=100").raise_for_status()
                counts[index] += 1

    threads = [threading.Thread(target=poll, args=(i,)) for i in range(POLLERS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(POLL_SECONDS)
    stop.set()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    now = datetime.now(UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory(prefix="bench-sandbox-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        fill(url, args.incidents, now)
        context = multiprocessing.get_context("spawn")
        ready, stop = context.Queue(), context.Event()
        process = context.Process(target=serve, args=(url, now, ready, stop))
        process.start()
        try:
            base_url, key = ready.get(timeout=120)
            headers = {"Authorization": f"Bearer {key}"}
            with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
                newest = latencies(client, "/incidents?limit=100", args.requests)
                since = format_timestamp(now - timedelta(minutes=10))
                delta_url = f"/incidents?limit=100&updated_since={since}"
                assert 1 <= len(client.get(delta_url).json()["data"]) < 100
                delta = latencies(client, delta_url, args.requests)
            log("newest-100 and delta measured; running 20 pollers")
            rps = pollers(base_url, headers)
        finally:
            stop.set()
            process.join(60)
    result = {
        "newest100_p50_ms": round(percentile(newest, 50), 2),
        "newest100_p95_ms": round(percentile(newest, 95), 2),
        "delta_p95_ms": round(percentile(delta, 95), 2),
        "pollers20_rps": round(rps, 1),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
