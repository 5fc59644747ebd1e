"""Benchmark: ten headless consoles through one control-room hub on one key, against three on the key.

Setup (issue 14 item 5): a sandbox on 127.0.0.1 with 200 open incidents, every key limited to 60
requests a minute, a driver (its own key) making ~20 status changes a minute (cancel one, create one),
as in `bench_freshness.py`. The hub runs as its own process (`sety-console hub serve`, SQLite) on the
org key; ten console sessions (`core.hub_session.connect_to_hub`) follow its stream. Meanwhile one
console acknowledges an alarm every ~3 s; the others record when it reaches them.

Measured: freshness = time from a change's `updated_at` on the server to the moment a console's store
holds it (every console, every cancel); ack propagation = from the acknowledging call to each other
console's event; Sety requests a minute and 429 answers from the hub's own counters (`/hub/v1/health`)
plus any 429 a console got; the same request rate is also measured while only one console is connected
(details, on stderr). Baseline, same run: three consoles polling directly on the org key.

Last line: {"consoles": 10, "freshness_p50_s": …, "freshness_p95_s": …, "ack_p95_s": …,
"sety_requests_per_min": …, "http_429": …, "direct3_freshness_p95_s": …}
Run: .venv/bin/python benchmarks/bench_hub.py [--seconds 90] [--consoles 10]   (about 5 minutes)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from bench_freshness import CHANGES_PER_MINUTE, Driver, limited_sandbox, measure

from sety_console.api.traffic import CountingTransport
from sety_console.core.changes import ChangeSet
from sety_console.core.hub_session import HubSession, connect_to_hub
from sety_console.sandbox.server import SandboxServer

WARM_UP_S = 15.0
ONE_CONSOLE_S = 60.0  # a whole window: shorter spans see the burst allowed around a reset
ACK_EVERY_S = 3.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def hub_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "sety_console", "hub", *args]


def start_hub(
    tmp: Path, api_url: str, org_key: str, consoles: int
) -> tuple[subprocess.Popen[bytes], str, list[str]]:
    """`sety-console hub serve` in its own process, and one operator token per console."""
    database = str(tmp / "hub.db")
    tokens = []
    for n in range(consoles):
        out = subprocess.run(
            hub_command("add-operator", f"op{n}", "--db", database), check=True, capture_output=True
        )
        tokens.append(out.stdout.decode().strip().splitlines()[-1])
    port = free_port()
    env = {**os.environ, "SETY_API_KEY": org_key}
    process = subprocess.Popen(
        hub_command(
            "serve", "--db", database, "--api-url", api_url, "--port", str(port), "--log-level", "warning"
        ),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/v1/external"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return process, url, tokens
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError("the hub did not start")
        time.sleep(0.2)


def requests_per_minute(before: dict[str, Any], after: dict[str, Any], seconds: float) -> float:
    requests: float = after["sety_requests"] - before["sety_requests"]
    return round(requests / seconds * 60, 1)


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, int(len(ordered) * fraction + 0.999) - 1)], 3)


class Acks:
    """One console acknowledges an alarm every few seconds; the others' events are timed."""

    def __init__(self, consoles: list[HubSession], rng: random.Random) -> None:
        self.consoles, self.rng = consoles, rng
        self.started: dict[tuple[str, str], float] = {}
        self.latencies: list[float] = []
        for console in consoles:
            console.link.alarm_changed.connect(self._recorder(console))

    def _recorder(self, console: HubSession) -> Callable[[Any], None]:
        def record(alarm: Any) -> None:
            key = (alarm.incident_id, alarm.reason)
            started = self.started.get(key)
            if started is not None and alarm.actor != console.session.operator_name:
                self.latencies.append(time.monotonic() - started)

        return record

    async def run(self) -> None:
        n = 0
        while True:
            await asyncio.sleep(ACK_EVERY_S)
            console = self.rng.choice(self.consoles)
            open_ids = sorted(console.session.incidents.open_ids())
            if not open_ids:
                continue
            n += 1
            key = (self.rng.choice(open_ids), f"bench_{n}")
            self.started[key] = time.monotonic()
            await console.acknowledge(*key)


def freshness_recorder(
    console: HubSession, driver: Driver, latencies: list[float]
) -> Callable[[ChangeSet], None]:
    seen: set[str] = set()
    store = console.session.incidents

    def record(changes: ChangeSet) -> None:
        now = datetime.now(UTC)
        for incident_id in (*changes.added, *changes.updated):
            changed = driver.changed_at.get(incident_id)
            incident = store.get(incident_id)
            if changed and incident and incident.status == "cancelled" and incident_id not in seen:
                seen.add(incident_id)
                latencies.append((now - changed).total_seconds())

    return record


async def health(url: str, token: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=5) as http:
        answer = await http.get(
            url.replace("/v1/external", "/hub/v1/health"), headers={"Authorization": f"Bearer {token}"}
        )
        return dict(answer.json())


async def measure_hub(
    server: SandboxServer, org_key: str, driver_key: str, consoles: int, seconds: float
) -> dict[str, Any]:
    rng = random.Random(14)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        process, url, tokens = start_hub(tmp, server.base_url, org_key, consoles)
        sessions: list[HubSession] = []
        transports: list[CountingTransport] = []
        try:
            from sety_console.api import SetyClient

            async with SetyClient(server.base_url, driver_key) as driver_client:
                open_ids = [
                    i.incident_id
                    async for i in driver_client.iter_incidents(status=["dispatching", "created"], limit=100)
                ]
                driver = Driver(driver_client, rng)
                latencies: list[float] = []
                one_console_rpm = None
                for n, token in enumerate(tokens):
                    if n == 1:  # Sety's traffic with one console, to compare with all of them below
                        await asyncio.sleep(WARM_UP_S)
                        first = await health(url, tokens[0])
                        await asyncio.sleep(ONE_CONSOLE_S)
                        one_console_rpm = requests_per_minute(
                            first, await health(url, tokens[0]), ONE_CONSOLE_S
                        )
                    transport = CountingTransport()
                    session = connect_to_hub(
                        url,
                        token,
                        data_dir=tmp / f"c{n}",
                        operator_name=f"op{n}",
                        workstation=f"desk-{n}",
                        client_options={"transport": transport},
                    )
                    session.session.incidents_changed.connect(freshness_recorder(session, driver, latencies))
                    sessions.append(session)
                    transports.append(transport)
                    await session.session.start()
                await asyncio.sleep(WARM_UP_S)
                latencies.clear()
                acks = Acks(sessions, rng)
                before = await health(url, tokens[0])
                started = time.monotonic()
                tasks = [asyncio.create_task(driver.run(open_ids)), asyncio.create_task(acks.run())]
                await asyncio.sleep(seconds)
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                await asyncio.sleep(3)
                after = await health(url, tokens[0])
                minutes = (time.monotonic() - started) / 60
        finally:
            for session in sessions:
                await session.close()
            process.terminate()
            process.wait(timeout=30)
    hub_429 = int(after["sety_answers"].get("429", 0))
    console_429 = sum(t.statuses.get(429, 0) for t in transports)
    return {
        "freshness_p50_s": round(statistics.median(latencies), 3) if latencies else None,
        "freshness_p95_s": percentile(latencies, 0.95),
        "freshness_observations": len(latencies),
        "changes": len(driver.changed_at),
        "ack_p95_s": percentile(acks.latencies, 0.95),
        "ack_observations": len(acks.latencies),
        "sety_requests_per_min": requests_per_minute(before, after, minutes * 60),
        "sety_requests_per_min_1_console": one_console_rpm,
        "http_429": hub_429 + console_429,
    }


async def main_async(seconds: float, consoles: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        server = limited_sandbox(tmp)
        try:
            keys = server.issue_keys()
            org_key, driver_key = keys["admin"], keys["operator"]
            hub = await measure_hub(server, org_key, driver_key, consoles, seconds)
            logging.info("hub: %s", hub)
            await asyncio.sleep(61)  # a fresh rate window for the baseline
            direct = await measure(server, (org_key, driver_key), "shared_key_3", 3, seconds)
            logging.info("direct: %s", direct)
        finally:
            server.stop()
    return {
        "consoles": consoles,
        "freshness_p50_s": hub["freshness_p50_s"],
        "freshness_p95_s": hub["freshness_p95_s"],
        "ack_p95_s": hub["ack_p95_s"],
        "sety_requests_per_min": hub["sety_requests_per_min"],
        "http_429": hub["http_429"],
        "direct3_freshness_p95_s": direct["p95_s"],
        "details": {"hub": hub, "direct3": direct, "changes_per_minute_target": CHANGES_PER_MINUTE},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=90.0, help="measured seconds per mode")
    parser.add_argument("--consoles", type=int, default=10, help="consoles on the hub")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    result = asyncio.run(main_async(args.seconds, args.consoles))
    details = result.pop("details")
    print(json.dumps(details), file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
