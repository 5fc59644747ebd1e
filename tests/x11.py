"""Run a test again on a real X11 display (Xvfb), where the platform's own keys and screen apply.

Offscreen Qt has no keyboard scheme: a text field there takes none of the X11 editing keys (Ctrl+E is
"end of line" on Linux desktops), so a key test that passes offscreen can still fail for an operator.
`run_under_x11` runs the given test in a child pytest on an Xvfb screen; the child sees `X11_RUN` set.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

X11_RUN = "SETY_TEST_UNDER_X11"
ROOT = Path(__file__).resolve().parent.parent


def under_x11() -> bool:
    """True inside the child run started by `run_under_x11`."""
    return os.environ.get(X11_RUN) == "1"


def run_under_x11(node_ids: list[str], screen: str = "1920x1080", timeout_s: float = 180.0) -> None:
    """Run the tests `node_ids` (path::name) in one child pytest on an Xvfb screen of `screen` pixels;
    fail with its output unless every one passed (a skip there is a failure here); skip when this
    machine has no Xvfb."""
    if shutil.which("xvfb-run") is None:
        pytest.skip("xvfb-run is not installed: the X11 key bindings cannot be checked here")
    env = {**os.environ, X11_RUN: "1", "QT_QPA_PLATFORM": "xcb"}
    command = [
        "xvfb-run",
        "-a",
        "-s",
        f"-screen 0 {screen}x24",
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:xdist",
        *node_ids,
    ]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout_s)
    everything = f"{len(node_ids)} passed" in done.stdout and " skipped" not in done.stdout
    output = f"{done.stdout[-6000:]}\n{done.stderr[-2000:]}"
    assert done.returncode == 0, f"under X11 ({screen}): a test failed\n{output}"
    assert everything, f"under X11 ({screen}): not every test ran and passed\n{output}"
