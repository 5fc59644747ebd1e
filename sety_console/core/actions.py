"""User actions as the outbox keeps them: what was asked, and how far it got."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any


class ActionKind(Enum):
    """Every user action that changes something on the server."""

    CREATE_INCIDENT = "create_incident"
    CANCEL_INCIDENT = "cancel_incident"
    ADD_NOTE = "add_note"
    CREATE_ACCESS_CODE = "create_access_code"
    REVOKE_ACCESS_CODE = "revoke_access_code"
    CHECK_IN = "check_in"  # createAccessLog
    CHECK_OUT = "check_out"  # checkoutVisitor


class ActionState(Enum):
    PENDING = "pending"  # stored, not yet sent (or waiting to be retried)
    SENDING = "sending"
    DONE = "done"
    FAILED = "failed"  # permanent: the server refused it; `error` says why


class Settlement(Enum):
    """How a delivered action was known to be on the server (recorded for every done action)."""

    SENT = "sent"  # the answer to its first try
    RESENT = "resent"  # the answer to a later try (earlier ones never acted)
    REPLAYED = "replayed"  # the server answered a repeated idempotency key from its record
    FOUND = "found"  # after an ambiguous failure, the outbox found it on the server
    ALREADY_DONE = "already_done"  # 409: the server was already where the operator wanted it


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One action in the outbox.

    `payload` is the request body (a contract request model's `body()`); `target_id` is the
    incident, access code or access log the action is about (None for creates); `result` is
    the server's answer once done (JSON), e.g. the created incident.
    """

    action_id: str
    kind: ActionKind
    payload: dict[str, Any]
    target_id: str | None
    state: ActionState
    created_at: datetime
    created_by: str | None = None
    attempts: int = 0
    error: str | None = None
    result: dict[str, Any] | None = field(default=None)
    updated_at: datetime | None = None
    next_attempt_at: datetime | None = None
    """When a pending entry is retried next (None: as soon as possible)."""
    needs_check: bool = False
    """An earlier try may have reached the server: look there before sending again."""
    idempotency_key: str = ""
    """Sent as `Idempotency-Key` on every try (a create's is its body's `idempotency_key`)."""
    last_sent_at: datetime | None = None
    """Latest moment a try of this action may have started (wall clock, kept across restarts)."""
    settled_by: Settlement | None = None
    """How a done action was confirmed."""

    @property
    def is_open(self) -> bool:
        """Still on its way to the server (pending or sending)."""
        return self.state in (ActionState.PENDING, ActionState.SENDING)
