"""`sety-console sandbox serve`: run the local Sety API sandbox and print its URL and keys.

By default it serves the same database as the console's embedded sandbox, so a user who runs it alone
sees the console's data. `--handshake` is the machine mode the console uses for its child process:
one JSON line on stdout when ready (`{"url", "keys", "pid", "database"}`, or `{"in_use": {…}}` when
another process already serves that database), then it runs until its stdin closes — which also
happens when the console is killed, so the child is never left behind.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from sety_console.config import sandbox_database

from .serving import ServingInfo, ServingLock, read_serving, sqlite_file

if TYPE_CHECKING:
    from .server import SandboxServer

EXIT_IN_USE = 3


def default_database() -> str:
    """`<user data dir>/sety-console/sandbox/sandbox.db` (the console's sandbox too)."""
    return str(sandbox_database())


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
        "--handshake",
        action="store_true",
        help="machine mode for the console: one JSON line on stdout when ready; stop when stdin closes",
    )
    parser.add_argument(
        "--ignore-idempotency-key",
        action="store_true",
        help="ignore the Idempotency-Key header, like a server that does not know it (for testing clients)",
    )


def run(args: argparse.Namespace) -> int:
    from .db import normalise_url
    from .server import SandboxServer

    if args.speed <= 0 or args.traffic < 0:
        print("--speed must be a positive number and --traffic not negative", file=sys.stderr)
        return 2
    database = normalise_url(args.db or default_database())
    db_file = sqlite_file(database)
    lock = ServingLock(db_file) if db_file is not None else None
    if lock is not None and not lock.acquire():
        assert db_file is not None
        return _in_use(read_serving(db_file), args.handshake)
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
        try:
            server.start()
        except (RuntimeError, OSError) as exc:
            print(f"could not start the sandbox: {exc}", file=sys.stderr)
            return 1
        keys = server.issue_keys()
        info = ServingInfo(url=server.base_url, pid=os.getpid(), keys=keys, database=database)
        if lock is not None:
            lock.publish(info)
        if args.handshake:
            return _serve_for_parent(server, info)
        return _serve_interactive(server, info, args.keys_out)
    finally:
        if lock is not None:
            lock.release()


def _in_use(info: ServingInfo | None, handshake: bool) -> int:
    if handshake:
        print(json.dumps({"in_use": info.to_json() if info else None}), flush=True)
        return EXIT_IN_USE
    if info is None:
        print("This sandbox database is being opened by another sandbox; try again in a moment.")
        return EXIT_IN_USE
    print(f"This sandbox database is already served at {info.url}")
    print(f"(process {info.pid}: the console's sandbox or another `sety-console sandbox serve`).")
    for role, key in info.keys.items():
        print(f"  {role:<11} {key}")
    return EXIT_IN_USE


def _serve_for_parent(server: SandboxServer, info: ServingInfo) -> int:
    """Report readiness on stdout, then serve until the parent closes our stdin (or dies)."""
    print(json.dumps(info.to_json()), flush=True)
    closed = threading.Event()

    def watch_stdin() -> None:
        try:
            while sys.stdin.buffer.read(4096):
                pass
        finally:
            closed.set()

    threading.Thread(target=watch_stdin, name="parent-watch", daemon=True).start()
    closed.wait()
    server.stop()
    return 0


def _serve_interactive(server: SandboxServer, info: ServingInfo, keys_out: str | None) -> int:
    keys = info.keys
    print(f"Sety API sandbox at {info.url}")
    print(f"database: {info.database}")
    for role, key in keys.items():
        print(f"  {role:<11} {key}")
    if keys_out:
        write_keys(Path(keys_out), keys)
        print(f"keys written to {keys_out}")
    print("press Ctrl+C to stop", flush=True)
    stop = threading.Event()
    try:
        stop.wait()
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
