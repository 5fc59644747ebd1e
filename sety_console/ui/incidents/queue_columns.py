"""The queue's columns: header, display text, tooltip and sort key of each, computed per incident.

Nothing here touches Qt: `QueueRow` caches the texts of one incident version so the model's
`data()` is a dictionary lookup, and the sort keys are plain tuples compared in C.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import IntEnum
from typing import Any

from sety_console.api.models import Incident, IncidentStatus
from sety_console.core.local_time import to_local
from sety_console.core.rules import PriorityKey, SlaPhase, priority_key, sla_clock, sla_targets
from sety_console.core.sla_text import SlaWords, describe_sla, duration_text, eta_text
from sety_console.core.wording import category_name

from .queue_filters import FilterFields, filter_fields


class Column(IntEnum):
    SEVERITY = 0
    CATEGORY = 1
    STATUS = 2
    SUBJECT = 3
    ADDRESS = 4
    AGE = 5
    SLA = 6
    RESPONDER = 7
    DRILL = 8
    TAKEN = 9
    """Who has taken the incident (a control-room hub's claims; hidden on a direct connection)."""


HEADERS: dict[Column, tuple[str, str]] = {
    Column.SEVERITY: ("Severity", "Severity: critical first"),
    Column.CATEGORY: ("Category", "SOS, vehicle, medical, location threat"),
    Column.STATUS: ("Status", "Where the incident is in its lifecycle"),
    Column.SUBJECT: ("Subject", "The person the incident is about"),
    Column.ADDRESS: ("Address / landmark", "Where it happens"),
    Column.AGE: ("Age", "Time since the incident was created: oldest first"),
    Column.SLA: (
        "SLA",
        "Time left to assign / arrive, amber when the responder's ETA is past the target, "
        "or how long ago it was breached: most urgent first",
    ),
    Column.RESPONDER: ("Responder · ETA", "Assigned unit and its estimated time of arrival"),
    Column.DRILL: ("Drill", "Drills (exercises) first"),
    Column.TAKEN: ("Taken by", "Who has taken the incident (Ctrl+T takes or releases the selected one)"),
}

_LIFECYCLE = {status: rank for rank, status in enumerate(IncidentStatus)}
_NO_TEXT = "—"


def format_age(seconds: float) -> str:
    """`45s`, `4m`, `2h 5m`, `3d 4h`: short enough for a narrow column."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes}m"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h"


format_eta = eta_text
"""`ETA 4 min` (rounded up), `ETA <1 min` (the core's SLA vocabulary)."""
format_duration = duration_text
"""`45 s`, `2 min`, `1 h 5 min`: for SLA targets and measured times (the core's SLA vocabulary)."""


def responder_text(incident: Incident) -> str:
    """`Patrol 7 · ETA 4 min`, `Patrol 7 · on scene`, `Unassigned` (active) or `—`."""
    responder = incident.responder
    if responder is None or not (responder.unit or responder.name):
        return "Unassigned" if incident.status.is_active else _NO_TEXT
    who = responder.unit or responder.name
    if incident.status is IncidentStatus.on_scene:
        return f"{who} · on scene"
    if incident.status.is_active and responder.eta_seconds is not None:
        return f"{who} · {format_eta(responder.eta_seconds)}"
    return who


def _join(*parts: str | None) -> str:
    return " · ".join(p for p in parts if p)


def _static_texts(incident: Incident) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(display, tooltip) of every column that does not change with the clock."""
    subject, location, _responder = incident.subject, incident.location, incident.responder
    category = category_name(incident.category)
    place = _join(location.address, location.landmark) or f"{location.lat:.5f}, {location.lng:.5f}"
    drill = "DRILL" if incident.is_drill else ""
    display = (
        incident.severity.label,
        category,
        incident.status.label,
        subject.name or _NO_TEXT,
        place,
        "",
        "",
        responder_text(incident),
        drill,
        "",
    )
    who = "\n".join(
        f"{label}: {value}"
        for label, value in (
            ("Name", subject.name),
            ("Phone", subject.phone),
            ("Email", subject.email),
            ("Reference", subject.reference),
        )
        if value
    )
    where = "\n".join(
        p for p in (location.address, location.landmark, f"{location.lat:.5f}, {location.lng:.5f}") if p
    )
    tooltip = (
        f"Severity: {incident.severity.label}",
        f"Category: {category}",
        f"Status: {incident.status.label}\n{incident.incident_id}",
        who or "No subject details",
        where,
        "",
        "",
        _responder_tooltip(incident),
        "A drill (exercise): nobody is dispatched for real" if drill else "",
        "",
    )
    return display, tooltip


def _responder_tooltip(incident: Incident) -> str:
    r = incident.responder
    if r is None:
        return "No responder assigned yet" if incident.status.is_active else "No responder"
    lines = [
        _join(r.unit, r.name),
        f"Vehicle {r.vehicle_plate}" if r.vehicle_plate else "",
        format_eta(r.eta_seconds) if r.eta_seconds is not None else "",
        f"{r.distance_meters / 1000:.1f} km away" if r.distance_meters is not None else "",
    ]
    return "\n".join(line for line in lines if line)


def sla_tooltip(incident: Incident, words: SlaWords) -> str:
    """The cell's words, then targets and the due time."""
    assign, arrive = sla_targets(incident)
    lines = [words.headline, words.detail]
    lines.append(f"Targets: assign within {duration_text(assign)}, arrive within {duration_text(arrive)}")
    clock = sla_clock(incident, incident.created_at)
    if clock.due_at is not None:
        lines.append(f"Due at {to_local(clock.due_at):%H:%M:%S}")
    return "\n".join(lines)


def _sort_text(text: str | None) -> tuple[bool, str]:
    return (not text, (text or "").casefold())


def _sla_sort_key(incident: Incident) -> tuple[int, int, float]:
    # Phase and due time do not depend on "now": the order holds between polls.
    clock = sla_clock(incident, incident.created_at)
    group = {SlaPhase.ASSIGN: 0, SlaPhase.ARRIVE: 0, SlaPhase.MET: 1, SlaPhase.CLOSED: 2}[clock.phase]
    server_breached = 0 if incident.sla and incident.sla.breached else 1
    due = clock.due_at.timestamp() if clock.due_at else 0.0
    return (group, server_breached, due)


def column_sort_key(column: int, row: QueueRow) -> Any:
    """Ascending key of `row` in `column`: the most urgent or natural first; -1 is the default order."""
    incident = row.incident
    if column == Column.SEVERITY:
        return -incident.severity.rank
    if column == Column.CATEGORY:
        return (row.pkey[2], row.display[Column.CATEGORY])
    if column == Column.STATUS:
        return _LIFECYCLE.get(incident.status, len(_LIFECYCLE))
    if column == Column.SUBJECT:
        return _sort_text(incident.subject.name)
    if column == Column.ADDRESS:
        return _sort_text(row.display[Column.ADDRESS])
    if column == Column.AGE:
        return incident.created_at.timestamp()
    if column == Column.SLA:
        return _sla_sort_key(incident)
    if column == Column.RESPONDER:
        has = incident.responder is not None and bool(incident.responder.unit or incident.responder.name)
        return (not has, row.display[Column.RESPONDER].casefold())
    if column == Column.DRILL:
        return not incident.is_drill
    return 0


class QueueRow:
    """One incident version as the queue shows it; `key` is its place in the sorted view (None: hidden)."""

    __slots__ = ("_pkey", "_sla", "_sla_tick", "_texts", "fields", "incident", "incident_id", "key")

    def __init__(self, incident: Incident) -> None:
        self.incident = incident
        self.incident_id = incident.incident_id
        self.fields: FilterFields = filter_fields(incident)
        self.key: tuple[Any, PriorityKey] | None = None
        self._pkey: PriorityKey | None = None
        self._texts: tuple[tuple[str, ...], tuple[str, ...]] | None = None
        self._sla: SlaWords | None = None
        self._sla_tick = -1

    @property
    def pkey(self) -> PriorityKey:
        """`rules.priority_key`, computed when first needed (most updated rows are filtered out)."""
        if self._pkey is None:
            self._pkey = priority_key(self.incident)
        return self._pkey

    @property
    def display(self) -> tuple[str, ...]:
        if self._texts is None:
            self._texts = _static_texts(self.incident)
        return self._texts[0]

    @property
    def tooltips(self) -> tuple[str, ...]:
        if self._texts is None:
            self._texts = _static_texts(self.incident)
        return self._texts[1]

    def sla(self, now: Callable[[], datetime], tick: int) -> SlaWords:
        """The SLA in words, computed at most once per refresh tick."""
        if self._sla is None or self._sla_tick != tick:
            self._sla = describe_sla(self.incident, now())
            self._sla_tick = tick
        return self._sla
