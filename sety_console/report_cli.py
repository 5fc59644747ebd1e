"""`sety-console report`: the shift-handover report as a PDF, headless, for a schedule (cron, systemd).

    sety-console report --from 2026-03-10T06:00Z --to 2026-03-10T18:00Z --out handover.pdf
    sety-console report --hours 8 --out last-shift.pdf --api-url https://intel-api.sety.io/v1/external
    sety-console report --sandbox --out demo.pdf        # a temporary local sandbox with demo data

A composition root like `app.py`: it builds a `SetyClient` from the same key sources as the console
(`SETY_API_KEY` or the OS keyring for the URL from `--api-url` / `SETY_API_URL`) and gathers the data
with the function the in-app report uses.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sety_console.api.models import Category, Severity
from sety_console.core.handover import HandoverFilters, HandoverWindow, gather_handover, sources_from_client
from sety_console.core.local_time import DEMO_ZONE, LocalZone, ZoneError, load_zone
from sety_console.credentials import load_api_key

if TYPE_CHECKING:
    from sety_console.api import SetyClient
    from sety_console.core.handover import HandoverSources

__all__ = ["add_arguments", "client_sources", "parse_moment", "run"]

log = logging.getLogger(__name__)
DEFAULT_API_URL = "https://intel-api.sety.io/v1/external"
DEFAULT_HOURS = 12.0
SANDBOX_DEMO_HISTORY = 1500
"""Past incidents the temporary `--sandbox` invents (fewer than the console's demo: starts faster)."""


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
        help="run against a temporary local sandbox with demo data (no URL or key needed)",
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


def _connection(args: argparse.Namespace) -> tuple[str, str]:
    """(URL, key) from the arguments and the console's key sources, or a message saying what is missing."""
    url = args.report_api_url or getattr(args, "api_url", None) or os.environ.get("SETY_API_URL")
    key = load_api_key(url or DEFAULT_API_URL)
    if url is None and key is None:
        raise ReportSetupError(
            "A Sety API URL and key are needed: pass --api-url (or set SETY_API_URL) and set SETY_API_KEY "
            "(or save the key in the console under File → Connection…). For a demo report, use --sandbox."
        )
    if key is None:
        raise ReportSetupError(
            f"No API key for {url}: set SETY_API_KEY, or save the key for this URL in the console "
            "(File → Connection…)."
        )
    return url or DEFAULT_API_URL, key


def client_sources(client: SetyClient) -> HandoverSources:
    """Report sources over a `SetyClient` (the core's, shared with nothing but this command)."""
    return sources_from_client(client)


def _zone(args: argparse.Namespace) -> LocalZone:
    """The zone the report's times are in: the console's setting, Lagos for the demo sandbox."""
    from sety_console.config import load_settings

    setting = load_settings().time_zone
    try:
        return load_zone(setting or (DEMO_ZONE if args.sandbox else None))
    except ZoneError as exc:
        raise ReportSetupError(f"time_zone in settings.json: {exc}") from None


@dataclass
class _Target:
    url: str
    key: str
    stop: Any = None


def _start_sandbox() -> _Target:
    from sety_console.sandbox.server import SandboxServer

    folder = tempfile.TemporaryDirectory(prefix="sety-report-sandbox-")
    server = SandboxServer(
        f"sqlite:///{folder.name}/sandbox.db", seed="demo", demo_history_count=SANDBOX_DEMO_HISTORY
    )
    server.start()

    def stop() -> None:
        server.stop()
        folder.cleanup()

    return _Target(server.base_url, server.issue_keys()["supervisor"], stop)


async def _gather_and_write(
    args: argparse.Namespace,
    target: _Target,
    window: HandoverWindow,
    filters: HandoverFilters,
    zone: LocalZone,
) -> int:
    from sety_console.api import SetyClient
    from sety_console.core.handover.report_html import build_report_html, report_title
    from sety_console.report_pdf import build_report_document, write_pdf

    async with SetyClient(target.url, target.key) as client:
        data = await gather_handover(window, sources_from_client(client), filters)
    source = "a temporary demo sandbox" if args.sandbox else target.url
    title = report_title(data, zone)
    document = build_report_document(build_report_html(data, zone, source), title)
    path = write_pdf(document, args.out, title)
    print(
        f"Wrote {path}: {len(data.still_open)} still open, {len(data.opened)} opened, "
        f"{len(data.closed)} closed, {len(data.breaches)} SLA breaches, {len(data.notes)} notes, "
        f"{len(data.visitors)} visitors inside."
    )
    for warning in data.warnings:
        print(f"Warning: {warning}", file=sys.stderr)
    return 0


def run(args: argparse.Namespace) -> int:
    """Write the report; 0 when written, 1 when the server or the disk failed, 2 for bad arguments."""
    from sety_console.api.errors import SetyError
    from sety_console.report_pdf import ReportError, ensure_gui_application

    try:
        window, filters, zone = _window(args), _filters(args), _zone(args)
        target = None if args.sandbox else _Target(*_connection(args))
    except ReportSetupError as exc:
        print(f"sety-console report: {exc}", file=sys.stderr)
        return 2
    ensure_gui_application()
    try:
        if target is None:
            print("Starting a temporary sandbox with demo data…", file=sys.stderr)
            target = _start_sandbox()
        return asyncio.run(_gather_and_write(args, target, window, filters, zone))
    except (SetyError, ReportError, OSError) as exc:
        print(f"sety-console report: the report could not be written: {exc}", file=sys.stderr)
        return 1
    finally:
        if target is not None and target.stop is not None:
            target.stop()
