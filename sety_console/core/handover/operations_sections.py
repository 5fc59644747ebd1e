"""The handover report's "Operator activity" and "Alarm KPIs" sections (from the workstation's audit
trail and alarm history; whatever the report's filters, since they describe the operators' load).

The KPI figures come from `core.alarm_kpis` — the computation the supervisor's KPI charts draw — and
the 10-minute series is printed as a grid coloured by EEMUA 191's reference levels.
"""

from __future__ import annotations

from html import escape

from sety_console.core.alarm_kpi_text import (
    DEFINITIONS,
    OPERATOR_HEADERS,
    REFERENCE_TEXT,
    category_words,
    headline,
    operator_rows,
    rate_text,
    reason_words,
)
from sety_console.core.alarm_kpis import PERIOD, AlarmKpis, load_words
from sety_console.core.wording import duration_text, percent_text, plural

from .activity import INCIDENT_ACTIONS, action_words, activity_by_operator, server_words
from .data import HandoverData
from .html_parts import ReportContext, incident_html, incident_id_html, table, td, tr

__all__ = ["BAND_COLOURS", "LISTED", "alarm_kpis_section", "operator_activity_section"]

BAND_COLOURS = {
    "acceptable": "#dff3e3",
    "manageable": "#fff1c2",
    "over-demanding": "#ffd3a8",
    "flood": "#f5a3a3",
}
"""Printed cell colours of the 10-minute grid, one per EEMUA 191 band (always with the number)."""
_FIGURE_STYLE = "font-size:12pt; font-weight:bold; white-space:nowrap"
REPORT_OPERATOR_COLUMNS = (0, 1, 2, 3, 4, 6, 8)
"""Which of `OPERATOR_HEADERS` the printed page shows (seven columns fit a portrait A4 page)."""
LISTED = 25
"""Standing and re-alarming alarms listed at most (the count says how many more)."""


def _about(data: HandoverData, action: str, target: str | None) -> str:
    """A table cell naming what an action or alarm was about: the incident (subject, what, where, id),
    or the bare id on one line (never broken: a copied id must match)."""
    if not target:
        return td("—")
    incident = data.incident(target) if action in INCIDENT_ACTIONS else None
    return td(incident_html(incident)) if incident is not None else td(incident_id_html(target), "nowrap")


def _missing(data: HandoverData, what: str) -> str:
    reason = data.records_missing or f"The {what} was not read for this report."
    return f"<p class='muted'>{escape(reason)}</p>"


def operator_activity_section(data: HandoverData, ctx: ReportContext) -> str:
    """Per operator: how many alarms they acknowledged and shelved, notes written; then every action."""
    if data.activity is None:
        return _missing(data, "audit trail")
    groups = activity_by_operator(data.activity)
    summary = [
        tr(
            td(f"<b>{escape(g.operator)}</b>"),
            td(escape(", ".join(g.workstations) or "—")),
            *(td(str(g.count(kind))) for kind in ("acknowledged", "shelved", "note", "other")),
            td(f"<span class='warn'>{g.refused}</span>" if g.refused else "0"),
        )
        for g in groups
    ]
    headers = (
        "Operator",
        "Workstation",
        "Acknowledged",
        "Shelved",
        "Notes written",
        "Other actions",
        "Refused",
    )
    rows = [
        tr(
            td(ctx.when(e.acted_at), "nowrap"),
            td(f"<b>{escape(g.operator)}</b>"),
            td(escape(action_words(e))),
            _about(data, e.action, e.target_id),
            td(escape(server_words(e))),
        )
        for g in groups
        for e in g.entries
    ]
    return (
        table(headers, summary, "No operator action was recorded on this workstation during the shift.")
        + ("<p></p>" if rows else "")
        + table(("Time", "Operator", "What they did", "About", "Server"), rows, "", (13, 14, 33, 27, 13))
    )


def _figures(kpis: AlarmKpis) -> str:
    figures = (
        ("Alarms", str(kpis.total), ""),
        ("Per operator per 10 min", rate_text(kpis.average), load_words(kpis.average)),
        ("Peak 10 min", rate_text(kpis.peak), load_words(kpis.peak)),
        ("Floods", str(len(kpis.floods)), plural(len(kpis.flood_periods), "period") if kpis.floods else ""),
        ("Time to acknowledge, p50", duration_text(kpis.ack_p50_s), ""),
        ("Time to acknowledge, p95", duration_text(kpis.ack_p95_s), ""),
        ("Standing > 30 min", str(len(kpis.standing)), ""),
        ("Chattering", str(len(kpis.chattering)), ""),
    )
    cells = [
        f"<td align='center' width='25%'><span style='{_FIGURE_STYLE}'>{value}</span>"
        f"<br>{escape(label)}" + (f"<br><i>{escape(words)}</i>" if words else "") + "</td>"
        for label, value, words in figures
    ]
    rows = "".join(f"<tr>{''.join(cells[i : i + 4])}</tr>" for i in range(0, len(cells), 4))
    return f"<table border='1' cellspacing='0' cellpadding='4' width='100%'>{rows}</table>"


def _grid(kpis: AlarmKpis, ctx: ReportContext) -> str:
    """The per-10-minute series, six periods a row, each cell coloured by its EEMUA band."""
    rows = []
    for first in range(0, len(kpis.per_operator), 6):
        cells = [td(ctx.when(kpis.period_starts[first]), "nowrap")]
        for index in range(first, min(first + 6, len(kpis.per_operator))):
            value = kpis.per_operator[index]
            if not kpis.staffed[index]:
                cells.append("<td align='center' class='muted'>—</td>")
            elif value == 0:
                cells.append("<td align='center'>0</td>")
            else:
                colour = BAND_COLOURS[load_words(value)]
                cells.append(f"<td align='center' bgcolor='{colour}'><b>{rate_text(value)}</b></td>")
        rows.append(tr(*cells))
    headers = ("Period from", *(f"+{k * PERIOD.seconds // 60} min" for k in range(6)))
    legend = " · ".join(
        f"<span style='background-color:{colour}'>&nbsp;{escape(band)}&nbsp;</span>"
        for band, colour in BAND_COLOURS.items()
    )
    return (
        table(headers, rows, "")
        + f"<p class='muted'>Alarms per operator in each 10 minutes: {legend}; — nobody on duty.</p>"
    )


def _operators(kpis: AlarmKpis) -> str:
    """The KPI tab's operator rows, without the columns the page has no room for (floods and shelving are
    listed elsewhere in the report)."""
    rows = [
        tr(*(td(escape(row[c]).replace(" (", "<br>(")) for c in REPORT_OPERATOR_COLUMNS))
        for row in operator_rows(kpis)
    ]
    headers = [OPERATOR_HEADERS[c] for c in REPORT_OPERATOR_COLUMNS]
    return table(headers, rows, "", (16, 13, 9, 15, 10, 16, 21))


def _standing(data: HandoverData, kpis: AlarmKpis, ctx: ReportContext) -> str:
    rows = []
    for item in kpis.standing[:LISTED]:
        alarm = item.alarm
        if alarm.acknowledged_at is not None and alarm.acknowledged_at <= kpis.end:
            then = f"acknowledged {ctx.when(alarm.acknowledged_at)} by {escape(alarm.acknowledged_by or '—')}"
        elif alarm.cleared_at is not None and alarm.cleared_at <= kpis.end:
            then = f"cleared {ctx.when(alarm.cleared_at)} without acknowledgement"
        else:
            then = "<span class='warn'>still unacknowledged at the end of the shift</span>"
        rows.append(
            tr(
                _about(data, "alarm_acknowledged", alarm.incident_id),
                td(escape(reason_words(alarm.reason))),
                td(ctx.when(alarm.raised_at), "nowrap"),
                td(duration_text(item.unacknowledged_for.total_seconds()), "nowrap"),
                td(then),
            )
        )
    more = len(kpis.standing) - LISTED
    return table(
        ("Incident", "Alarm", "Raised", "Unacknowledged for", "Then"), rows, "No standing alarms."
    ) + (f"<p class='muted'>… and {more} more standing alarms.</p>" if more > 0 else "")


def _repeated(data: HandoverData, kpis: AlarmKpis, ctx: ReportContext) -> str:
    rows = [
        tr(
            _about(data, "alarm_acknowledged", r.incident_id),
            td(escape(reason_words(r.reason))),
            td(str(len(r.raises))),
            td(", ".join(ctx.clock(t) for t in r.raises)),
            td("<span class='warn'>chattering</span>" if r.chattering else "re-alarming"),
        )
        for r in kpis.repeated[:LISTED]
    ]
    more = len(kpis.repeated) - LISTED
    return table(
        ("Incident", "Alarm", "Raised", "At", "Kind"), rows, "No alarm was raised more than once."
    ) + (f"<p class='muted'>… and {more} more alarms raised more than once.</p>" if more > 0 else "")


def _categories(kpis: AlarmKpis) -> str:
    rows = [
        tr(td(escape(category_words(c))), td(str(n)), td(percent_text(n / kpis.total)))
        for c, n in kpis.categories
    ]
    return table(("Category", "Alarms", "Share"), rows, "")


def alarm_kpis_section(data: HandoverData, ctx: ReportContext) -> str:
    """Figures, the sentence against the standard, the 10-minute grid, operators, floods, standing,
    chattering and the busiest categories."""
    kpis = data.alarm_kpis
    if kpis is None:
        return _missing(data, "alarm history")
    explained = (
        f"{REFERENCE_TEXT} {DEFINITIONS} All alarms of this workstation, whatever the report's filters."
    )
    parts = [_figures(kpis), f"<p><b>{escape(headline(kpis, ctx.zone))}</b><br>{escape(explained)}</p>"]
    if not kpis.total and not kpis.standing:
        return "".join(parts)
    parts += [_grid(kpis, ctx), "<p><b>Operators</b></p>", _operators(kpis)]
    if kpis.floods:
        flood_rows = [
            tr(
                td(ctx.when(f.start), "nowrap"),
                td(ctx.when(f.end), "nowrap"),
                td(str(f.alarms)),
                td(rate_text(f.peak)),
            )
            for f in kpis.floods
        ]
        parts += [
            "<p><b>Floods</b></p>",
            table(("From", "To", "Alarms", "Peak per operator"), flood_rows, ""),
        ]
    parts += ["<p><b>Standing alarms</b></p>", _standing(data, kpis, ctx)]
    parts += ["<p><b>Chattering and re-alarming</b></p>", _repeated(data, kpis, ctx)]
    if kpis.categories:
        parts += ["<p><b>Busiest categories</b></p>", _categories(kpis)]
    return "".join(parts)
