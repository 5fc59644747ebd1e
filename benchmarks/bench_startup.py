"""Start-up: time to first paint and to first data, cold and warm, and the memory of the console.

Runs the real `sety-console` (offscreen, its own fresh user dirs) twice: a cold start (no sandbox
database, no snapshot, no map page yet) and a warm start (everything left by the first run). The console
writes its milestones to `SETY_STARTUP_TRACE` (`app/startup_trace.py`): the main window's first paint,
the first paint of the queue with rows in it, the map's first drawn push. Times count from the moment
the process is launched. After the map is drawn (and a settling second) the resident memory of the
console process and, apart, of its sandbox child are read from /proc, then the console is ended.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_startup.py [--runs 3]

The baseline in the same run is the floor: launch → first paint of an empty PySide6 window with
QtWebEngine loaded (`qt_floor_paint_s`), which no console can beat on this machine.

Prints each run to stderr and, last, one JSON line (medians of the warm runs):
{"first_paint_cold_s": …, "first_data_cold_s": …, "first_paint_warm_s": …, "first_data_warm_s": …,
 "console_rss_mb": …, "sandbox_rss_mb": …, "qt_floor_paint_s": …}
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TIMEOUT_S = 180.0
SETTLE_S = 1.0


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _sandbox_child(pid: int) -> int | None:
    for child in _children(pid):
        if b"sandbox" in Path(f"/proc/{child}/cmdline").read_bytes():
            return child
    return None


def _events(trace: Path) -> dict[str, float]:
    if not trace.exists():
        return {}
    lines = [json.loads(line) for line in trace.read_text().splitlines() if line.strip()]
    return {line["event"]: line["t"] for line in lines}


FLOOR = """
import json, sys, time
import PySide6.QtWebEngineWidgets
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class Painted(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print(json.dumps(time.time()), flush=True)
            QTimer.singleShot(0, app.quit)
        return False

app = QApplication(sys.argv[:1])
window = QMainWindow()
painted = Painted()
window.installEventFilter(painted)
window.resize(1600, 1000)
window.show()
app.exec()
"""


def qt_floor() -> float:
    """Launch → first paint of an empty PySide6 window (QtWebEngine loaded): the floor on this machine."""
    launched = time.time()
    out = subprocess.run(
        [sys.executable, "-c", FLOOR], capture_output=True, text=True, timeout=60, env={**os.environ}
    ).stdout
    return round(float(out.strip().splitlines()[-1]) - launched, 3)


def one_start(home: Path, label: str) -> dict[str, float]:
    """Launch the console once; its milestones (s after launch) and memory (MB)."""
    trace = home / f"trace-{label}.jsonl"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "SETY_STARTUP_TRACE": str(trace),
        "SETY_OPERATOR_NAME": "Bench Operator",  # the first start would otherwise ask who works here
        **{var: str(home / var.lower()) for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME")},
    }
    env.pop("SETY_API_KEY", None)
    env.pop("SETY_API_URL", None)
    launched = time.time()
    console = subprocess.Popen(
        [sys.executable, "-m", "sety_console"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while not {"paint", "data", "map"} <= _events(trace).keys():
            if console.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{label}: the console ended or stalled; milestones {_events(trace)}")
            time.sleep(0.05)
        time.sleep(SETTLE_S)
        sandbox = _sandbox_child(console.pid)
        result = {name: round(t - launched, 3) for name, t in _events(trace).items()}
        result["console_rss_mb"] = round(_rss_mb(console.pid), 1)
        result["sandbox_rss_mb"] = round(_rss_mb(sandbox), 1) if sandbox else 0.0
    finally:
        console.send_signal(signal.SIGTERM)
        try:
            console.wait(30)
        except subprocess.TimeoutExpired:
            console.kill()
            console.wait()
    print(f"{label}: {result}", file=sys.stderr)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="warm starts after the cold one (default 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sety-bench-startup-") as folder:
        home = Path(folder)
        floors = [qt_floor() for _ in range(args.runs)]
        print(f"empty Qt window, first paint: {floors}", file=sys.stderr)
        cold = one_start(home, "cold")
        warm = [one_start(home, f"warm{i + 1}") for i in range(args.runs)]

    def median(key: str) -> float:
        return round(statistics.median(run[key] for run in warm), 3)

    print(
        json.dumps(
            {
                "first_paint_cold_s": cold["paint"],
                "first_data_cold_s": cold["data"],
                "first_paint_warm_s": median("paint"),
                "first_data_warm_s": median("data"),
                "console_rss_mb": median("console_rss_mb"),
                "sandbox_rss_mb": median("sandbox_rss_mb"),
                "qt_floor_paint_s": statistics.median(floors),
            }
        )
    )


if __name__ == "__main__":
    main()
