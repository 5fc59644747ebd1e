"""The `sety-console` command: starts the console, or runs one of its subcommands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sety_console import __version__

WORKSPACES = ("control-room", "map", "gate", "supervisor")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sety-console",
        description=(
            "Sety Console: a desktop dispatcher console for the Sety emergency-response API. "
            "With no API key configured it starts a local sandbox server with demo data."
        ),
    )
    parser.add_argument("--version", action="version", version=f"sety-console {__version__}")
    parser.add_argument("--api-url", help="Sety API base URL (default: $SETY_API_URL, else the sandbox)")
    parser.add_argument("--workspace", choices=WORKSPACES, help="open this workspace first")
    parser.add_argument("--screenshot", metavar="PATH", help="load data, save a PNG of the window, exit")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from sety_console.app import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
