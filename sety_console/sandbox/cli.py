"""`sety-console sandbox …`: placeholder until the sandbox server lands."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["serve"], help="serve: start the server")


def run(args: argparse.Namespace) -> int:
    raise SystemExit("the sandbox server is not built yet")
