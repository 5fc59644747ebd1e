"""Lint, types and layer contracts run as part of the suite, so one command checks everything."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name
    found = str(path) if path.exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed; install the test extra: pip install -e '.[test]'")
    return found


def _run(*args: str) -> None:
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{' '.join(args)}\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}"


def test_ruff_lint() -> None:
    _run(_tool("ruff"), "check", "sety_console", "tests", "benchmarks")


def test_ruff_format() -> None:
    _run(_tool("ruff"), "format", "--check", "sety_console", "tests", "benchmarks")


def test_mypy() -> None:
    _run(_tool("mypy"))


def test_import_contracts() -> None:
    _run(_tool("lint-imports"))
