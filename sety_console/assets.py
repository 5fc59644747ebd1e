"""Where the bundled files (icons, sounds, themes, the map page's scripts) live.

In a checkout they are the top-level `resources/` folder; the wheel and the PyInstaller bundle carry the
same folder as `sety_console/resources`.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resources_root() -> Path:
    """The folder holding `icons/`, `sounds/`, `themes/`, `leaflet/` and `map/`."""
    installed = _PACKAGE / "resources"
    return installed if installed.is_dir() else _PACKAGE.parent / "resources"


def asset_path(*parts: str) -> Path:
    """Filesystem path of a bundled file, e.g. `asset_path("sounds", "sos.wav")`."""
    return resources_root().joinpath(*parts)
