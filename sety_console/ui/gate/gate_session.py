"""What the gate workspace needs from the core: a structural Protocol that `ConsoleSession` satisfies.

The widgets never import the session; the shell hands them any object with these members. Reads are
coroutines (awaited from `qasync.asyncSlot` slots); every action goes through the outbox and returns
its `OutboxEntry` once it is saved on disk, whose later states arrive on `outbox_changed`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from sety_console.api.models import (
    AccessCodePage,
    AccessLogPage,
    AccessLogStats,
    AccessLogStatus,
    CreateAccessCodeRequest,
    CreateAccessLogRequest,
    CurrentVisitor,
    ValidationResult,
)
from sety_console.core.actions import OutboxEntry
from sety_console.core.changes import ChangeSet
from sety_console.core.events import Event

__all__ = ["GateSession", "VisitorSource"]


class VisitorSource(Protocol):
    """The current visitors as the core's store holds them (keyed by `log_id`)."""

    def values(self) -> Iterable[CurrentVisitor]: ...

    def get(self, log_id: str, /) -> CurrentVisitor | None: ...


class GateSession(Protocol):
    """The part of `ConsoleSession` the gate workspace uses.

    `visitors` is read afresh on every change (the poller may replace the store); `visitors_changed`
    and `outbox_changed` call their listeners on the loop's thread (the GUI thread under qasync).
    Date filters are days: `from_date` counts from 00:00 UTC, `to_date` up to 23:59:59.999 UTC.
    """

    @property
    def visitors(self) -> VisitorSource: ...

    @property
    def visitors_changed(self) -> Event[ChangeSet]: ...

    @property
    def outbox_changed(self) -> Event[OutboxEntry]: ...

    async def validate_access_code(self, code: str) -> ValidationResult: ...

    async def list_access_codes(
        self, *, status: list[str] | None = None, page: int = 1, limit: int = 50
    ) -> AccessCodePage: ...

    async def list_access_logs(
        self,
        *,
        status: AccessLogStatus | None = None,
        gate: str | None = None,
        from_date: date | None = None,
        to_date: date | None = None,
        search: str | None = None,
        page: int = 1,
        limit: int = 50,
    ) -> AccessLogPage: ...

    async def access_log_stats(
        self, *, from_date: date | None = None, to_date: date | None = None, gate: str | None = None
    ) -> AccessLogStats: ...

    async def create_access_code(self, request: CreateAccessCodeRequest) -> OutboxEntry: ...

    async def revoke_access_code(self, code_id: str) -> OutboxEntry: ...

    async def check_in(self, request: CreateAccessLogRequest) -> OutboxEntry: ...

    async def check_out(
        self, log_id: str, notes: str | None = None, gate: str | None = None
    ) -> OutboxEntry: ...

    def pending_for(self, target_id: str) -> list[OutboxEntry]: ...
