"""Files shipped inside the package (`sety_console/resources`), found installed or frozen alike."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """Filesystem path of a bundled resource, e.g. `resource_path("sounds", "sos.wav")`."""
    root = resources.files("sety_console.resources")
    return Path(str(root.joinpath(*parts)))
