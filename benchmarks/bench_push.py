"""Benchmark: webhook push into the hub against polling only, and the failover of the leading hub.

Setup (issue 15 item 5): a sandbox on 127.0.0.1 with 200 open incidents, every key limited to 60
requests a minute, a driver (its own key) making ~20 status changes a minute (cancel one, create one),
as in `bench_freshness.py`. In the same run, two hubs follow the same changes, each as its own process
(`sety-console hub serve`, SQLite) on its own key, each with ten console sessions:

* push: `--public-url` set, so the sandbox posts signed webhooks to the hub (polls stretched to 5 s);
* poll: no `--public-url`, polling only (the rate budget's pace).

Freshness = time from a change's `updated_at` on the server to the moment a console's store holds it
(every console, every cancel). Failover (PostgreSQL only: `--database-url`, else
`SETY_TEST_DATABASE_URL`): two hubs on one database, both announcing their own `--public-url`, ten
consoles given both URLs, the driver going on; the leader is killed (SIGKILL) `--kills` times, and each
time a marker incident is created at once: failover = kill → every console holds the marker. Lost = a
console not holding the server's last version of an incident the driver touched, once all settled;
doubled = a console told of one incident version twice (or of one change-log sequence twice).

Last line: {"push_p50_s": …, "push_p95_s": …, "poll_p50_s": …, "poll_p95_s": …, "failover_s": …,
"lost": …, "doubled": …}   (failover_s: the slowest of the kills; null without PostgreSQL)
Run: .venv/bin/python benchmarks/bench_push.py [--seconds 60] [--database-url postgresql+psycopg://…]
(about 3 minutes; details on stderr)
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import logging
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from bench_freshness import Driver, incident_request, limited_sandbox
from bench_hub import free_port, hub_command, percentile

from sety_console.api import SetyClient
from sety_console.core.changes import ChangeSet
from sety_console.core.hub_session import HubSession, connect_to_hub
from sety_console.sandbox.server import SandboxServer

WARM_UP_S = 12.0
SETTLE_S = 30.0


class Hub:
    """`sety-console hub serve` as its own process (SIGKILL-able), with operators made first."""

    def __init__(self, database: str, api_url: str, org_key: str, name: str, *, push: bool) -> None:
        self.database, self.api_url, self.org_key, self.name, self.push = (
            database,
            api_url,
            org_key,
            name,
            push,
        )
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1/external"

    def operators(self, count: int) -> list[str]:
        tokens = []
        for n in range(count):
            name = f"op{n}-{uuid.uuid4().hex[:4]}"
            out = subprocess.run(
                hub_command("add-operator", name, "--db", self.database), check=True, capture_output=True
            )
            tokens.append(out.stdout.decode().strip().splitlines()[-1])
        return tokens

    def start(self) -> None:
        extra = ["--public-url", f"http://127.0.0.1:{self.port}"] if self.push else []
        command = hub_command(
            "serve", "--db", self.database, "--api-url", self.api_url, "--port", str(self.port),
            "--hub-id", self.name, "--log-level", "warning", *extra,
        )  # fmt: skip
        env = {**os.environ, "SETY_API_KEY": self.org_key}
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"hub {self.name} did not start")
            time.sleep(0.2)

    def health(self, token: str) -> dict[str, Any]:
        try:
            answer = httpx.get(
                self.url.replace("/v1/external", "/hub/v1/health"),
                headers={"Authorization": f"Bearer {token}"},
                timeout=2,
            )
            return dict(answer.json())
        except (httpx.HTTPError, ValueError):
            return {}

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


class Consoles:
    """Console sessions on a hub (or a list of hubs): when each first held each incident cancelled,
    and every incident version and sequence each was told of."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.sessions: list[HubSession] = []
        self.cancelled_at: list[dict[str, datetime]] = []
        self.told: list[Counter[tuple[str, str]]] = []
        self.seqs: list[Counter[int]] = []

    async def open(self, urls: list[str], tokens: list[str]) -> None:
        for token in tokens:
            n = len(self.sessions)
            told: Counter[tuple[str, str]] = Counter()
            seqs: Counter[int] = Counter()
            session = connect_to_hub(
                urls, token, data_dir=self.tmp / f"c{n}", operator_name=f"op{n}", workstation=f"desk-{n}",
                tap=_counter(told, seqs),
            )  # fmt: skip
            cancelled: dict[str, datetime] = {}
            session.session.incidents_changed.connect(_cancel_recorder(session, cancelled))
            self.sessions.append(session)
            self.cancelled_at.append(cancelled)
            self.told.append(told)
            self.seqs.append(seqs)
            await session.session.start()

    def latencies(self, changed_at: dict[str, datetime]) -> list[float]:
        return [
            (held[i] - at).total_seconds()
            for held in self.cancelled_at
            for i, at in changed_at.items()
            if i in held
        ]

    def lost(self, truth: dict[str, str]) -> int:
        return sum(1 for s in self.sessions for i, at in truth.items() if (_held(s, i) or "") < at)

    def doubled(self) -> int:
        counters: list[Counter[Any]] = [*self.told, *self.seqs]
        return sum(n - 1 for c in counters for n in c.values() if n > 1)

    def hold(self, incident_id: str) -> bool:
        return all(incident_id in s.session.incidents for s in self.sessions)

    async def close(self) -> None:
        for session in self.sessions:
            await session.close()


def _counter(told: Counter[tuple[str, str]], seqs: Counter[int]) -> Callable[[str], None]:
    """A stream tap counting the change sequences and incident versions a console was told of."""

    def count(raw: str) -> None:
        message = json.loads(raw)
        if message.get("type") != "change":
            return
        seqs[message["seq"]] += 1
        if message.get("kind") == "incidents":
            for document in message.get("upsert", []):
                told[(document["incident_id"], document["updated_at"])] += 1

    return count


def _cancel_recorder(session: HubSession, held: dict[str, datetime]) -> Callable[[ChangeSet], None]:
    """Records when the console's store first held each incident cancelled."""

    def record(changes: ChangeSet) -> None:
        now = datetime.now(UTC)
        for incident_id in (*changes.added, *changes.updated):
            incident = session.session.incidents.get(incident_id)
            if incident is not None and incident.status == "cancelled" and incident_id not in held:
                held[incident_id] = now

    return record


async def until(predicate: Callable[[], bool], timeout: float) -> bool:  # noqa: ASYNC109
    """Poll `predicate` until true (True) or `timeout` seconds passed (False)."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)


def _held(session: HubSession, incident_id: str) -> str | None:
    incident = session.session.incidents.get(incident_id)
    return None if incident is None else incident.updated_at.isoformat()


async def truth(client: SetyClient, ids: set[str]) -> dict[str, str]:
    return {i: (await client.get_incident(i)).updated_at.isoformat() for i in ids}


async def settle(consoles: Consoles, client: SetyClient, ids: set[str]) -> int:
    """Wait (up to `SETTLE_S`) for every console to hold Sety's version of `ids`; how many it did not."""
    expected = await truth(client, ids)
    await until(lambda: not consoles.lost(expected), SETTLE_S)
    return consoles.lost(expected)


async def push_against_poll(
    server: SandboxServer, keys: dict[str, str], tmp: Path, seconds: float
) -> dict[str, Any]:
    """Both hubs on the same changes at once; each on its own key (its own budget)."""
    push = Hub(f"sqlite:///{tmp}/push.db", server.base_url, keys["admin"], "push", push=True)
    poll = Hub(f"sqlite:///{tmp}/poll.db", server.base_url, keys["supervisor"], "poll", push=False)
    on_push, on_poll = Consoles(tmp / "push"), Consoles(tmp / "poll")
    try:
        push_tokens = push.operators(10)
        for hub, consoles, tokens in ((push, on_push, push_tokens), (poll, on_poll, poll.operators(10))):
            hub.start()
            await consoles.open([hub.url], tokens)
        async with SetyClient(server.base_url, keys["operator"]) as client:
            open_ids = [
                i.incident_id
                async for i in client.iter_incidents(status=["dispatching", "created"], limit=100)
            ]
            await asyncio.sleep(WARM_UP_S)
            state = push.health(push_tokens[0]).get("push_here", {})
            driver = Driver(client, random.Random(15))
            task = asyncio.create_task(driver.run(open_ids))
            await asyncio.sleep(seconds)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            touched = set(driver.changed_at)
            lost = await settle(on_push, client, touched) + await settle(on_poll, client, touched)
    finally:
        await on_push.close()
        await on_poll.close()
        push.stop()
        poll.stop()
    pushed, polled = on_push.latencies(driver.changed_at), on_poll.latencies(driver.changed_at)
    return {
        "push_p50_s": _median(pushed),
        "push_p95_s": percentile(pushed, 0.95),
        "poll_p50_s": _median(polled),
        "poll_p95_s": percentile(polled, 0.95),
        "changes": len(driver.changed_at),
        "observations": [len(pushed), len(polled)],
        "push_state": state,
        "lost": lost,
        "doubled": on_push.doubled() + on_poll.doubled(),
    }


async def failover(
    server: SandboxServer, keys: dict[str, str], database: str, tmp: Path, kills: int
) -> dict[str, Any]:
    """Two hubs on one PostgreSQL; the leader SIGKILLed `kills` times under the driver's load."""
    hubs = [Hub(database, server.base_url, keys["admin"], f"fo-{n}", push=True) for n in "ab"]
    consoles = Consoles(tmp / "failover")
    times: list[float] = []
    try:
        tokens = hubs[0].operators(10)
        for hub in hubs:
            hub.start()
        await consoles.open([h.url for h in hubs], tokens)
        async with SetyClient(server.base_url, keys["operator"]) as client:
            open_ids = [
                i.incident_id
                async for i in client.iter_incidents(status=["dispatching", "created"], limit=100)
            ]
            driver = Driver(client, random.Random(16))
            task = asyncio.create_task(driver.run(open_ids))
            markers: set[str] = set()
            for _ in range(kills):
                await asyncio.sleep(WARM_UP_S)
                states = await asyncio.gather(*(asyncio.to_thread(h.health, tokens[0]) for h in hubs))
                leader = next(h for h, state in zip(hubs, states, strict=True) if state.get("leading"))
                leader.kill()
                killed = time.monotonic()
                marker = (await client.create_incident(incident_request(random.Random(len(times))))).incident
                markers.add(marker.incident_id)
                arrived = await until(functools.partial(consoles.hold, marker.incident_id), 60)
                times.append(round(time.monotonic() - killed, 3) if arrived else float("inf"))
                await asyncio.to_thread(leader.start)  # back, as a follower
            await asyncio.sleep(WARM_UP_S)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            lost = await settle(consoles, client, set(driver.changed_at) | markers)
    finally:
        await consoles.close()
        for hub in hubs:
            hub.stop()
    return {"failover_s": max(times), "failovers_s": times, "lost": lost, "doubled": consoles.doubled()}


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


@contextmanager
def fresh_schema(url: str) -> Iterator[str]:
    """A schema of its own in the PostgreSQL database at `url` (dropped afterwards)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = "bench_" + uuid.uuid4().hex[:12]
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield (
            make_url(url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


async def remove_endpoints(server: SandboxServer, admin_key: str) -> None:
    async with SetyClient(server.base_url, admin_key) as admin:
        for endpoint in [e async for e in admin.iter_webhook_endpoints()]:
            await admin.delete_webhook_endpoint(endpoint.endpoint_id)


async def main_async(seconds: float, database: str | None, kills: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        server = limited_sandbox(tmp)
        try:
            keys = server.issue_keys()
            modes = await push_against_poll(server, keys, tmp, seconds)
            logging.info("push against poll: %s", modes)
            await remove_endpoints(server, keys["admin"])
            over: dict[str, Any] = {"failover_s": None, "lost": 0, "doubled": 0}
            if database:
                await asyncio.sleep(61)  # a fresh rate window for the org key
                with fresh_schema(database) as url:
                    over = await failover(server, keys, url, tmp, kills)
                await remove_endpoints(server, keys["admin"])
        finally:
            server.stop()
    return {
        "push_p50_s": modes["push_p50_s"],
        "push_p95_s": modes["push_p95_s"],
        "poll_p50_s": modes["poll_p50_s"],
        "poll_p95_s": modes["poll_p95_s"],
        "failover_s": over["failover_s"],
        "lost": modes["lost"] + over["lost"],
        "doubled": modes["doubled"] + over["doubled"],
        "details": {"modes": modes, "failover": over},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="measured seconds of push against poll")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("SETY_TEST_DATABASE_URL"),
        help="PostgreSQL for the failover (default: SETY_TEST_DATABASE_URL; without it, no failover)",
    )
    parser.add_argument("--kills", type=int, default=3, help="leaders killed in the failover part")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    result = asyncio.run(main_async(args.seconds, args.database_url, args.kills))
    print(json.dumps(result.pop("details")), file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
