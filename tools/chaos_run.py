"""The chaos scenario of `tests/chaos`, run long: by default 1,000 actions per mode, kills every 2–8 s.

Prints one JSON line per mode (actions, kills, faults by kind, the audit's exactly-once count, lost,
duplicated, how the outbox settled each action, runtime), then exits 0 only if every action took
effect exactly once in every mode.

Run from the repository root:
    .venv/bin/python tools/chaos_run.py --actions 1000 --modes honoured ignored
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.chaos.harness import ChaosSettings, run_chaos


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--actions", type=int, default=1000)
    parser.add_argument(
        "--modes", nargs="+", choices=("honoured", "ignored"), default=["honoured", "ignored"]
    )
    parser.add_argument("--seed", type=int, default=1018)
    parser.add_argument("--odds", type=float, default=0.35, help="share of requests that meet a fault")
    parser.add_argument("--kill", type=float, nargs=2, default=(2.0, 8.0), metavar=("MIN_S", "MAX_S"))
    parser.add_argument("--max-minutes", type=float, default=90.0)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="sety-chaos-"))
    runs = {}
    for mode in args.modes:
        folder = root / mode
        folder.mkdir(parents=True, exist_ok=True)
        settings = ChaosSettings(
            actions=args.actions,
            seed=args.seed,
            honour=mode == "honoured",
            odds=args.odds,
            kill_after_s=(args.kill[0], args.kill[1]),
            max_s=args.max_minutes * 60,
        )
        runs[mode] = (folder, settings)
    with ThreadPoolExecutor(max_workers=len(runs)) as pool:
        futures = {
            mode: pool.submit(run_chaos, folder, settings) for mode, (folder, settings) in runs.items()
        }
        reports = {mode: future.result() for mode, future in futures.items()}
    for report in reports.values():
        print(json.dumps(report.as_dict()), flush=True)
    return 0 if all(r.exactly_once for r in reports.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
