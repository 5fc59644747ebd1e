"""CSV export of the access log: every page matching the active filters, written atomically."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from sety_console.api.models import AccessLog
from sety_console.core.local_time import display_zone, iso_text

from .gate_session import GateSession
from .log_filters import AccessLogFilters

EXPORT_PAGE_SIZE = 100  # the contract's largest page
MAX_PAGES = 10_000  # a guard against a server that never says "no more"

CSV_HEADER = (
    "log_id",
    "status",
    "checked_in_at",
    "checked_out_at",
    "duration_minutes",
    "visitor_name",
    "visitor_phone",
    "visitor_id_number",
    "host_name",
    "host_unit",
    "purpose",
    "gate",
    "checkout_gate",
    "vehicle_plate",
    "method",
    "access_code",
    "checkout_notes",
    "created_by",
)


async def fetch_all(
    session: GateSession,
    filters: AccessLogFilters,
    *,
    page_size: int = EXPORT_PAGE_SIZE,
    progress: Callable[[int, int], object] | None = None,
) -> list[AccessLog]:
    """Every access log matching `filters`, page after page; `progress(fetched, total)` after each."""
    logs: list[AccessLog] = []
    seen: set[str] = set()
    for page in range(1, MAX_PAGES + 1):
        result = await session.list_access_logs(**filters.query(), page=page, limit=page_size)
        fresh = [
            log for log in result.data if log.log_id not in seen
        ]  # rows shift if visits arrive meanwhile
        seen.update(log.log_id for log in fresh)
        logs.extend(fresh)
        if progress is not None:
            progress(len(logs), result.pagination.total)
        if not result.pagination.has_more or not result.data:
            break
    return logs


def csv_row(log: AccessLog) -> list[str]:
    """One visit as CSV cells: ISO 8601 times with the display zone's offset, empty cells for unknowns."""
    zone = display_zone()
    values: dict[str, object] = {
        "status": log.status.value,
        "method": log.method.value,
        "checked_in_at": iso_text(log.checked_in_at, zone),
        "checked_out_at": iso_text(log.checked_out_at, zone) or None,
    }
    return [_cell(values[key] if key in values else getattr(log, key)) for key in CSV_HEADER]


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A cell a spreadsheet would run as a formula (=, @, or +/- not starting a number) is quoted.
    if text[:1] in ("=", "@") or (text[:1] in ("+", "-") and not text[1:2].isdigit()):
        return "'" + text
    return text


def write_csv(logs: Iterable[AccessLog], path: Path) -> int:
    """Write `logs` to `path` (UTF-8 with BOM for spreadsheets) via a temp file; returns the row count."""
    path = Path(path)
    handle, temp_name = tempfile.mkstemp(prefix=".export-", suffix=".csv", dir=path.parent)
    count = 0
    try:
        with os.fdopen(handle, "w", newline="", encoding="utf-8-sig") as stream:
            writer = csv.writer(stream)
            writer.writerow(CSV_HEADER)
            for log in logs:
                writer.writerow(csv_row(log))
                count += 1
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return count


async def export_access_logs(
    session: GateSession,
    filters: AccessLogFilters,
    path: Path,
    *,
    progress: Callable[[int, int], object] | None = None,
) -> int:
    """Fetch every page matching `filters` and write them to `path`; returns the number of visits."""
    logs = await fetch_all(session, filters, progress=progress)
    return write_csv(logs, path)
