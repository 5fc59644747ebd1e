"""The shift-handover report as HTML (Qt's rich-text subset): the same page on screen, paper and PDF.

Printed on white paper whatever the console's theme; severity and SLA colours always come with
words. Incidents are named by subject, what happened and where, with the id beneath in a
monospace face without ligatures, so a copied id matches the console's. Times are local to the
service area (the header says which zone and its offset).

The report is a list of `Section`s (`SECTIONS`): each renders one part from `HandoverData`.
After "Notes written during the shift" come what each operator did (from the audit trail) and the
alarm KPIs (`operations_sections`), from the fields `gather_handover` fills from the workstation's
own records.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from sety_console.api.models import CurrentVisitor, DangerZone, Incident
from sety_console.core.local_time import LocalZone, hours_text, local_text
from sety_console.core.sla_text import breach_reason
from sety_console.core.wording import duration_text, enum_label

from .data import HandoverData, breach_time, closed_at
from .html_parts import ReportContext, Section, incident_id_html
from .html_parts import incident_html as _incident
from .html_parts import table as _table
from .html_parts import td as _td
from .html_parts import tr as _tr
from .operations_sections import alarm_kpis_section, operator_activity_section

__all__ = [
    "ID_FONTS",
    "SECTIONS",
    "SECTION_TITLES",
    "ReportContext",
    "Section",
    "build_report_html",
    "report_title",
]

ID_FONTS = "'DejaVu Sans Mono', 'Liberation Mono', Consolas, Menlo, monospace"
"""Faces for incident ids: monospace ones without ligatures (an `fi` stays two letters)."""
_PRINT_SEVERITY = {"critical": "#b3121f", "high": "#c25400", "medium": "#8a6d00", "low": "#1f5fa8"}
_PRINT_RISK = {"severe": "#b3121f", "high": "#c25400", "moderate": "#8a6d00", "low": "#1a7f37"}
STYLE = f"""
body {{ font-family: 'DejaVu Sans', sans-serif; font-size: 9pt; color: #111; }}
h1 {{ font-size: 16pt; margin-bottom: 2px; }}
h2 {{ font-size: 12pt; margin-top: 14px; margin-bottom: 4px; border-bottom: 1px solid #999; }}
th {{ background-color: #e6e9ee; text-align: left; }}
td.timeline {{ color: #333; font-size: 8pt; }}
td.nowrap {{ white-space: nowrap; }}
span.id {{ font-family: {ID_FONTS}; font-size: 8pt; white-space: nowrap; color: #333; }}
table {{ font-size: 8.5pt; }}
.muted {{ color: #555; }}
.warn {{ color: #b3121f; font-weight: bold; }}
"""


def report_title(data: HandoverData, zone: LocalZone) -> str:
    """`Shift handover — 2026-03-10 07:00 to 19:00 WAT` (both dates when the shift spans two)."""
    start, end = zone.localise(data.window.start), zone.localise(data.window.end)
    end_text = end.strftime("%H:%M") if end.date() == start.date() else end.strftime("%Y-%m-%d %H:%M")
    return f"Shift handover — {start:%Y-%m-%d %H:%M} to {end_text} {end.tzname() or ''}".rstrip()


def _severity(incident: Incident) -> str:
    colour = _PRINT_SEVERITY.get(incident.severity.value, "#6a3fb5")
    return (
        f"<b style='color:{colour}'>{escape(enum_label(incident.severity))}</b>"
        f"<br>{escape(enum_label(incident.category))}"
    )


def _status(incident: Incident) -> str:
    text = escape(enum_label(incident.status)) + (" (drill)" if incident.is_drill else "")
    if breach_time(incident) is not None:
        text += "<br><span class='warn'>SLA BREACHED</span>"
    return text


def _still_open(data: HandoverData, ctx: ReportContext) -> str:
    rows = []
    for incident in data.still_open:
        responder = incident.responder.name if incident.responder and incident.responder.name else "none yet"
        rows.append(
            _tr(
                _td(_incident(incident)),
                _td(_severity(incident), "nowrap"),
                _td(_status(incident), "nowrap"),
                _td(ctx.when(incident.created_at), "nowrap"),
                _td(escape(responder)),
            )
        )
        latest = [
            f"{ctx.when(e.timestamp)} {escape(enum_label(e.event))}: {escape(e.message)}"
            + (f" ({escape(e.author)})" if e.author else "")
            for e in data.latest_entries(incident)
        ]
        text = "<br>".join(latest) or "No timeline entries."
        rows.append(f"<tr><td class='timeline' colspan='5'>Latest: {text}</td></tr>")
    headers = ("Incident", "Severity", "Status", "Created", "Responder")
    return _table(headers, rows, "Nothing is open.")


def _target(actual: float | None, target: int | None) -> str:
    return duration_text(actual) + (
        f"<br><span class='muted'>target {duration_text(target)}</span>" if target else ""
    )


def _breaches(data: HandoverData, ctx: ReportContext) -> str:
    rows = []
    for incident in data.breaches:
        sla = incident.sla
        reason = breach_reason(incident) or "a target was missed"
        rows.append(
            _tr(
                _td(_incident(incident)),
                _td(_severity(incident), "nowrap"),
                _td(f"{escape(reason)}<br><span class='muted'>{ctx.when(breach_time(incident))}</span>"),
                _td(_target(sla.time_to_assign_seconds, sla.response_target_seconds) if sla else "—"),
                _td(_target(sla.time_to_arrive_seconds, sla.arrival_target_seconds) if sla else "—"),
            )
        )
    headers = ("Incident", "Severity", "Reason, when", "Time to assign", "Time to arrive")
    return _table(headers, rows, "No SLA breaches.")


def _notes(data: HandoverData, ctx: ReportContext) -> str:
    incidents = {i.incident_id: i for group in (data.still_open, data.opened, data.closed) for i in group}
    rows = []
    for note in data.notes:
        incident = incidents.get(note.incident_id)
        about = _incident(incident) if incident is not None else incident_id_html(note.incident_id)
        rows.append(
            _tr(
                _td(ctx.when(note.timestamp), "nowrap"),
                _td(f"<b>{escape(note.author)}</b>"),
                _td(escape(note.message)),
                _td(about),
            )
        )
    return _table(("Time", "Written by", "Note", "Incident"), rows, "No notes were written.")


def _opened(data: HandoverData, ctx: ReportContext) -> str:
    rows = [
        _tr(
            _td(_incident(i)),
            _td(ctx.when(i.created_at), "nowrap"),
            _td(_severity(i), "nowrap"),
            _td(_status(i), "nowrap"),
        )
        for i in data.opened
    ]
    return _table(("Incident", "Created", "Severity", "Status now"), rows, "No incidents were opened.")


def _closed(data: HandoverData, ctx: ReportContext) -> str:
    rows = []
    for incident in data.closed:
        ended = closed_at(incident)
        outcome = enum_label(incident.resolution_outcome, "") or enum_label(incident.status)
        open_for = duration_text((ended - incident.created_at).total_seconds() if ended else None)
        notes = escape(incident.resolution_notes or "")
        rows.append(
            _tr(
                _td(_incident(incident)),
                _td(ctx.when(ended), "nowrap"),
                _td(f"<b>{escape(outcome)}</b>" + (f"<br>{notes}" if notes else "")),
                _td(open_for, "nowrap"),
            )
        )
    return _table(("Incident", "Closed", "Outcome", "Open for"), rows, "No incidents were closed.")


def _visitors(data: HandoverData, ctx: ReportContext) -> str:
    visitors: Sequence[CurrentVisitor] = data.visitors
    rows = [
        _tr(
            _td(f"<b>{escape(v.visitor_name)}</b>"),
            _td(escape(v.host_name + (f", {v.host_unit}" if v.host_unit else ""))),
            _td(escape(v.gate)),
            _td(ctx.when(v.checked_in_at), "nowrap"),
            _td(duration_text(v.minutes_inside * 60), "nowrap"),
            _td("<span class='warn'>OVERSTAY</span>" if v.overstay else "no"),
        )
        for v in visitors
    ]
    headers = ("Visitor", "Host", "Gate", "Checked in", "Inside for", "Overstay")
    return _table(headers, rows, "Nobody is inside.")


def _risk(zone: DangerZone) -> str:
    colour = _PRINT_RISK.get(zone.risk_level.value, "#6a3fb5")
    return f"<b style='color:{colour}'>{escape(enum_label(zone.risk_level))}</b>"


def _zones(data: HandoverData, ctx: ReportContext) -> str:
    moment = data.window.end
    shift = round(ctx.zone.offset(moment).total_seconds() / 3600)
    rows = [
        _tr(
            _td(f"<b>{escape(z.name or z.zone_id)}</b>"),
            _td(_risk(z)),
            _td(str(z.risk_score)),
            _td(str(z.incident_count)),
            _td(hours_text([(h + shift) % 24 for h in z.peak_hours]) or "—"),
            _td(ctx.when(z.last_incident_at), "nowrap"),
        )
        for z in data.zones
    ]
    headers = ("Zone", "Risk", "Score /100", "Incidents", "Busiest hours", "Last incident")
    return _table(headers, rows, "No danger zones known.")


def _summary(data: HandoverData, ctx: ReportContext) -> str:
    open_breached = sum(breach_time(i) is not None for i in data.still_open)
    figures = (
        ("Still open", f"{len(data.still_open)}", f"{open_breached} breached" if open_breached else ""),
        ("SLA breaches", f"{len(data.breaches)}", ""),
        ("Opened", f"{len(data.opened)}", ""),
        ("Closed", f"{len(data.closed)}", ""),
        ("Notes", f"{len(data.notes)}", ""),
        ("Visitors inside", f"{len(data.visitors)}", ""),
    )
    cells = "".join(
        f"<td align='center'><span style='font-size:16pt; font-weight:bold'>{n}</span>"
        f"<br>{escape(label)}" + (f"<br><span class='warn'>{escape(extra)}</span>" if extra else "") + "</td>"
        for label, n, extra in figures
    )
    warnings = "".join(f"<p class='warn'>{escape(w)}</p>" for w in data.warnings)
    return (
        f"<table border='1' cellspacing='0' cellpadding='6' width='100%'><tr>{cells}</tr></table>{warnings}"
    )


SECTIONS: tuple[Section, ...] = (
    Section("summary", "Summary", _summary),
    Section("still_open", "Still open at the end of the shift (SLA breaches first)", _still_open),
    Section("breaches", "SLA breaches during the shift", _breaches),
    Section("notes", "Notes written during the shift", _notes),
    Section("operators", "Operator activity (from the audit trail)", operator_activity_section),
    Section("alarm_kpis", "Alarm KPIs (ISA-18.2 / EEMUA 191)", alarm_kpis_section),
    Section("opened", "Opened during the shift", _opened),
    Section("closed", "Closed during the shift", _closed),
    Section("visitors", "Visitors still inside", _visitors),
    Section("zones", "Top danger zones", _zones),
)
SECTION_TITLES = tuple(section.title for section in SECTIONS)


def build_report_html(
    data: HandoverData, zone: LocalZone, source: str = "", sections: Sequence[Section] = SECTIONS
) -> str:
    """The whole report as one HTML page (Qt's rich-text subset), times in `zone`."""
    ctx = ReportContext(zone, source)
    generated = local_text(data.generated_at, zone)
    parts = [
        f"<html><head><style>{STYLE}</style></head><body>",
        f"<h1>{escape(report_title(data, zone))}</h1>",
        f"<p class='muted'>Generated {escape(generated)}"
        + (f" from {escape(source)}" if source else "")
        + f" · Filters: {escape(data.filters.describe())}"
        + f" · Times in {escape(zone.describe(data.window.end))}</p>",
    ]
    for section in sections:
        parts.append(f"<h2>{escape(section.title)}</h2>{section.render(data, ctx)}")
    parts.append("</body></html>")
    return "".join(parts)
