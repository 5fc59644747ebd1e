"""`sety-console sandbox serve`: run the local Sety API sandbox and print its URL and keys."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from platformdirs import user_data_dir


def default_database() -> str:
    """`<user data dir>/sety-console/sandbox.db`."""
    return str(Path(user_data_dir("sety-console")) / "sandbox.db")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["serve"], help="serve: start the server")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 picks a free one)")
    parser.add_argument(
        "--db", metavar="PATH|URL", help=f"SQLite file or database URL (default {default_database()})"
    )
    parser.add_argument(
        "--seed", choices=["demo", "none"], default="demo", help="load demo data on first start"
    )
    parser.add_argument(
        "--speed", type=float, default=1.0, metavar="F", help="simulated time runs F times faster"
    )
    parser.add_argument(
        "--traffic", type=float, default=0.0, metavar="N", help="new demo incidents per minute"
    )
    parser.add_argument("--keys-out", metavar="FILE", help="also write the keys to FILE as JSON (mode 0600)")
    parser.add_argument(
        "--ignore-idempotency-key",
        action="store_true",
        help="ignore the Idempotency-Key header, like a server that does not know it (for testing clients)",
    )


def run(args: argparse.Namespace) -> int:
    from .db import normalise_url
    from .server import SandboxServer

    if args.speed <= 0:
        print("--speed must be a positive number", file=sys.stderr)
        return 2
    if args.traffic < 0:
        print("--traffic must not be negative", file=sys.stderr)
        return 2
    database = normalise_url(args.db or default_database())
    server = SandboxServer(
        database,
        host=args.host,
        port=args.port,
        seed=args.seed,
        speed=args.speed,
        traffic_per_minute=args.traffic,
        honour_idempotency_key=not args.ignore_idempotency_key,
    )
    try:
        server.start()
    except (RuntimeError, OSError) as exc:
        print(f"could not start the sandbox: {exc}", file=sys.stderr)
        return 1
    keys = server.issue_keys()
    print(f"Sety API sandbox at {server.base_url}")
    print(f"database: {database}")
    for role, key in keys.items():
        print(f"  {role:<11} {key}")
    if args.keys_out:
        write_keys(Path(args.keys_out), keys)
        print(f"keys written to {args.keys_out}")
    print("press Ctrl+C to stop", flush=True)
    try:
        while True:
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("stopping… (Ctrl+C again to quit at once)", flush=True)
    try:
        server.stop()
    except KeyboardInterrupt:
        print("quit before the server finished stopping", file=sys.stderr)
        return 130
    return 0


def write_keys(path: Path, keys: dict[str, str]) -> None:
    """Write the keys as JSON, readable by the owner only (0600), replacing any older file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(keys, fh, indent=2)
        fh.write("\n")
