"""The handover report's building blocks: how a section is declared, its context (zone, source), tables,
and how an incident is named (subject, what, where, then the id in a monospace, ligature-free face)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

from sety_console.api.models import Incident
from sety_console.core.local_time import LocalZone
from sety_console.core.wording import enum_label

if TYPE_CHECKING:
    from .data import HandoverData

__all__ = [
    "ReportContext",
    "Section",
    "incident_html",
    "incident_id_html",
    "table",
    "td",
    "tr",
    "where_html",
]


@dataclass(frozen=True, slots=True)
class ReportContext:
    """How the report is written: the zone its times are in, and where the data came from."""

    zone: LocalZone
    source: str = ""

    def when(self, moment: datetime | None) -> str:
        """A time cell's text: `10 Mar 19:05` in the report's zone (the header names the zone)."""
        return self.zone.localise(moment).strftime("%d %b %H:%M") if moment else "—"

    def clock(self, moment: datetime | None) -> str:
        """`19:05` in the report's zone (for times inside one shift's tables)."""
        return self.zone.localise(moment).strftime("%H:%M") if moment else "—"


@dataclass(frozen=True, slots=True)
class Section:
    """One titled part of the report; `render` returns its HTML body (a table or a sentence)."""

    key: str
    title: str
    render: Callable[[HandoverData, ReportContext], str]


def table(headers: Sequence[str], rows: Iterable[str], empty: str, widths: Sequence[int] = ()) -> str:
    """A full-width table, or the `empty` sentence when there are no rows; `widths` in % per column."""
    body = "".join(rows)
    if not body:
        return f"<p class='muted'>{escape(empty)}</p>" if empty else ""
    sized = [f" width='{w}%'" for w in widths] + [""] * (len(headers) - len(widths))
    head = "".join(f"<th{size}>{escape(h)}</th>" for h, size in zip(headers, sized, strict=True))
    return f"<table border='1' cellspacing='0' cellpadding='3' width='100%'><tr>{head}</tr>{body}</table>"


def td(html: str, css: str = "") -> str:
    return f"<td class='{css}'>{html}</td>" if css else f"<td>{html}</td>"


def tr(*cells: str) -> str:
    return "<tr>" + "".join(cells) + "</tr>"


def incident_id_html(incident_id: str) -> str:
    """An incident id in the monospace, ligature-free face, never wrapped."""
    return f"<span class='id'>{escape(incident_id)}</span>"


def where_html(incident: Incident) -> str:
    location = incident.location
    parts = [p for p in (location.address, location.landmark) if p]
    if parts:
        return escape(" · ".join(parts))
    return f"{location.lat:.4f}, {location.lng:.4f}"


def incident_html(incident: Incident) -> str:
    """Who, what and where, then the id: how a person finds the incident again."""
    subject = incident.subject.name if incident.subject and incident.subject.name else "Unknown subject"
    what = incident.title or enum_label(incident.category)
    return (
        f"<b>{escape(subject)}</b> — {escape(what)}<br>{where_html(incident)}<br>"
        f"{incident_id_html(incident.incident_id)}"
    )
