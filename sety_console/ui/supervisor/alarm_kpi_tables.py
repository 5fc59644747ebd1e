"""The alarm KPIs' lists: operators, floods, standing alarms, chattering and re-alarming — read-only tables
whose numbers come straight from the `AlarmKpis` the charts draw."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from sety_console.api.models import Incident
from sety_console.core.alarm_kpi_text import rate_text, reason_words
from sety_console.core.alarm_kpis import AlarmKpis
from sety_console.core.local_time import LocalZone, utc_text
from sety_console.core.wording import duration_text, enum_label

__all__ = ["KpiTable", "floods_rows", "repeated_rows", "standing_rows"]

Lookup = Callable[[str], Incident | None]
Row = Sequence[str]


class KpiTable(QTableWidget):
    """A read-only table; the column named `Incident id` is in a monospace face (a copied id matches)."""

    def __init__(self, headers: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(0, len(headers), parent)
        self.headers = list(headers)
        self.setHorizontalHeaderLabels(self.headers)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)

    def set_rows(self, rows: Sequence[Row], tips: Sequence[Row] | None = None) -> None:
        self.setRowCount(len(rows))
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        id_column = self.headers.index("Incident id") if "Incident id" in self.headers else -1
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c == id_column:
                    item.setFont(mono)
                if tips is not None and tips[r][c]:
                    item.setToolTip(tips[r][c])
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(r, c, item)

    def texts(self) -> list[list[str]]:
        """What the table shows, row by row (for tests and copying)."""
        rows = []
        for r in range(self.rowCount()):
            items = [self.item(r, c) for c in range(self.columnCount())]
            rows.append([item.text() if item is not None else "" for item in items])
        return rows


def _named(incident_id: str, lookup: Lookup) -> str:
    incident = lookup(incident_id)
    if incident is None:
        return "(closed or not loaded)"
    subject = incident.subject.name if incident.subject and incident.subject.name else "Unknown subject"
    where = incident.location.address or f"{incident.location.lat:.4f}, {incident.location.lng:.4f}"
    return f"{subject} — {incident.title or enum_label(incident.category)}, {where}"


def floods_rows(kpis: AlarmKpis, zone: LocalZone) -> list[Row]:
    return [
        (
            zone.localise(f.start).strftime("%H:%M"),
            zone.localise(f.end).strftime("%H:%M"),
            str(f.alarms),
            rate_text(f.peak),
        )
        for f in kpis.floods
    ]


def standing_rows(kpis: AlarmKpis, zone: LocalZone, lookup: Lookup) -> tuple[list[Row], list[Row]]:
    """Rows and their tooltips (UTC beside the local time)."""
    rows: list[Row] = []
    tips: list[Row] = []
    for item in kpis.standing:
        alarm = item.alarm
        if alarm.acknowledged_at is not None and alarm.acknowledged_at <= kpis.end:
            then = f"acknowledged {zone.localise(alarm.acknowledged_at):%H:%M} by {alarm.acknowledged_by}"
        elif alarm.cleared_at is not None and alarm.cleared_at <= kpis.end:
            then = f"cleared {zone.localise(alarm.cleared_at):%H:%M} without acknowledgement"
        else:
            then = "still unacknowledged"
        rows.append(
            (
                _named(alarm.incident_id, lookup),
                alarm.incident_id,
                reason_words(alarm.reason),
                zone.localise(alarm.raised_at).strftime("%d %b %H:%M"),
                duration_text(item.unacknowledged_for.total_seconds()),
                then,
            )
        )
        tips.append(("", "", "", utc_text(alarm.raised_at), "", ""))
    return rows, tips


def repeated_rows(kpis: AlarmKpis, zone: LocalZone, lookup: Lookup) -> list[Row]:
    return [
        (
            _named(r.incident_id, lookup),
            r.incident_id,
            reason_words(r.reason),
            str(len(r.raises)),
            ", ".join(zone.localise(t).strftime("%H:%M") for t in r.raises),
            "chattering" if r.chattering else "re-alarming",
        )
        for r in kpis.repeated
    ]
