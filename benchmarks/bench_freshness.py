"""Benchmark: how fresh the console's incident store is, against a real sandbox on 127.0.0.1.

Setup (issue 4 item 8): a sandbox served by uvicorn on 127.0.0.1 with 200 open incidents, every key
limited to 60 requests a minute, and a driver (its own key, so its own budget) making ~20 status changes
a minute: it cancels a random open incident and creates a new one to keep ~200 open. The responder
simulation is off (no units), so the measured changes are the driver's. For every cancel, the latency is
the time from the server's `updated_at` of the change to the moment a console's store holds it.

Modes: `delta` (one console, `updated_since`), `fallback` (one console forced into the fallback mode),
`shared_key_3` (three consoles on one key). `http_429` counts 429 answers the consoles received.

Last line: {"delta": {"p50_s": …, "p95_s": …, "max_s": …, "http_429": …, "changes": …},
"fallback": {…}, "shared_key_3": {…}}
Run: .venv/bin/python benchmarks/bench_freshness.py [--seconds 120]   (a few minutes)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import statistics
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from sety_console.api import SetyClient
from sety_console.api.models import CreateIncidentRequest
from sety_console.core.changes import ChangeSet
from sety_console.core.poller import PollMode
from sety_console.core.session import ConsoleSession
from sety_console.sandbox.accounts import DEMO_ORG_ID
from sety_console.sandbox.server import SandboxServer

OPEN_INCIDENTS = 200
CHANGES_PER_MINUTE = 20
LIMIT = 60


class CountingTransport(httpx.AsyncHTTPTransport):
    """Counts the status codes the console received."""

    def __init__(self) -> None:
        super().__init__()
        self.statuses: dict[int, int] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        return response


def incident_request(rng: random.Random) -> CreateIncidentRequest:
    return CreateIncidentRequest.model_validate(
        {
            "category": rng.choice(["sos", "vehicle", "medical", "location_threat"]),
            "severity": rng.choice(["low", "medium", "high", "critical"]),
            "subject": {"name": f"Subject {rng.randrange(10**6)}"},
            "location": {"coordinates": [3.3 + rng.random() * 0.3, 6.4 + rng.random() * 0.2]},
        }
    )


class Driver:
    """Makes ~20 status changes a minute through the API with its own key."""

    def __init__(self, client: SetyClient, rng: random.Random) -> None:
        self.client, self.rng = client, rng
        self.changed_at: dict[str, datetime] = {}

    async def run(self, open_ids: list[str]) -> None:
        while True:
            await asyncio.sleep(self.rng.expovariate(CHANGES_PER_MINUTE / 60))
            victim = open_ids.pop(self.rng.randrange(len(open_ids)))
            incident = await self.client.cancel_incident(victim, "benchmark")
            self.changed_at[victim] = incident.updated_at
            created = await self.client.create_incident(incident_request(self.rng))
            open_ids.append(created.incident.incident_id)


async def measure(
    server: SandboxServer, keys: tuple[str, str], mode: str, consoles: int, seconds: float
) -> dict[str, Any]:
    rng = random.Random(4)
    poller_key, driver_key = keys
    async with SetyClient(server.base_url, driver_key) as driver_client:
        open_ids = [
            i.incident_id
            async for i in driver_client.iter_incidents(status=["dispatching", "created"], limit=100)
        ]
        driver = Driver(driver_client, rng)
        latencies: list[float] = []
        transports, sessions, clients = [], [], []
        with tempfile.TemporaryDirectory() as tmp:
            for n in range(consoles):
                transport = CountingTransport()
                client = SetyClient(server.base_url, poller_key, transport=transport)
                session = ConsoleSession(client, data_dir=Path(tmp) / f"c{n}", operator_name=f"bench{n}")
                if mode == "fallback":
                    session.poller.mode = PollMode.FALLBACK
                session.incidents_changed.connect(_recorder(session, driver, latencies))
                transports.append(transport)
                sessions.append(session)
                clients.append(client)
                await session.start()
            await asyncio.sleep(15)  # probes and the first resync
            latencies.clear()
            task = asyncio.create_task(driver.run(open_ids))
            await asyncio.sleep(seconds)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await asyncio.sleep(5)  # let the last changes arrive
            for session, client in zip(sessions, clients, strict=True):
                await session.close()
                await client.aclose()
    latencies.sort()
    return {
        "p50_s": round(statistics.median(latencies), 3) if latencies else None,
        "p95_s": round(latencies[max(0, int(len(latencies) * 0.95) - 1)], 3) if latencies else None,
        "max_s": round(latencies[-1], 3) if latencies else None,
        "http_429": sum(t.statuses.get(429, 0) for t in transports),
        "changes": len(driver.changed_at),
        "observations": len(latencies),
    }


def _recorder(session: ConsoleSession, driver: Driver, latencies: list[float]) -> Callable[[ChangeSet], None]:
    seen: set[str] = set()

    def record(changes: ChangeSet) -> None:
        now = datetime.now(UTC)
        for incident_id in (*changes.added, *changes.updated):
            changed = driver.changed_at.get(incident_id)
            incident = session.incidents.get(incident_id)
            if changed and incident and incident.status == "cancelled" and incident_id not in seen:
                seen.add(incident_id)
                latencies.append((now - changed).total_seconds())

    return record


def seed(server: SandboxServer) -> None:
    rng = random.Random(1)
    for _ in range(OPEN_INCIDENTS):
        server.sandbox.incidents.create(DEMO_ORG_ID, "test", incident_request(rng))


def limited_sandbox(folder: str | Path) -> SandboxServer:
    """A started sandbox in `folder` with `OPEN_INCIDENTS` open incidents and every key limited to `LIMIT`
    requests a minute (the Starter plan's budget, whatever the key's plan)."""
    server = SandboxServer(
        f"sqlite:///{folder}/sandbox.db",
        seed="none",
        responder_count=0,
        plan_limits={"starter": LIMIT, "growth": LIMIT, "enterprise": LIMIT},
    )
    server.start()
    try:
        seed(server)
    except BaseException:
        server.stop()
        raise
    return server


async def main_async(seconds: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        server = limited_sandbox(tmp)
        try:
            result = {}
            issued = server.issue_keys()  # the driver uses another key: its own 60/min budget
            keys = (issued["operator"], issued["admin"])
            for mode, consoles in (("delta", 1), ("fallback", 1), ("shared_key_3", 3)):
                await asyncio.sleep(61)  # a fresh rate window for each mode
                result[mode] = await measure(server, keys, mode, consoles, seconds)
                logging.info("%s: %s", mode, result[mode])
            return result
        finally:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="measured seconds per mode")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print(json.dumps(asyncio.run(main_async(args.seconds))))


if __name__ == "__main__":
    main()
