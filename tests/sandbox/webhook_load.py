"""Two sandbox processes timed side by side: one working through webhook deliveries to dead hosts,
one with nothing to deliver (the baseline). Used by `test_webhook_isolation.py` and
`benchmarks/bench_webhooks.py`.

Each sandbox is a real `SandboxServer` (uvicorn on 127.0.0.1) in a process of its own, as the
console runs it, with a still manual clock and no rate limit. Requests alternate between the two,
so whatever else the machine is doing slows both alike and the ratio of their latencies is what
the pending deliveries cost. Dead hosts: a local port that accepts connections and never answers,
a closed local port, and names that do not resolve (`*.invalid`); nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import socket
import statistics
import time
from collections.abc import Iterator
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from sety_console.sandbox import SandboxClock, SandboxServer

UNLIMITED = {"starter": 10**9, "growth": 10**9, "enterprise": 10**9}
START = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
INCIDENT: dict[str, Any] = {
    "category": "sos",
    "severity": "critical",
    "subject": {"name": "Amaka Obi", "phone": "+2348012345678", "reference": "USER-9921"},
    "location": {"coordinates": [3.4219, 6.4281], "address": "14 Bourdillon Road, Ikoyi, Lagos"},
}


@dataclass(frozen=True)
class Served:
    """A sandbox process: its URL, its keys, and an operator client's headers."""

    base_url: str
    keys: dict[str, str]
    database_url: str

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}


def _serve(database_url: str, settings: dict[str, Any], ready: Any, stop: Any) -> None:
    """The child process: serve until `stop` is set."""
    server = SandboxServer(
        database_url, seed="none", plan_limits=UNLIMITED, clock=SandboxClock.manual(START), **settings
    )
    server.start()
    ready.put((server.base_url, server.issue_keys()))
    stop.wait()
    server.stop()


@contextmanager
def sandbox_processes(database_urls: list[str], **settings: Any) -> Iterator[list[Served]]:
    """One sandbox process per database, started in parallel; `settings` go to `SandboxConfig`."""
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    started = []
    try:
        for url in database_urls:
            ready = context.Queue()
            process = context.Process(target=_serve, args=(url, settings, ready, stop), daemon=True)
            process.start()
            started.append((process, ready, url))
        served = []
        for _process, ready, url in started:
            base_url, keys = ready.get(timeout=180)
            served.append(Served(base_url, keys, url))
        yield served
    finally:
        stop.set()
        for process, _ready, _url in started:
            process.join(60)
            if process.is_alive():
                process.kill()


class DeadHosts:
    """Webhook URLs that never answer: a silent listener, a closed port, unresolvable names."""

    def __init__(self) -> None:
        self._silent = socket.socket()  # the kernel completes handshakes; nobody ever reads
        self._silent.bind(("127.0.0.1", 0))
        self._silent.listen(4096)
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self._closed_port = probe.getsockname()[1]
        probe.close()

    def urls(self, count: int) -> list[str]:
        silent_port = self._silent.getsockname()[1]
        kinds = (
            f"http://127.0.0.1:{silent_port}/hook/{{}}",
            f"http://127.0.0.1:{self._closed_port}/hook/{{}}",
            "http://dead-{}.invalid/hook",
        )
        return [kinds[i % 3].format(i) for i in range(count)]

    def close(self) -> None:
        self._silent.close()

    def __enter__(self) -> DeadHosts:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def queue_dead_deliveries(client: httpx.Client, served: Served, urls: list[str], deliveries: int) -> None:
    """Register `urls` for `incident.created` and create incidents until `deliveries` are queued."""
    for url in urls:
        body = {"url": url, "events": ["incident.created"]}
        client.post(f"{served.base_url}/webhooks", json=body, headers=served.auth("admin")).raise_for_status()
    for _ in range(-(-deliveries // len(urls))):
        create_incident(client, served)


def create_incident(client: httpx.Client, served: Served) -> str:
    response = client.post(f"{served.base_url}/incidents", json=INCIDENT, headers=served.auth("operator"))
    response.raise_for_status()
    incident_id: str = response.json()["incident"]["incident_id"]
    return incident_id


def paced_get_ms(targets: list[tuple[Served, str]], requests: int, rate: float) -> list[list[float]]:
    """Time `GET /incidents/{id}` on each target, `requests` times at `rate` per second each.

    Requests start on a fixed schedule, whether or not earlier ones have been answered, and each
    is timed from its scheduled start (open loop): a server that stalls for a second shows it in
    every request that should have started during that second, not just in the one it held up.
    The targets take turns, half an interval apart, so both see the same moments of the machine.
    """
    return asyncio.run(_paced(targets, requests, 1 / rate))


async def _paced(targets: list[tuple[Served, str]], requests: int, interval: float) -> list[list[float]]:
    samples: list[list[float]] = [[] for _ in targets]
    async with AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                httpx.AsyncClient(base_url=served.base_url, headers=served.auth("operator"), timeout=300)
            )
            for served, _incident in targets
        ]

        async def one(index: int, due: float) -> None:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            response = await clients[index].get(f"/incidents/{targets[index][1]}")
            samples[index].append((time.perf_counter() - due) * 1000)
            response.raise_for_status()

        start = time.perf_counter() + 0.05
        step = interval / len(targets)
        async with asyncio.TaskGroup() as group:
            for number in range(requests):
                for index in range(len(targets)):
                    group.create_task(one(index, start + number * interval + index * step))
    return samples


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[94]


def delivery_counts(database_url: str) -> dict[str, int]:
    """Deliveries by status, read straight from the database."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT status, count(*) FROM webhook_deliveries GROUP BY status"))
        counts = {str(status): int(n) for status, n in rows}
    engine.dispose()
    return counts
