"""The access log's table: one page of visits, the status in words and colour."""

from __future__ import annotations

from typing import Any

from sety_console.api.models import AccessLog, AccessLogStatus
from sety_console.core.gate_wording import format_minutes, format_when

from .style import Tone
from .table_model import PageModel, TableColumn


def _host(log: AccessLog) -> str:
    return f"{log.host_name} · {log.host_unit}" if log.host_unit else log.host_name


def _status_tone(log: AccessLog) -> Tone:
    return Tone.PENDING if log.status is AccessLogStatus.checked_in else Tone.IDLE


def _status(log: AccessLog) -> str:
    return "Inside" if log.status is AccessLogStatus.checked_in else log.status.label


ACCESS_LOG_COLUMNS: list[TableColumn[AccessLog]] = [
    TableColumn("In", lambda log: format_when(log.checked_in_at)),
    TableColumn("Out", lambda log: format_when(log.checked_out_at) if log.checked_out_at else "—"),
    TableColumn("Status", _status, _status_tone),
    TableColumn("Visitor", lambda log: log.visitor_name),
    TableColumn("Phone", lambda log: log.visitor_phone or ""),
    TableColumn("Host · unit", _host),
    TableColumn("Gate", lambda log: log.gate),
    TableColumn("Plate", lambda log: log.vehicle_plate or ""),
    TableColumn("Method", lambda log: log.method.label),
    TableColumn("Duration", lambda log: format_minutes(log.duration_minutes)),
    TableColumn("Notes", lambda log: log.checkout_notes or ""),
]


def access_log_model(parent: Any = None) -> PageModel[AccessLog]:
    """A page model showing visits with the access log's columns."""
    return PageModel(ACCESS_LOG_COLUMNS, parent)
