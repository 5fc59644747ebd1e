"""A faithful local Sety API server: the contract's 27 operations, simulated responders, demo data.

    from sety_console.sandbox import SandboxServer, SandboxConfig, SandboxClock, create_app

The names are loaded on first use, so importing a submodule (or the `sety-console` command line)
does not pull in the web stack.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app
    from .clock import SandboxClock
    from .config import SandboxConfig
    from .server import SandboxServer

__all__ = ["SandboxClock", "SandboxConfig", "SandboxServer", "create_app"]

_HOMES = {
    "create_app": ".app",
    "SandboxClock": ".clock",
    "SandboxConfig": ".config",
    "SandboxServer": ".server",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
