"""The `sety-console` command: starts the console, or runs one of its subcommands.

Subcommands register themselves through `SUBCOMMANDS`: each entry names a module with
`add_arguments(parser)` and `run(args) -> int`, imported only when that subcommand runs.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from sety_console import __version__

WORKSPACES = ("control-room", "map", "gate", "supervisor")

SUBCOMMANDS: dict[str, tuple[str, str]] = {
    # name: (module, help)
    "sandbox": ("sety_console.sandbox.cli", "run the local Sety API sandbox server"),
    "report": ("sety_console.report_cli", "write the shift-handover report as a PDF (headless)"),
    "hub": (
        "sety_console.hub.cli",
        "run the control-room hub (one key, one poll, shared alarms) or manage its operators",
    ),
}


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The command line; only the subcommand named in `argv` is imported (start-up stays fast)."""
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
    parser.add_argument(
        "--window-size",
        type=window_size,
        metavar="WxH",
        help="with --screenshot: this window size (default: what fits the screen)",
    )
    parser.add_argument(
        "--sandbox-role",
        choices=("admin", "operator", "guard", "supervisor"),
        help="with the embedded sandbox: sign in with this role's key (default admin: every workspace)",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="open every workspace offscreen against the embedded sandbox, check the map, exit 0 if all work",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = next((arg for arg in argv if arg in SUBCOMMANDS), None)  # not an option's value
    for name, (module, help_text) in SUBCOMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        sub_parser.set_defaults(_module=module)
        if name == chosen:
            _subcommand(module).add_arguments(sub_parser)
    return parser


def window_size(text: str) -> tuple[int, int]:
    """`1366x768` → (1366, 768); argparse reports anything else as a usage error."""
    width, sep, height = text.lower().partition("x")
    if not (sep and width.isdigit() and height.isdigit() and int(width) >= 320 and int(height) >= 240):
        raise argparse.ArgumentTypeError(
            f"expected WIDTHxHEIGHT of at least 320x240, e.g. 1366x768; got {text!r}"
        )
    return int(width), int(height)


def _subcommand(module: str):  # type: ignore[no-untyped-def]
    return importlib.import_module(module)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(arguments).parse_args(arguments)
    if args.command:
        return int(_subcommand(args._module).run(args))
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if args.self_test or (args.screenshot and headless):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from sety_console.app import run

    return run(args, out=print)


if __name__ == "__main__":
    sys.exit(main())
