"""One chaos run: a real sandbox, the fault-injecting proxy, a console process killed and restarted, an audit.

    report = run_chaos(workdir, ChaosSettings(actions=120, honour=False))
    assert report.exactly_once

The sandbox (uvicorn on 127.0.0.1, honouring `Idempotency-Key` or ignoring it) runs in this process;
the console runs in child processes (`tests.chaos.child`) that reach it only through the proxy. The
parent kills the child with SIGKILL at random moments (seeded) and starts it again until the child says
every planned action is delivered; then the proxy goes quiet, requests it still holds land, and the
audit counts every action's effects in the sandbox's database.
"""

from __future__ import annotations

import random
import selectors
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from sety_console.core.outbox_store import OutboxStore
from sety_console.sandbox.server import SandboxServer

from .audit import audit
from .plan import make_plan, make_targets
from .proxy import ChaosProxy
from .script import save_plan

ROOT = Path(__file__).resolve().parents[2]
UNLIMITED = {"starter": 10**6, "growth": 10**6, "enterprise": 10**6}


@dataclass(frozen=True)
class ChaosSettings:
    actions: int = 120
    seed: int = 18
    honour: bool = True
    odds: float = 0.35
    """Share of requests (reads and writes) that meet a fault."""
    kill_after_s: tuple[float, float] = (2.0, 5.0)
    timeout_s: float = 2.0
    """The console's request timeout; held requests land 0.5–3 s after it."""
    margin_s: float = 5.0
    """The outbox's quiet margin: longer than any hold beyond the timeout."""
    pace_s: float = 0.05
    max_s: float = 300.0


@dataclass
class ChaosReport:
    settings: ChaosSettings
    runtime_s: float = 0.0
    lives: int = 0
    kills: int = 0
    requests: int = 0
    faults: dict[str, int] = field(default_factory=dict)
    audit: dict[str, Any] = field(default_factory=dict)
    settled_by: dict[str, int] = field(default_factory=dict)
    exactly_once: bool = False
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["settings"]["mode"] = "honoured" if self.settings.honour else "ignored"
        return data


def run_chaos(workdir: Path, settings: ChaosSettings) -> ChaosReport:
    """Run the whole scenario in `workdir`; the report says what happened (it raises only on setup)."""
    report = ChaosReport(settings)
    started = time.monotonic()
    server = SandboxServer(
        f"sqlite:///{workdir / 'sandbox.db'}",
        seed="none",
        responder_count=0,
        plan_limits=UNLIMITED,
        honour_idempotency_key=settings.honour,
    )
    server.start()
    proxy = ChaosProxy(
        f"http://127.0.0.1:{server.port}",
        seed=settings.seed,
        odds=settings.odds,
        hold_s=(settings.timeout_s + 0.5, settings.timeout_s + 3.0),
    )
    try:
        key = server.issue_keys()["admin"]
        targets = make_targets(server.sandbox, max(5, settings.actions // 8))
        plan = make_plan(settings.actions, settings.seed, targets)
        save_plan(plan, workdir / "plan.json")
        proxy.start()
        base_url = f"http://127.0.0.1:{proxy.port}/v1/external"
        _live_and_die(workdir, base_url, key, settings, report, started)
        proxy.quiet()
        _wait_for_held(proxy, settings)
        result = audit(server.sandbox, plan)
        report.audit = result.summary()
        report.problems += result.lost + result.duplicated
        report.exactly_once = result.exactly_once and not report.problems
        report.faults = dict(sorted(proxy.counts.items()))
        report.requests = (
            proxy.forwarded + proxy.counts["reset"] + proxy.counts["5xx_before"] + proxy.counts["429"]
        )
        store = OutboxStore(workdir / "console")
        report.settled_by = store.settlements()
        store.close()
    finally:
        proxy.stop()
        server.stop()
    report.runtime_s = round(time.monotonic() - started, 1)
    return report


def _live_and_die(
    workdir: Path, base_url: str, key: str, settings: ChaosSettings, report: ChaosReport, started: float
) -> None:
    """Start the console, kill it at a random moment of its working life, again and again, until it
    finishes on its own (the kill clock starts once it says it runs: a slow start is not work time)."""
    rng = random.Random(settings.seed * 7 + 1)
    args = [str(workdir / "console"), str(workdir / "plan.json")]
    args += [str(settings.timeout_s), str(settings.margin_s), str(settings.pace_s)]
    with (workdir / "console.log").open("a") as log:
        while time.monotonic() - started < settings.max_s:
            report.lives += 1
            child = subprocess.Popen(
                [sys.executable, "-m", "tests.chaos.child", base_url, key, *args],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
            assert child.stdout is not None
            log.write(_first_line(child.stdout, 60.0))
            try:
                code = child.wait(timeout=rng.uniform(*settings.kill_after_s))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
                report.kills += 1
                continue
            finally:
                log.write(child.stdout.read())
            if code == 0:
                return
            report.problems.append(f"the console exited with {code} (see {workdir / 'console.log'})")
            return
    report.problems.append(f"not finished within {settings.max_s:.0f} s")


def _first_line(stream: IO[str], timeout: float) -> str:
    """The child's first line (it says it has started), waiting at most `timeout` seconds."""
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        return stream.readline() if selector.select(timeout) else ""


def _wait_for_held(proxy: ChaosProxy, settings: ChaosSettings) -> None:
    deadline = time.monotonic() + settings.timeout_s + 10
    while proxy.held() and time.monotonic() < deadline:
        time.sleep(0.1)
