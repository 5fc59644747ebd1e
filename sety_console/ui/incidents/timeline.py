"""The incident's timeline: server events oldest first, then actions not yet on the server,
then the alarm log. Rendered as HTML in a read-only browser that keeps its scroll position."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from PySide6.QtGui import QTextTable
from PySide6.QtWidgets import QTextBrowser, QWidget

from sety_console.api.models import Incident, TimelineEventType
from sety_console.core.actions import ActionKind, ActionState, OutboxEntry
from sety_console.core.audit import AuditEntry
from sety_console.core.audit_timeline import our_actions, provenance
from sety_console.core.local_time import to_local
from sety_console.ui.common.palette import Palette

_EVENT_NAMES = {TimelineEventType.sla_breached: "SLA breached"}
"""Event names whose generic label would read oddly ("Sla breached")."""
_ACTION_TEXT = {
    ActionKind.ADD_NOTE: "Note",
    ActionKind.CANCEL_INCIDENT: "Cancel incident",
    ActionKind.CREATE_INCIDENT: "Create incident",
}


def local_time(moment: datetime | None, with_date: bool = False) -> str:
    """`18:05:12` (local time), or with the date; `—` for none."""
    if moment is None:
        return "—"
    return f"{to_local(moment):%Y-%m-%d %H:%M:%S}" if with_date else f"{to_local(moment):%H:%M:%S}"


def _action_detail(entry: OutboxEntry) -> str:
    payload = entry.payload
    if entry.kind is ActionKind.ADD_NOTE:
        return str(payload.get("message", ""))
    if entry.kind is ActionKind.CANCEL_INCIDENT:
        reason = payload.get("reason")
        return f"Reason: {reason}" if reason else ""
    return ""


def _text(message: str) -> str:
    return html.escape(message).replace("\n", "<br>")


def _row(time: str, what: str, message: str, author: str | None, style: str = "") -> str:
    who = f"<br><span style='opacity:0.75'>— {html.escape(author)}</span>" if author else ""
    cell = "valign='top' style='padding:4px 10px 4px 0; white-space:nowrap'"
    return (
        f"<tr style='{style}'><td {cell}>&nbsp;{time}</td><td {cell}><b>{what}</b></td>"
        f"<td valign='top' style='padding:4px 6px 4px 0'>{_text(message)}{who}</td></tr>"
    )


def render_timeline(
    incident: Incident,
    pending: Sequence[OutboxEntry],
    alert_log: Sequence[str],
    palette: Palette,
    actions: Sequence[AuditEntry] = (),
) -> str:
    """The whole timeline as HTML; entries this console's operators caused say who, where, and — when the
    action reached the server late — when it was entered and when the server had it (`actions`: the
    audit trail of this incident)."""
    rows = []
    note = f"background-color:{palette.note.bg}; color:{palette.note.fg}"
    ours = our_actions(incident, actions)
    for index, event in sorted(enumerate(incident.timeline), key=lambda pair: pair[1].timestamp):
        is_note = event.event is TimelineEventType.note_added
        what = "Note" if is_note else html.escape(_EVENT_NAMES.get(event.event, event.event.label))
        action = ours.get(index)
        author = provenance(action, event.timestamp, local_time) if action else event.author
        rows.append(_row(local_time(event.timestamp), what, event.message, author, note if is_note else ""))
    for entry in pending:
        if entry.target_id != incident.incident_id or entry.kind not in _ACTION_TEXT:
            continue
        rows.append(_pending_row(entry, palette))
    if alert_log:
        rows.append("<tr><td colspan=3 style='padding:10px 6px 2px 6px'><b>Alerts</b></td></tr>")
        rows += [
            f"<tr><td colspan=3 style='padding:2px 6px; color:{palette.muted}'>{html.escape(line)}</td></tr>"
            for line in alert_log
        ]
    if not rows:
        return "<p>No events yet.</p>"
    return f"<table width='100%' cellspacing=0>{''.join(rows)}</table>"


def _pending_row(entry: OutboxEntry, palette: Palette) -> str:
    what = _ACTION_TEXT[entry.kind]
    detail = _action_detail(entry)
    if entry.state is ActionState.FAILED:
        message = f"{detail}\nThe server refused it: {entry.error or 'no reason given'}".strip()
        style = f"color:{palette.failed}; border-left: 3px solid {palette.failed}"
        return _row(local_time(entry.created_at), f"FAILED — {what}", message, entry.created_by, style)
    if entry.state is ActionState.DONE:
        style = f"color:{palette.pending}"
        return _row(local_time(entry.created_at), f"Sent — {what}", detail, entry.created_by, style)
    retry = f" (attempt {entry.attempts})" if entry.attempts > 1 else ""
    style = f"color:{palette.pending}; font-style:italic"
    label = f"Pending — not yet on the server{retry}"
    return _row(
        local_time(entry.created_at), f"{what}", f"{label}: {detail}" if detail else label, None, style
    )


class TimelineView(QTextBrowser):
    """Read-only timeline; a re-render keeps the scroll position (or stays at the bottom)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self._html = ""

    def set_timeline_html(self, text: str, same_incident: bool) -> None:
        if text == self._html:
            return
        bar = self.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 2
        position = bar.value()
        self._html = text
        self.setHtml(text)
        if not same_incident:
            bar.setValue(bar.maximum())  # a new incident opens on its latest events
        elif at_bottom:
            bar.setValue(bar.maximum())
        else:
            bar.setValue(position)

    def entries_in_view(self) -> int:
        """How many timeline rows are wholly on screen at the current scroll position."""
        table = next(
            (f for f in self.document().rootFrame().childFrames() if isinstance(f, QTextTable)), None
        )
        if table is None:
            return 0
        layout = self.document().documentLayout()
        top = self.verticalScrollBar().value()
        bottom = top + self.viewport().height()
        shown = 0
        for row in range(table.rows()):
            cells = [table.cellAt(row, column) for column in range(table.columns())]
            rects = [layout.blockBoundingRect(c.lastCursorPosition().block()) for c in cells if c.isValid()]
            first = layout.blockBoundingRect(cells[0].firstCursorPosition().block())
            if first.top() >= top and max(r.bottom() for r in rects) <= bottom:
                shown += 1
        return shown
