"""The control-room hub's own wire models: stream messages and shared operator state (not Sety's contract).

Tolerant like every response model: unknown fields are ignored, so a newer hub never breaks a console.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .models._base import Timestamp


class HubModel(BaseModel):
    model_config = ConfigDict(extra="ignore")


class AlarmRecord(HubModel):
    """The shared state of one alarm: (incident, reason) → ISA-18.2 state, who and when."""

    incident_id: str
    reason: str
    state: str  # unacknowledged | acknowledged | shelved | cleared
    actor: str = ""
    workstation: str = ""
    acted_at: Timestamp
    stored_at: Timestamp
    shelved_until: Timestamp | None = None
    note: str = ""


class ClaimRecord(HubModel):
    """Who has taken an incident ("taken by Ada, 03:12")."""

    incident_id: str
    operator: str
    workstation: str = ""
    acted_at: Timestamp
    stored_at: Timestamp


class AuditRecord(HubModel):
    """One operator action: the time the operator acted and the time it was stored / confirmed."""

    entry_id: int | None = None
    actor: str
    workstation: str = ""
    action: str
    target_id: str = ""
    detail: str = ""
    acted_at: Timestamp
    stored_at: Timestamp


class OnShift(HubModel):
    operator: str
    workstation: str = ""
    connected_at: Timestamp


class HubState(HubModel):
    seq: int = 0
    alarms: list[AlarmRecord] = Field(default_factory=list)
    claims: list[ClaimRecord] = Field(default_factory=list)
    on_shift: list[OnShift] = Field(default_factory=list)


class WhoAmI(HubModel):
    operator: str
    hub_id: str = ""
    environment: str = ""  # "live" | "test": the org key's environment
    scopes: dict[str, bool] | None = None


class AuditPage(HubModel):
    data: list[AuditRecord] = Field(default_factory=list)


# ---------------------------------------------------------------------------------------- stream


class StreamHello(HubModel):
    type: Literal["hello"]
    operator: str = ""
    hub_id: str = ""
    environment: str = ""  # "live" | "test": the org key's environment
    head: int = 0
    resumed: bool = False


class StreamSnapshot(HubModel):
    """Everything at sequence `seq`; documents stay raw JSON objects until the core parses them."""

    type: Literal["snapshot"]
    seq: int
    incidents: list[dict[str, Any]] = Field(default_factory=list)
    visitors: list[dict[str, Any]] = Field(default_factory=list)
    zones: list[dict[str, Any]] = Field(default_factory=list)
    alarms: list[AlarmRecord] = Field(default_factory=list)
    claims: list[ClaimRecord] = Field(default_factory=list)
    on_shift: list[OnShift] = Field(default_factory=list)


class StreamChange(HubModel):
    """One numbered change: picture kinds carry documents, the others shared state."""

    type: Literal["change"]
    seq: int
    kind: str  # incidents | visitors | zones | alarm | claim | audit | shift
    at: Timestamp | None = None
    upsert: list[dict[str, Any]] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    full: bool = False
    alarm: AlarmRecord | None = None
    claim: ClaimRecord | None = None
    incident_id: str | None = None
    audit: AuditRecord | None = None
    on_shift: list[OnShift] | None = None


class StreamStatus(HubModel):
    """How fresh the hub's picture is and how its link to Sety stands (not numbered)."""

    type: Literal["status"]
    seq: int = 0
    fresh: dict[str, datetime | None] = Field(default_factory=dict)
    stale: dict[str, bool] = Field(default_factory=dict)
    expected: dict[str, float] = Field(default_factory=dict)
    """Seconds between two refreshes of each part, as the hub plans them (its liveness yardstick)."""
    connection: dict[str, Any] = Field(default_factory=dict)
    mode: str = ""
    scopes: dict[str, bool] | None = None
    leader: str | None = None
    push: dict[str, Any] | None = None


class StreamError(HubModel):
    type: Literal["error"]
    code: int = 0
    message: str = ""


StreamMessage = StreamHello | StreamSnapshot | StreamChange | StreamStatus | StreamError
