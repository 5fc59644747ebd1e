"""The records of shared operator state, as stored and as sent to workstations (JSON with contract
timestamps): alarm states, claims, audit entries, who is on shift."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from .changelog import iso_ms
from .db import AlarmRow, AuditRow, ClaimRow, now_ms


class AlarmState(Enum):
    UNACKNOWLEDGED = "unacknowledged"
    ACKNOWLEDGED = "acknowledged"
    SHELVED = "shelved"
    CLEARED = "cleared"


class StateError(ValueError):
    """A refused change (409: someone else holds the claim; 400: a bad value)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def ms_of(when: datetime | None) -> int | None:
    return None if when is None else int(when.astimezone(UTC).timestamp() * 1000)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts, from where, and when they acted (their clock; the hub stamps when it stored it)."""

    operator: str
    workstation: str = ""
    acted_at_ms: int | None = None

    def acted(self) -> int:
        return self.acted_at_ms if self.acted_at_ms is not None else now_ms()


def alarm_json(row: AlarmRow) -> dict[str, Any]:
    return {
        "incident_id": row.incident_id,
        "reason": row.reason,
        "state": row.state,
        "actor": row.actor,
        "workstation": row.workstation,
        "acted_at": iso_ms(row.acted_at_ms),
        "stored_at": iso_ms(row.stored_at_ms),
        "shelved_until": iso_ms(row.shelved_until_ms) if row.shelved_until_ms is not None else None,
        "note": row.note,
    }


def claim_json(row: ClaimRow) -> dict[str, Any]:
    return {
        "incident_id": row.incident_id,
        "operator": row.operator,
        "workstation": row.workstation,
        "acted_at": iso_ms(row.acted_at_ms),
        "stored_at": iso_ms(row.stored_at_ms),
    }


def audit_json(row: AuditRow) -> dict[str, Any]:
    return {
        "entry_id": row.entry_id,
        "actor": row.actor,
        "workstation": row.workstation,
        "action": row.action,
        "target_id": row.target_id,
        "detail": row.detail,
        "acted_at": iso_ms(row.acted_at_ms),
        "stored_at": iso_ms(row.stored_at_ms),
    }


@dataclass(frozen=True, slots=True)
class OnShift:
    operator: str
    workstation: str
    connected_at: str
