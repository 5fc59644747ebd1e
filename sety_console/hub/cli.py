"""`sety-console hub …`: run the control-room hub and manage its operators.

    sety-console hub serve --db postgresql+psycopg://sety:…@db/sety_hub --api-url URL [--host H --port P]
                           [--certfile cert.pem --keyfile key.pem] [--public-url https://hub.example:8443]
                           [--hub-id NAME]
    sety-console hub add-operator NAME      prints the operator's token once (only its hash is kept)
    sety-console hub revoke-operator NAME   refused at once, also on an open stream
    sety-console hub list-operators

The organisation's key comes from `SETY_API_KEY` or the OS keyring (saved for the API URL, as the
console does); it is never printed, logged or sent to a workstation.

Several hubs may serve one control room from one PostgreSQL database (one leads, the others take over
within seconds); a SQLite database is for one hub, and a second hub pointed at it refuses to start.
With `--public-url` (where Sety can reach this hub) the leader registers a webhook endpoint and changes
arrive pushed; the organisation's key then needs the `admin` scope.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
from pathlib import Path

from platformdirs import user_data_dir

DEFAULT_API_URL = "https://intel-api.sety.io/v1/external"
ACTIONS = ("serve", "add-operator", "revoke-operator", "list-operators")


def default_database() -> str:
    """`<user data dir>/sety-console/hub.db` (SQLite: one machine)."""
    return str(Path(user_data_dir("sety-console")) / "hub.db")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=ACTIONS, help="what to do")
    parser.add_argument("name", nargs="?", help="the operator (add-operator, revoke-operator)")
    parser.add_argument(
        "--db",
        metavar="PATH|URL",
        help=f"SQLite file or database URL, e.g. postgresql+psycopg://… (default {default_database()})",
    )
    parser.add_argument(
        "--api-url",
        default=os.environ.get("SETY_API_URL", DEFAULT_API_URL),
        help="the Sety API base URL (default $SETY_API_URL, else production)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0: every interface)")
    parser.add_argument("--port", type=int, default=8443, help="port (default 8443; 0 picks a free one)")
    parser.add_argument("--certfile", help="TLS certificate (PEM); with --keyfile the hub speaks HTTPS/WSS")
    parser.add_argument("--keyfile", help="TLS private key (PEM)")
    parser.add_argument(
        "--operator-rate",
        type=int,
        default=600,
        metavar="N",
        help="requests a minute each operator may make to the hub (default 600)",
    )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="where Sety can reach this hub (e.g. https://hub.example:8443): webhooks push changes at once",
    )
    parser.add_argument(
        "--hub-id",
        help="this hub's name among the hubs of one database (default: host name and port)",
    )
    parser.add_argument(
        "--push-poll-interval",
        type=float,
        default=5.0,
        metavar="S",
        help="seconds between safety-net polls while webhooks flow (default 5)",
    )
    parser.add_argument("--log-level", default="info", choices=("debug", "info", "warning", "error"))


def run(args: argparse.Namespace) -> int:
    from .db import HubDatabase, normalise_url
    from .operators import OperatorBook, OperatorError

    database = normalise_url(args.db or default_database())
    if args.action == "serve":
        return _serve(args, database)
    if args.action in ("add-operator", "revoke-operator") and not args.name:
        print(f"hub {args.action} needs the operator's name", file=sys.stderr)
        return 2
    try:
        db = HubDatabase(database)
    except Exception as exc:  # a wrong URL, an unreachable server, a missing driver
        print(f"could not open the hub database: {exc}", file=sys.stderr)
        return 1
    book = OperatorBook(db)
    try:
        if args.action == "add-operator":
            token = book.add(args.name)
            print(f"operator {args.name.strip()!r} added; their hub token (shown once, keep it secret):")
            print(token)
        elif args.action == "revoke-operator":
            book.revoke(args.name)
            print(f"operator {args.name!r} revoked: their token is refused from now on")
        else:
            for operator in book.list():
                state = "active" if operator.active else f"revoked {operator.revoked_at:%Y-%m-%d %H:%M} UTC"
                print(f"{operator.name:<30} since {operator.created_at:%Y-%m-%d %H:%M} UTC  {state}")
    except OperatorError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        db.close()
    return 0


def _serve(args: argparse.Namespace, database: str) -> int:
    import uvicorn

    from sety_console.credentials import load_api_key

    from .hub import HubConfig
    from .server import uvicorn_config

    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if bool(args.certfile) != bool(args.keyfile):
        print("give both --certfile and --keyfile for TLS", file=sys.stderr)
        return 2
    api_key = load_api_key(args.api_url)
    if not api_key:
        print(
            "no Sety API key: set SETY_API_KEY or save one in the OS keyring for " + args.api_url,
            file=sys.stderr,
        )
        return 2
    problem = _second_hub(database)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    config = HubConfig(
        database_url=database,
        api_url=args.api_url,
        api_key=api_key,
        operator_rate_per_minute=args.operator_rate,
        hub_id=args.hub_id or f"{socket.gethostname()}:{args.port}",
        public_url=args.public_url,
        push_poll_interval_s=args.push_poll_interval,
    )
    scheme = "https" if args.certfile else "http"
    print(f"control-room hub for {args.api_url}")
    print(f"database: {_without_password(database)} (hub {config.hub_id})")
    if args.public_url:
        print(f"webhooks: Sety will post to {args.public_url.rstrip('/')}/hub/v1/webhooks/sety")
    print(
        f"workstations: API URL {scheme}://{args.host}:{args.port}/v1/external with an operator token",
        flush=True,
    )
    server_config = uvicorn_config(
        config, args.host, args.port, certfile=args.certfile, keyfile=args.keyfile, log_level=args.log_level
    )
    if args.log_level != "debug":
        logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per poll is noise
    try:
        uvicorn.Server(server_config).run()
    except (OSError, SystemExit) as exc:
        print(f"the hub stopped: {exc}", file=sys.stderr)
        return 1
    return 0


def _second_hub(database: str) -> str | None:
    """Why this hub cannot start on `database` (another hub holds its SQLite file), if it cannot."""
    from .db import HubDatabase
    from .leader import SecondHubError, lock_sqlite, unlock_sqlite

    if "://" in database and not database.startswith("sqlite"):
        return None
    db = HubDatabase(database)
    try:
        handle = lock_sqlite(db)
        if handle is not None:
            unlock_sqlite(handle)
    except SecondHubError as exc:
        return str(exc)
    finally:
        db.close()
    return None


def _without_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
