"""What the supervisor workspace needs from the core: a structural Protocol `ConsoleSession` satisfies.

The widgets never import the session; the shell hands them any object with these members. Reads
are coroutines awaited from `qasync.asyncSlot` slots; `iter_incident_pages` paces its requests
inside the rate budget, so a long gathering never starves the live poller.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any, Protocol, TypeVar

from sety_console.api.models import (
    CurrentVisitor,
    DangerAnalytics,
    DangerZone,
    Incident,
    IncidentPage,
    SafetyScore,
)
from sety_console.core.shift_records import ShiftRecordSource

__all__ = ["BudgetView", "IncidentSource", "SupervisorSession", "VisitorSource", "ZoneSource"]

T_co = TypeVar("T_co", covariant=True)


class _Source(Protocol[T_co]):
    def values(self) -> Iterable[T_co]: ...

    def get(self, key: str, /) -> T_co | None: ...


class IncidentSource(_Source[Incident], Protocol):
    """The incidents the core holds (keyed by `incident_id`)."""


class VisitorSource(_Source[CurrentVisitor], Protocol):
    """The visitors inside now (keyed by `log_id`)."""


class ZoneSource(_Source[DangerZone], Protocol):
    """The danger zones the core knows (keyed by `zone_id`)."""


class BudgetView(Protocol):
    """The rate budget as the server last reported it; both None before the first answer."""

    @property
    def limit(self) -> int | None: ...

    @property
    def remaining(self) -> int | None: ...


class SupervisorSession(Protocol):
    """The part of `ConsoleSession` the supervisor workspace uses.

    `iter_incident_pages(**filters)` takes the `list_incidents` query names (`status`, `category`,
    `severity`, `from_date`, `to_date` as aware datetimes, `limit`) and yields one `IncidentPage`
    after another, paced inside the rate budget; closing the iterator stops it.
    """

    @property
    def incidents(self) -> IncidentSource: ...

    @property
    def visitors(self) -> VisitorSource: ...

    @property
    def zones(self) -> ZoneSource: ...

    @property
    def budget(self) -> BudgetView: ...

    @property
    def records(self) -> ShiftRecordSource:
        """This workstation's audit trail and alarm history (operator activity, alarm KPIs)."""
        ...

    async def get_incident(self, incident_id: str) -> Incident: ...

    async def safety_score(self, lat: float, lng: float, radius_km: float = 2.0) -> SafetyScore: ...

    async def danger_analytics(
        self, lat: float, lng: float, radius_km: float = 2.0, days: int = 90
    ) -> DangerAnalytics: ...

    def iter_incident_pages(self, **filters: Any) -> AsyncIterator[IncidentPage]: ...
