"""Fixtures for the packaging checks (fast: they read files; nothing here builds the bundle)."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from tests.packaging.paths import ROOT


@pytest.fixture(scope="session")
def pyproject() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)


@pytest.fixture(scope="session")
def command_name(pyproject: dict[str, Any]) -> str:
    """The installed command (`[project.scripts]`); the bundle's binary has the same name."""
    (name,) = pyproject["project"]["scripts"]
    return str(name)
