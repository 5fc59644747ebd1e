"""The access log's filters, shared by the list, its pages and the CSV export (no Qt here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sety_console.api.models import AccessLogStatus

MAX_SEARCH = 100


@dataclass(frozen=True, slots=True)
class AccessLogFilters:
    """What the guard asked for; None means "any". Dates are whole days, both inclusive."""

    status: AccessLogStatus | None = None
    gate: str | None = None
    from_date: date | None = None
    to_date: date | None = None
    search: str | None = None

    def problem(self) -> str | None:
        """A sentence when the filters cannot be sent as they are, else None."""
        if self.from_date and self.to_date and self.from_date > self.to_date:
            return "The 'from' day is after the 'to' day: swap them or clear one."
        if self.search and len(self.search) > MAX_SEARCH:
            return f"Search: at most {MAX_SEARCH} characters."
        if self.gate and len(self.gate) > MAX_SEARCH:
            return f"Gate: at most {MAX_SEARCH} characters."
        return None

    def query(self) -> dict[str, Any]:
        """Keyword arguments of `list_access_logs` (filters only; page and limit are added by callers)."""
        return {
            "status": self.status,
            "gate": self.gate or None,
            "from_date": self.from_date,
            "to_date": self.to_date,
            "search": self.search or None,
        }

    def describe(self) -> str:
        """`checked out · Main Gate · 01 Nov 2026 – 26 Nov 2026 · "eze"`, or `all visits`."""
        parts = []
        if self.status is not None:
            parts.append(self.status.label.lower())
        if self.gate:
            parts.append(self.gate)
        if self.from_date or self.to_date:
            start = f"{self.from_date:%d %b %Y}" if self.from_date else "…"
            end = f"{self.to_date:%d %b %Y}" if self.to_date else "…"
            parts.append(f"{start} – {end}")
        if self.search:
            parts.append(f'"{self.search}"')
        return " · ".join(parts) or "all visits"
