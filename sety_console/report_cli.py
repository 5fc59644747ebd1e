"""`sety-console report`: the shift-handover report as a PDF, headless, for a schedule (cron, systemd).

    sety-console report --from 2026-03-10T06:00Z --to 2026-03-10T18:00Z --out handover.pdf
    sety-console report --hours 8 --out last-shift.pdf --api-url https://intel-api.sety.io/v1/external
    sety-console report --sandbox --out demo.pdf        # the console's demo sandbox

A composition root like `app.py`: it resolves the server with the console's own code (`connect.servers`:
the URL saved by File → Connection… or given by `--api-url` / `SETY_API_URL`, the key from the keyring
or `SETY_API_KEY`; `--sandbox` joins or starts the profile's sandbox) and gathers the data with the
function the in-app report uses — the operator activity and the alarm KPIs from the audit trail and the
alarm history in that server's profile folder, the files the console writes.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from sety_console.api.models import Category, Severity
from sety_console.core.handover import HandoverFilters, HandoverWindow, gather_handover, sources_from_client
from sety_console.core.local_time import DEMO_ZONE, LocalZone, ZoneError, load_zone

if TYPE_CHECKING:
    from pathlib import Path

    from sety_console.api import SetyClient
    from sety_console.connect.servers import Server
    from sety_console.core.handover import HandoverSources

__all__ = ["add_arguments", "client_sources", "parse_moment", "run"]

log = logging.getLogger(__name__)
DEFAULT_API_URL = "https://intel-api.sety.io/v1/external"
DEFAULT_HOURS = 12.0


class ReportSetupError(Exception):
    """The report cannot start (arguments, URL, key); the message says what to do."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from", dest="start", metavar="ISO", help="shift start, e.g. 2026-03-10T06:00Z (no zone = UTC)"
    )
    parser.add_argument("--to", dest="end", metavar="ISO", help="shift end (default: now)")
    parser.add_argument(
        "--hours",
        type=float,
        default=DEFAULT_HOURS,
        help=f"shift length when --from is not given (default {DEFAULT_HOURS:g})",
    )
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")
    parser.add_argument(
        "--api-url", dest="report_api_url", metavar="URL", help="Sety API base URL (default: $SETY_API_URL)"
    )
    parser.add_argument(
        "--category", metavar="LIST", help="only these categories, comma-separated (e.g. sos,vehicle)"
    )
    parser.add_argument(
        "--severity", metavar="LIST", help="only these severities, comma-separated (e.g. critical,high)"
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="report on the console's demo sandbox (no URL or key needed)",
    )


def parse_moment(text: str, what: str) -> datetime:
    """An ISO 8601 time (`Z`, an offset, or none meaning UTC) as aware UTC; `ReportSetupError` otherwise."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ReportSetupError(
            f"{what} {text!r} is not an ISO time: write it like 2026-03-10T06:00Z."
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _values(text: str | None, enum: type[StrEnum], what: str) -> tuple[str, ...]:
    if not text:
        return ()
    allowed = [member.value for member in enum]
    chosen = tuple(part.strip().lower() for part in text.split(",") if part.strip())
    for value in chosen:
        if value not in allowed:
            raise ReportSetupError(f"Unknown {what} {value!r}: choose from {', '.join(allowed)}.")
    return chosen


def _window(args: argparse.Namespace, now: datetime | None = None) -> HandoverWindow:
    end = parse_moment(args.end, "--to") if args.end else (now or datetime.now(UTC))
    if args.start:
        start = parse_moment(args.start, "--from")
    elif args.hours > 0:
        start = end - timedelta(hours=args.hours)
    else:
        raise ReportSetupError("--hours must be more than 0.")
    try:
        return HandoverWindow(start, end)
    except ValueError as exc:
        raise ReportSetupError(
            f"{exc} (--from {start:%Y-%m-%d %H:%M}, --to {end:%Y-%m-%d %H:%M} UTC)"
        ) from None


def _filters(args: argparse.Namespace) -> HandoverFilters:
    return HandoverFilters(
        _values(args.category, Category, "category"), _values(args.severity, Severity, "severity")
    )


def _records_dir(args: argparse.Namespace, server: Server) -> Path:
    """Where the console keeps its audit trail and alarm history: the server's profile folder; for the
    demo sandbox (read here with the supervisor's key), that of the console's role (`--sandbox-role`)."""
    from sety_console.connect.servers import profile_dir, sandbox_profile

    if args.sandbox:
        return profile_dir(sandbox_profile(getattr(args, "sandbox_role", None) or "admin"))
    return server.profile_dir


async def _open_server(args: argparse.Namespace) -> Server:
    """The server the console itself would use (saved URL, `SETY_API_URL`, keyring, `SETY_API_KEY`),
    or with `--sandbox` the profile's demo sandbox (the one the console shows)."""
    from sety_console import config
    from sety_console.connect.servers import configured_api, remote_server, sandbox_server

    settings = config.load_settings()
    if args.sandbox:
        server = sandbox_server(settings, "supervisor")
        await server.ready()
        return server
    url = args.report_api_url or getattr(args, "api_url", None) or settings.api_url
    configured = await asyncio.to_thread(configured_api, url)
    if configured is None:
        raise ReportSetupError(
            "No Sety API is configured: save one in the console (File → Connection…), or pass --api-url "
            "(or set SETY_API_URL) with SETY_API_KEY. For a demo report, use --sandbox."
        )
    url, key = configured
    if key is None:
        raise ReportSetupError(
            f"No API key for {url}: save it in the console (File → Connection…) or set SETY_API_KEY."
        )
    return remote_server(url, key)


def client_sources(client: SetyClient) -> HandoverSources:
    """Report sources over a `SetyClient` (the core's, the same reads as the console's report)."""
    return sources_from_client(client)


def _zone(args: argparse.Namespace) -> LocalZone:
    """The zone the report's times are in: the console's setting, Lagos for the demo sandbox."""
    from sety_console.config import load_settings

    setting = load_settings().time_zone
    try:
        return load_zone(setting or (DEMO_ZONE if args.sandbox else None))
    except ZoneError as exc:
        raise ReportSetupError(f"time_zone in settings.json: {exc}") from None


async def _gather_and_write(
    args: argparse.Namespace, window: HandoverWindow, filters: HandoverFilters, zone: LocalZone
) -> int:
    from sety_console.core.handover.report_html import build_report_html, report_title
    from sety_console.core.shift_records import ShiftRecords
    from sety_console.report_pdf import build_report_document, write_pdf

    server = await _open_server(args)
    records = ShiftRecords.open(_records_dir(args, server))
    sources = sources_from_client(server.client)
    sources.records = records
    try:
        data = await gather_handover(window, sources, filters)
    finally:
        await records.close()
        await server.aclose()
    source = "the console's demo sandbox" if args.sandbox else server.client.base_url
    title = report_title(data, zone)
    path = write_pdf(build_report_document(build_report_html(data, zone, source), title), args.out, title)
    print(
        f"Wrote {path}: {len(data.still_open)} still open, {len(data.opened)} opened, "
        f"{len(data.closed)} closed, {len(data.breaches)} SLA breaches, {len(data.notes)} notes, "
        f"{len(data.visitors)} visitors inside, {data.records_summary()}."
    )
    for warning in data.warnings:
        print(f"Warning: {warning}", file=sys.stderr)
    return 0


def run(args: argparse.Namespace) -> int:
    """Write the report; 0 when written, 1 when the server or the disk failed, 2 for bad arguments."""
    from sety_console.api.errors import SetyError
    from sety_console.connect.sandbox_child import SandboxStartError
    from sety_console.report_pdf import ReportError, ensure_gui_application

    try:
        window, filters, zone = _window(args), _filters(args), _zone(args)
    except ReportSetupError as exc:
        print(f"sety-console report: {exc}", file=sys.stderr)
        return 2
    ensure_gui_application()
    if args.sandbox:
        print("Using the console's demo sandbox (starting it if it is not running)…", file=sys.stderr)
    try:
        return asyncio.run(_gather_and_write(args, window, filters, zone))
    except ReportSetupError as exc:
        print(f"sety-console report: {exc}", file=sys.stderr)
        return 2
    except (SetyError, ReportError, SandboxStartError, OSError) as exc:
        print(f"sety-console report: the report could not be written: {exc}", file=sys.stderr)
        return 1
