"""Benchmark: the sandbox API's latency while 1,000 webhook deliveries to dead hosts are pending.

Two sandbox processes (real `SandboxServer`s: uvicorn on 127.0.0.1, SQLite, a still clock, no rate
limit, the contract's webhook timings unless told otherwise): "busy" gets `--endpoints` webhook
endpoints on dead hosts (a local port that accepts and never answers, a closed local port,
`*.invalid` names) and enough new incidents for `--deliveries` deliveries; "quiet" gets none.
`GET /incidents/{id}` is then timed on both, `--rate` a second each for `--requests` each, taking
turns, while busy works through its deliveries. Requests start on a fixed schedule and are timed
from it (open loop), so a server that stalls shows it in every request due during the stall.
ratio = busy p95 / quiet p95; `before_p95_ms` is busy's own p95 before its endpoints existed.

    .venv/bin/python benchmarks/bench_webhooks.py [--deliveries 1000] [--endpoints 50]
        [--requests 400] [--rate 40] [--retry-factor 1] [--attempt-timeout 10]

Progress goes to stderr; the last line of stdout is the JSON result.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.sandbox.webhook_load import (  # noqa: E402
    DeadHosts,
    create_incident,
    delivery_counts,
    p95,
    paced_get_ms,
    queue_dead_deliveries,
    sandbox_processes,
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=1000)
    parser.add_argument("--endpoints", type=int, default=50)
    parser.add_argument("--requests", type=int, default=400, help="GETs timed on each sandbox")
    parser.add_argument("--rate", type=float, default=40.0, help="GETs per second on each sandbox")
    parser.add_argument(
        "--retry-factor", type=float, default=1.0, help="multiplies the retry delays (1 = the contract's)"
    )
    parser.add_argument(
        "--attempt-timeout",
        type=float,
        default=10.0,
        help="seconds one attempt may take (10 in the contract)",
    )
    args = parser.parse_args()
    settings = {"webhook_retry_factor": args.retry_factor, "webhook_timeout_seconds": args.attempt_timeout}
    with (
        tempfile.TemporaryDirectory(prefix="bench-webhooks-") as tmp,
        DeadHosts() as dead,
        httpx.Client(timeout=300) as client,
    ):
        urls = [f"sqlite:///{Path(tmp) / name}.db" for name in ("quiet", "busy")]
        with sandbox_processes(urls, **settings) as (quiet, busy):
            targets = [(quiet, create_incident(client, quiet)), (busy, create_incident(client, busy))]
            paced_get_ms(targets, 20, args.rate)  # warm-up
            _, before = paced_get_ms(targets, args.requests, args.rate)
            started = time.perf_counter()
            queue_dead_deliveries(client, busy, dead.urls(args.endpoints), args.deliveries)
            log(f"{args.deliveries} deliveries queued in {time.perf_counter() - started:.1f} s")
            baseline, loaded = paced_get_ms(targets, args.requests, args.rate)
            counts = delivery_counts(busy.database_url)
    result = {
        "retry_factor": args.retry_factor,
        "attempt_timeout_s": args.attempt_timeout,
        "deliveries": sum(counts.values()),
        "pending_after": counts.get("pending", 0),
        "before_p95_ms": round(p95(before), 2),
        "baseline_p50_ms": round(statistics.median(baseline), 2),
        "baseline_p95_ms": round(p95(baseline), 2),
        "loaded_p50_ms": round(statistics.median(loaded), 2),
        "loaded_p95_ms": round(p95(loaded), 2),
        "ratio_p95": round(p95(loaded) / p95(baseline), 2),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
