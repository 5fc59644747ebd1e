"""The window paints before the heavy modules load (issue 12: first paint ≤ 0.5 s): what runs before the
first paint must not import the api models, httpx, folium or pyqtgraph."""

from __future__ import annotations

import subprocess
import sys

BEFORE_FIRST_PAINT = (
    "sety_console.cli",
    "sety_console.app.console",
    "sety_console.ui.map.tile_scheme",
    "sety_console.ui.common.theme",
    "sety_console.ui.main_window",
)
HEAVY = ("sety_console.api", "httpx", "folium", "pyqtgraph", "keyring", "sqlalchemy")


def test_nothing_heavy_is_imported_before_the_first_paint() -> None:
    code = (
        f"import importlib, sys\nfor m in {BEFORE_FIRST_PAINT!r}: importlib.import_module(m)\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
