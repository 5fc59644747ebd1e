"""The detail panel's header (what, how bad, where in its life) and its facts: subject, location,
responder and SLA milestones. Every value is a label that updates in place."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sety_console.api.models import Incident
from sety_console.core.local_time import to_local
from sety_console.core.rules import SlaUrgency, sla_clock, sla_targets
from sety_console.core.sla_text import breach_reason, describe_sla
from sety_console.core.wording import category_name
from sety_console.ui.common.palette import Palette

from .icons import category_icon
from .queue_columns import format_age, format_duration, format_eta
from .timeline import local_time

_NONE = "—"
TWO_COLUMNS_FROM = 620
"""Width (pixels) from which the fact boxes sit side by side."""


def _value(parent: QWidget) -> QLabel:
    label = QLabel(_NONE, parent)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


def _copy_button(parent: QWidget, what: str, source: QLabel) -> QToolButton:
    button = QToolButton(parent)
    button.setText("Copy")
    button.setToolTip(f"Copy the {what} to the clipboard")
    button.clicked.connect(lambda: QGuiApplication.clipboard().setText(source.text()))
    return button


def _with_button(label: QLabel, button: QToolButton) -> QWidget:
    box = QWidget(label.parentWidget())
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(label, 1)
    row.addWidget(button)
    return box


class DetailHeader(QWidget):
    """Severity, category, status and drill as chips; the title, description, id and age."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.severity = QLabel(self)
        self.category = QLabel(self)
        self.status = QLabel(self)
        self._incident: Incident | None = None
        self.projection_as_of: datetime | None = None
        """Set while the data is not live: the clock is a projection and says so."""
        self.drills_forced = False
        """Every incident is a drill (the window's badge says so): no chip on each one."""
        self.drill = QLabel("DRILL — an exercise: nobody is dispatched for real", self)
        self.drill.setWordWrap(True)
        self.clock = QLabel(self)
        self.clock.setToolTip(
            "SLA: time left to assign / arrive, amber when the responder's ETA is past the target, "
            "or how long ago it was breached"
        )
        self.clock_detail = QLabel(self)
        self.clock_detail.setWordWrap(True)
        self.status.setWordWrap(True)
        self.title = QLabel(self)
        self.description = QLabel(self)
        self.ident = _value(self)
        self.copy_id = _copy_button(self, "incident id", self.ident)
        # Sizes through style sheets: the theme's `QWidget { font-size }` would override setFont.
        self.title.setStyleSheet("font-size: 14pt; font-weight: 700;")
        self.title.setWordWrap(True)
        self.description.setWordWrap(True)
        self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.category_icon = QLabel(self)
        chips = QHBoxLayout()
        for widget in (self.severity, self.category_icon, self.category):
            chips.addWidget(widget)
        chips.addWidget(self.status, 1)
        ident = QHBoxLayout()
        ident.addWidget(self.ident, 1)
        ident.addWidget(self.copy_id)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(chips)
        layout.addWidget(self.clock)
        layout.addWidget(self.clock_detail)
        layout.addWidget(self.drill)
        layout.addWidget(self.title)
        layout.addWidget(self.description)
        layout.addLayout(ident)

    def show_incident(self, incident: Incident, palette: Palette, now: datetime) -> None:
        color = palette.severity_color(incident.severity.value)
        size = 13
        self.severity.setText(
            f"<span style='color:{color}; font-weight:800; font-size:{size}pt'>"
            f"■ {incident.severity.label.upper()}</span>"
        )
        self.severity.setToolTip("Severity")
        self.category_icon.setPixmap(category_icon(incident.category.value, palette.text).pixmap(20, 20))
        self.category.setText(f"<b style='font-size:{size}pt'>{category_name(incident.category)}</b>")
        closed = "" if incident.status.is_active else f"; color:{palette.closed}"
        self.status.setText(f"<span style='font-size:{size}pt{closed}'>· {incident.status.label}</span>")
        self.drill.setVisible(incident.is_drill and not self.drills_forced)
        self.drill.setStyleSheet(
            f"background:{palette.drill.bg}; color:{palette.drill.fg}; font-weight:700; padding:2px 8px;"
            "border-radius:3px"
        )
        self.title.setText(incident.title or f"{category_name(incident.category)} incident")
        self.description.setText(incident.description or "")
        self.description.setVisible(bool(incident.description))
        age = format_age((now - incident.created_at).total_seconds())
        self.ident.setText(incident.incident_id)
        self.ident.setToolTip(f"Created {local_time(incident.created_at, with_date=True)} ({age} ago)")
        self._incident = incident
        self.refresh_clock(palette, now)

    def refresh_clock(self, palette: Palette, now: datetime) -> None:
        """The live SLA clock, big: the first thing to read after the severity."""
        incident = self._incident
        if incident is None:
            return
        words = describe_sla(incident, now)
        swatch = palette.sla_swatch(words.urgency)
        background = f"background:{swatch.bg}; border-radius:3px;" if swatch.bg else ""
        self.clock.setStyleSheet(
            f"color:{swatch.fg}; font-size: 13pt; font-weight: 700; padding:2px 6px; {background}"
        )
        self.clock.setText(f"SLA  {words.headline}")
        self.clock_detail.setText(words.detail)
        if self.projection_as_of is not None:
            self.clock.setText(f"SLA  ≈ {words.headline}")
            as_of = to_local(self.projection_as_of)
            self.clock_detail.setText(
                f"{words.detail} — projection from data as of {as_of:%H:%M:%S}, not live."
            )
            self.clock.setStyleSheet(
                f"color:{palette.closed}; font-size: 13pt; font-style: italic; padding:2px 6px;"
            )
            return
        # The theme's text colour (readable in both themes); bold when a target is at risk or missed.
        weight = "font-weight:600;" if words.urgency in (SlaUrgency.AT_RISK, SlaUrgency.BREACHED) else ""
        self.clock_detail.setStyleSheet(f"{weight} padding:0 6px")


class DetailFacts(QWidget):
    """Subject, location, responder and SLA in four boxes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._incident: Incident | None = None
        self.fields: dict[str, QLabel] = {}
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._boxes = [
            self._box("SLA", ["Targets", "Assigned", "Arrived", "Breach"]),
            self._box("Subject", ["Name", "Phone", "Email", "Reference", "Details"]),
            self._box("Location", ["Address", "Landmark", "Coordinates"]),
            self._box("Responder", ["Unit", "Responder", "Vehicle", "ETA", "Distance", "Unit phone"]),
        ]
        self._columns = 0
        self._width = 0
        self._two_column_min: int | None = None
        self._arrange(2)

    def _arrange(self, columns: int) -> None:
        """Boxes in two columns when there is room, else one (a narrow dock)."""
        if columns == self._columns:
            return
        self._columns = columns
        for box in self._boxes:
            self._grid.removeWidget(box)
        for n, box in enumerate(self._boxes):
            self._grid.addWidget(box, n // columns, n % columns)

    def fit_width(self, width: int) -> None:
        """Called by the scroll area around the facts with the width it can give: two columns of
        boxes only when both fit whole (a long email or metadata value cannot wrap)."""
        self._width = width
        if self._two_column_min is None:
            self._arrange(2)
            self._two_column_min = self._grid.minimumSize().width()
        self._arrange(2 if width >= max(TWO_COLUMNS_FROM, self._two_column_min) else 1)

    def _box(self, title: str, names: list[str]) -> QGroupBox:
        box = QGroupBox(title, self)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name in names:
            label = _value(box)
            self.fields[name] = label
            if name in ("Phone", "Unit phone", "Coordinates"):
                form.addRow(name, _with_button(label, _copy_button(box, name.lower(), label)))
            else:
                form.addRow(name, label)
        return box

    def _set(self, name: str, value: str | None) -> None:
        self.fields[name].setText(value or _NONE)

    def show_incident(self, incident: Incident, palette: Palette, now: datetime) -> None:
        self._incident = incident
        self._show_values(incident)
        if self._width:  # new values may need another width
            self._two_column_min = None
            self.fit_width(self._width)
        self._show_sla(incident, palette, now)

    def _show_values(self, incident: Incident) -> None:
        subject, location, responder = incident.subject, incident.location, incident.responder
        self._set("Name", subject.name)
        self._set("Phone", subject.phone)
        self._set("Email", subject.email)
        self._set("Reference", subject.reference)
        self._set("Details", "\n".join(f"{key}: {value}" for key, value in subject.metadata.items()))
        self._set("Address", location.address)
        self._set("Landmark", location.landmark)
        self._set("Coordinates", f"{location.lat:.5f}, {location.lng:.5f}")
        self._set("Unit", responder.unit if responder else "Not assigned yet")
        self._set("Responder", responder.name if responder else None)
        self._set("Vehicle", responder.vehicle_plate if responder else None)
        eta = responder.eta_seconds if responder else None
        self._set("ETA", format_eta(eta) if eta is not None and incident.status.is_active else None)
        distance = responder.distance_meters if responder else None
        self._set("Distance", f"{distance / 1000:.1f} km" if distance is not None else None)
        self._set("Unit phone", responder.phone if responder else None)

    def _show_sla(self, incident: Incident, palette: Palette, now: datetime) -> None:
        sla = incident.sla
        assign, arrive = sla_targets(incident)
        self._set(
            "Targets", f"assign within {format_duration(assign)}, arrive within {format_duration(arrive)}"
        )
        assigned = (sla.assigned_at if sla else None) or (
            incident.responder.assigned_at if incident.responder else None
        )
        took = sla.time_to_assign_seconds if sla else None
        self._set("Assigned", _milestone(assigned, took))
        self._set(
            "Arrived",
            _milestone(sla.arrived_at if sla else None, sla.time_to_arrive_seconds if sla else None),
        )
        self.refresh_clock(palette, now)

    def refresh_clock(self, palette: Palette, now: datetime) -> None:
        """Whether the SLA is breached can change with time alone (called every second)."""
        incident = self._incident
        if incident is None:
            return
        clock = sla_clock(incident, now)
        reason = breach_reason(incident, clock)
        still_running = incident.status.is_active and clock.due_at is not None
        self._set(
            "Breach",
            reason[:1].upper() + reason[1:] if reason else "None so far" if still_running else "None",
        )
        self.fields["Breach"].setStyleSheet(f"color:{palette.failed}; font-weight:700" if reason else "")


def _milestone(moment: datetime | None, seconds: float | None) -> str:
    if moment is None:
        return "not yet"
    after = f" (after {format_duration(seconds)})" if seconds is not None else ""
    return f"{local_time(moment)}{after}"
