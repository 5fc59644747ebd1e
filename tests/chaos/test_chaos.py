"""Issue 18 §5: exactly once under chaos, with the sandbox honouring `Idempotency-Key` and ignoring it.

A real uvicorn sandbox behind a fault-injecting proxy (resets, answers dropped after the server acted,
requests held past the client's timeout and delivered late, 5xx before and after acting, 429, garbage
and truncated answers — on 35 % of all requests); the console's process is SIGKILLed every 2–5 s and
started again; then an audit of the sandbox's database: every action took effect exactly once.
Seeded and bounded: both modes run side by side (each with its own sandbox, proxy and console) in
about two minutes. `tools/chaos_run.py` runs the same scenario longer (1,000 actions and more).
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.chaos.harness import ChaosReport, ChaosSettings, run_chaos
from tests.chaos.proxy import FAULTS

ACTIONS = 60


def check(report: ChaosReport) -> None:
    mode = report.as_dict()["settings"]["mode"]
    assert report.problems == [], mode
    assert report.exactly_once, mode
    assert report.audit["exactly_once"] == ACTIONS, mode
    assert report.kills >= 3, mode  # the console really died mid-work, several times
    assert sum(report.faults.values()) >= 20, mode
    assert len(set(report.faults) & set(FAULTS)) >= 6, mode  # most kinds of fault happened
    assert sum(report.settled_by.values()) == ACTIONS, mode  # every action done: none failed, none open


@pytest.mark.slow
@pytest.mark.timeout(420)
def test_every_action_takes_effect_exactly_once_under_chaos_in_both_modes(tmp_path: Path) -> None:
    runs = {
        honour: ChaosSettings(actions=ACTIONS, honour=honour, seed=18, max_s=300) for honour in (True, False)
    }
    for honour in runs:
        (tmp_path / str(honour)).mkdir()
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {h: pool.submit(run_chaos, tmp_path / str(h), settings) for h, settings in runs.items()}
        reports = {h: future.result() for h, future in futures.items()}
    for report in reports.values():
        print("\nchaos", json.dumps(report.as_dict()))
    for report in reports.values():
        check(report)
