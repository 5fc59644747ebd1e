"""Seeding the demo database: wall time of a fresh sandbox with the default demo data.

Each run happens in a fresh process (imports warm from disk, a new SQLite file in a temp folder,
manual clock) and is timed from `Sandbox(...)` to its return. With `--baseline DIR` (a copy of an
older `sety_console`, e.g. `git archive <commit> sety_console resources | tar -x -C DIR`) the
baseline and this tree run alternately, so a busy machine slows both alike; the ratio is the claim.

    .venv/bin/python benchmarks/bench_seed.py --rounds 5 --baseline /tmp/old-sety

Prints one JSON line: {"incidents": …, "days": …, "seed_s": median, "baseline_s": …,
"baseline_incidents": …, "ratio": seed_s / baseline_s}.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import json, tempfile, time
from datetime import UTC, datetime
from sqlalchemy import func, select
from sety_console.sandbox import SandboxClock, SandboxConfig
from sety_console.sandbox.runtime import Sandbox
from sety_console.sandbox.tables import IncidentRow
with tempfile.TemporaryDirectory() as folder:
    config = SandboxConfig(
        database_url=f"sqlite:///{folder}/demo.db",
        clock=SandboxClock.manual(datetime(2026, 3, 10, 18, 0, tzinfo=UTC)),
        seed="demo",
    )
    started = time.perf_counter()
    sandbox = Sandbox(config)
    took = time.perf_counter() - started
    with sandbox.db.session() as session:
        count = session.scalar(select(func.count()).select_from(IncidentRow))
    sandbox.close()
print(json.dumps({"seconds": took, "incidents": count, "days": config.demo_history_days}))
"""


def run(source: Path | None) -> dict[str, float]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    if source is not None:
        env["PYTHONPATH"] = str(source.resolve())
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=tempfile.gettempdir(),
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="folder holding an older sety_console package")
    args = parser.parse_args()
    ours, theirs = [], []
    for _ in range(args.rounds):
        ours.append(run(None))
        if args.baseline is not None:
            theirs.append(run(args.baseline))
    seed_s = statistics.median(r["seconds"] for r in ours)
    report: dict[str, float | None] = {
        "incidents": ours[0]["incidents"],
        "days": ours[0]["days"],
        "seed_s": round(seed_s, 2),
        "baseline_s": None,
        "baseline_incidents": None,
        "ratio": None,
    }
    if theirs:
        baseline_s = statistics.median(r["seconds"] for r in theirs)
        report.update(
            baseline_s=round(baseline_s, 2),
            baseline_incidents=theirs[0]["incidents"],
            ratio=round(seed_s / baseline_s, 2),
        )
    print(json.dumps(report))


if __name__ == "__main__":
    main()
