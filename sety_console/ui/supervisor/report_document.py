"""The shift-handover report as HTML and as a `QTextDocument` (for preview, printing and PDF).

Printed on white paper whatever the console's theme; severity and SLA colours always come with
words. Every time is UTC and says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from html import escape

from PySide6.QtGui import QFont, QTextDocument

from sety_console.api.models import CurrentVisitor, DangerZone, Incident
from sety_console.core.sla_text import breach_reason
from sety_console.ui.supervisor.handover import HandoverData, closed_at
from sety_console.ui.supervisor.wording import duration_text, enum_label, utc_text

__all__ = ["SECTION_TITLES", "build_report_document", "build_report_html", "report_title"]

SECTION_TITLES = (
    "Summary",
    "Still open at the end of the shift",
    "SLA breaches",
    "Notes added during the shift",
    "Opened during the shift",
    "Closed during the shift",
    "Visitors still inside",
    "Top danger zones",
)
_PRINT_SEVERITY = {"critical": "#b3121f", "high": "#c25400", "medium": "#8a6d00", "low": "#1f5fa8"}
_PRINT_RISK = {"severe": "#b3121f", "high": "#c25400", "moderate": "#8a6d00", "low": "#1a7f37"}
_STYLE = """
body { font-family: 'DejaVu Sans', sans-serif; font-size: 9pt; color: #111; }
h1 { font-size: 16pt; margin-bottom: 2px; }
h2 { font-size: 12pt; margin-top: 14px; margin-bottom: 4px; border-bottom: 1px solid #999; }
th { background-color: #e6e9ee; text-align: left; }
td.timeline { color: #333; font-size: 8pt; }
td.id { white-space: nowrap; font-weight: bold; }
td.nowrap { white-space: nowrap; }
table { font-size: 8.5pt; }
.muted { color: #555; }
.warn { color: #b3121f; font-weight: bold; }
"""


def report_title(data: HandoverData) -> str:
    return f"Shift handover — {utc_text(data.window.start)} to {utc_text(data.window.end)}"


def _table(headers: Sequence[str], rows: Iterable[str], empty: str) -> str:
    body = "".join(rows)
    if not body:
        return f"<p class='muted'>{escape(empty)}</p>"
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    return f"<table border='1' cellspacing='0' cellpadding='3' width='100%'><tr>{head}</tr>{body}</table>"


def _td(html: str, css: str = "") -> str:
    return f"<td class='{css}'>{html}</td>" if css else f"<td>{html}</td>"


def _id(incident_id: str) -> str:
    """An incident id cell: never wrapped, so it can be read out and searched for whole."""
    return _td(escape(incident_id), "id")


def _when(moment: datetime | None) -> str:
    """A UTC time cell (the column header says UTC): `2026-03-10 18:05`, never wrapped."""
    return _td(moment.strftime("%Y-%m-%d %H:%M") if moment else "—", "nowrap")


def _tr(*cells: str) -> str:
    return "<tr>" + "".join(cells) + "</tr>"


def _severity(incident: Incident) -> str:
    colour = _PRINT_SEVERITY.get(incident.severity.value, "#6a3fb5")
    return f"<b style='color:{colour}'>{escape(enum_label(incident.severity))}</b>"


def _kind(incident: Incident) -> str:
    """Severity (coloured, in words) and category in one cell."""
    return _td(f"{_severity(incident)}<br>{escape(enum_label(incident.category))}")


def _where(incident: Incident) -> str:
    place = incident.location.address or incident.location.landmark
    return escape(place) if place else f"{incident.location.lat:.4f}, {incident.location.lng:.4f}"


def _still_open(data: HandoverData) -> str:
    rows = []
    for incident in data.still_open:
        responder = incident.responder.name if incident.responder and incident.responder.name else "none yet"
        status = enum_label(incident.status) + (" (drill)" if incident.is_drill else "")
        rows.append(
            _tr(
                _id(incident.incident_id),
                _kind(incident),
                _td(escape(status), "nowrap"),
                _when(incident.created_at),
                _td(escape(responder)),
            )
        )
        latest = [
            f"{e.timestamp:%d %b %H:%M} {escape(enum_label(e.event))}: {escape(e.message)}"
            + (f" ({escape(e.author)})" if e.author else "")
            for e in data.latest_entries(incident)
        ]
        text = "<br>".join(latest) or "No timeline entries."
        where = f"Where: {_where(incident)}<br>Latest (UTC): {text}"
        rows.append(f"<tr><td class='timeline' colspan='5'>{where}</td></tr>")
    headers = ("Incident", "Severity · category", "Status", "Created (UTC)", "Responder")
    return _table(headers, rows, "Nothing is open.")


def _target(actual: float | None, target: int | None) -> str:
    return duration_text(actual) + (
        f"<br><span class='muted'>target {duration_text(target)}</span>" if target else ""
    )


def _breaches(data: HandoverData) -> str:
    rows = []
    for incident in data.breaches:
        sla = incident.sla
        reason = breach_reason(incident) or "a target was missed"
        rows.append(
            _tr(
                _id(incident.incident_id),
                _kind(incident),
                _td(escape(reason)),
                _td(_target(sla.time_to_assign_seconds, sla.response_target_seconds) if sla else "—"),
                _td(_target(sla.time_to_arrive_seconds, sla.arrival_target_seconds) if sla else "—"),
            )
        )
    headers = ("Incident", "Severity · category", "Reason", "Time to assign", "Time to arrive")
    return _table(headers, rows, "No SLA breaches.")


def _notes(data: HandoverData) -> str:
    rows = [
        _tr(_when(n.timestamp), _id(n.incident_id), _td(escape(n.author)), _td(escape(n.message)))
        for n in data.notes
    ]
    return _table(("Time (UTC)", "Incident", "Author", "Note"), rows, "No notes were added.")


def _opened(data: HandoverData) -> str:
    rows = [
        _tr(
            _id(i.incident_id),
            _when(i.created_at),
            _kind(i),
            _td(escape(enum_label(i.status)) + (" (drill)" if i.is_drill else ""), "nowrap"),
            _td(_where(i)),
        )
        for i in data.opened
    ]
    headers = ("Incident", "Created (UTC)", "Severity · category", "Status now", "Where")
    return _table(headers, rows, "No incidents were opened.")


def _closed(data: HandoverData) -> str:
    rows = []
    for incident in data.closed:
        ended = closed_at(incident)
        outcome = enum_label(incident.resolution_outcome, "") or enum_label(incident.status)
        rows.append(
            _tr(
                _id(incident.incident_id),
                _when(ended),
                _td(escape(outcome)),
                _td(
                    duration_text((ended - incident.created_at).total_seconds() if ended else None), "nowrap"
                ),
                _td(escape(incident.resolution_notes or "—")),
            )
        )
    headers = ("Incident", "Closed (UTC)", "Outcome", "Open for", "Notes")
    return _table(headers, rows, "No incidents were closed.")


def _visitors(visitors: Sequence[CurrentVisitor]) -> str:
    rows = [
        _tr(
            _td(f"<b>{escape(v.visitor_name)}</b>"),
            _td(escape(v.host_name + (f", {v.host_unit}" if v.host_unit else ""))),
            _td(escape(v.gate)),
            _when(v.checked_in_at),
            _td(duration_text(v.minutes_inside * 60), "nowrap"),
            _td("<span class='warn'>OVERSTAY</span>" if v.overstay else "no"),
        )
        for v in visitors
    ]
    headers = ("Visitor", "Host", "Gate", "Checked in (UTC)", "Inside for", "Overstay")
    return _table(headers, rows, "Nobody is inside.")


def _risk(zone: DangerZone) -> str:
    colour = _PRINT_RISK.get(zone.risk_level.value, "#6a3fb5")
    return f"<b style='color:{colour}'>{escape(enum_label(zone.risk_level))}</b>"


def _zones(zones: Sequence[DangerZone]) -> str:
    rows = [
        _tr(
            _td(f"<b>{escape(z.name or z.zone_id)}</b>"),
            _td(_risk(z)),
            _td(str(z.risk_score)),
            _td(str(z.incident_count)),
            _td(", ".join(f"{h:02d}:00" for h in z.peak_hours) or "—"),
            _when(z.last_incident_at),
        )
        for z in zones
    ]
    headers = ("Zone", "Risk", "Score /100", "Incidents", "Peak hours (UTC)", "Last incident (UTC)")
    return _table(headers, rows, "No danger zones known.")


def _summary(data: HandoverData) -> str:
    figures = (
        ("Still open", len(data.still_open)),
        ("Opened", len(data.opened)),
        ("Closed", len(data.closed)),
        ("SLA breaches", len(data.breaches)),
        ("Notes", len(data.notes)),
        ("Visitors inside", len(data.visitors)),
    )
    cells = "".join(
        f"<td align='center'><span style='font-size:16pt; font-weight:bold'>{n}</span>"
        f"<br>{escape(label)}</td>"
        for label, n in figures
    )
    warnings = "".join(f"<p class='warn'>{escape(w)}</p>" for w in data.warnings)
    return (
        f"<table border='1' cellspacing='0' cellpadding='6' width='100%'><tr>{cells}</tr></table>{warnings}"
    )


def build_report_html(data: HandoverData, source: str = "") -> str:
    """The whole report as one HTML page (Qt's rich-text subset)."""
    sections = (_summary, _still_open, _breaches, _notes, _opened, _closed)
    bodies = [section(data) for section in sections] + [_visitors(data.visitors), _zones(data.zones)]
    parts = [
        f"<html><head><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(report_title(data))}</h1>",
        f"<p class='muted'>Generated {utc_text(data.generated_at)}"
        + (f" from {escape(source)}" if source else "")
        + f" · Filters: {escape(data.filters.describe())} · All times UTC</p>",
    ]
    for title, body in zip(SECTION_TITLES, bodies, strict=True):
        parts.append(f"<h2>{escape(title)}</h2>{body}")
    parts.append("</body></html>")
    return "".join(parts)


def build_report_document(data: HandoverData, source: str = "") -> QTextDocument:
    """The report as a `QTextDocument`, ready for `QTextBrowser.setDocument`, printing or PDF."""
    document = QTextDocument()
    font = QFont("DejaVu Sans")
    font.setPointSizeF(9.0)
    document.setDefaultFont(font)
    document.setDefaultStyleSheet(_STYLE)
    document.setHtml(build_report_html(data, source))
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, report_title(data))
    return document
