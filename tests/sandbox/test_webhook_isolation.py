"""Webhook deliveries never slow the API: 1,000 deliveries to dead hosts, GET latency measured.

Two real sandbox processes side by side (see `webhook_load.py`): one working through 1,000
deliveries to hosts that never answer, refuse or do not resolve; one with nothing to deliver.
`GET /incidents/{id}` is timed on both at a steady pace, taking turns, for 8 s. The contract's
timings are compressed (attempts time out after 0.5 s instead of 10, retry delays × 0.001), so
those 8 s see several rounds of attempts, timeouts, breakers opening and probing, and refusals;
the deliveries are still pending at the end. Before the delivery worker, this test put the busy
sandbox's p95 at tens of seconds (its serving loop stalled in the webhook client's connection
pool); the bound is 2× the quiet one's p95 + 20 ms.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from .conftest import fresh_database
from .webhook_load import (
    DeadHosts,
    create_incident,
    delivery_counts,
    p95,
    paced_get_ms,
    queue_dead_deliveries,
    sandbox_processes,
)

DELIVERIES = 1000
ENDPOINTS = 50
REQUESTS = 400
RATE = 50.0
COMPRESSED = {"webhook_timeout_seconds": 0.5, "webhook_retry_factor": 0.001}


@pytest.mark.timeout(300)
def test_a_thousand_deliveries_to_dead_hosts_leave_get_latency_alone(tmp_path: Path) -> None:
    with (
        fresh_database(tmp_path / "quiet") as quiet_url,
        fresh_database(tmp_path / "busy") as busy_url,
        DeadHosts() as dead,
        sandbox_processes([quiet_url, busy_url], **COMPRESSED) as (quiet, busy),
        httpx.Client(timeout=120) as client,
    ):
        targets = [(quiet, create_incident(client, quiet)), (busy, create_incident(client, busy))]
        paced_get_ms(targets, 20, RATE)  # warm-up: connections, caches
        queue_dead_deliveries(client, busy, dead.urls(ENDPOINTS), DELIVERIES)
        baseline, loaded = paced_get_ms(targets, REQUESTS, RATE)
        counts = delivery_counts(busy_url)
    assert counts == {"pending": DELIVERIES}  # the last attempts are due ~50 s after the first
    assert p95(loaded) <= 2 * p95(baseline) + 20, (p95(baseline), p95(loaded))
