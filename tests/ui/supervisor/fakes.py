"""A fake supervisor backend over the contract's examples and synthetic incidents (no network)."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sety_console.api.models import (
    CurrentVisitor,
    CurrentVisitorsResponse,
    DangerAnalytics,
    DangerZone,
    DangerZonePage,
    Incident,
    IncidentPage,
    SafetyLevel,
    SafetyScore,
)
from sety_console.core.alarm_records import AlarmRecord
from sety_console.core.audit import AuditEntry

EXAMPLES = Path(__file__).resolve().parents[3] / "contract" / "examples"
NOW = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)
T = TypeVar("T")


def example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def make_incident(
    number: int,
    created_at: datetime,
    *,
    category: str = "sos",
    severity: str = "high",
    status: str = "resolved",
    assign_s: float | None = 60.0,
    arrive_s: float | None = 600.0,
    breached: bool = False,
    notes: Iterable[tuple[datetime, str]] = (),
    closed_after: timedelta = timedelta(minutes=40),
    sla: bool = True,
) -> Incident:
    """One incident as the server would send it, with a consistent timeline."""
    timeline: list[dict[str, Any]] = [
        {
            "status": "created",
            "event": "created",
            "message": "Incident created",
            "timestamp": stamp(created_at),
        }
    ]
    if assign_s is not None:
        timeline.append(
            {
                "status": "assigned",
                "event": "assigned",
                "message": f"Patrol {number % 9 + 1} accepted the incident",
                "timestamp": stamp(created_at + timedelta(seconds=assign_s)),
            }
        )
    if breached:
        timeline.append(
            {
                "status": "dispatching",
                "event": "sla_breached",
                "message": "No responder assigned within the target",
                "timestamp": stamp(created_at + timedelta(seconds=61)),
            }
        )
    for moment, message in notes:
        timeline.append(
            {
                "status": status,
                "event": "note_added",
                "message": message,
                "timestamp": stamp(moment),
                "author": "Funke Adeyemi",
            }
        )
    closed = created_at + closed_after
    terminal = status in ("resolved", "cancelled")
    if terminal:
        timeline.append(
            {"status": status, "event": status, "message": f"Incident {status}", "timestamp": stamp(closed)}
        )
    updated = max(datetime.fromisoformat(e["timestamp"].replace("Z", "+00:00")) for e in timeline)
    body: dict[str, Any] = {
        "incident_id": f"inc_{number:016d}",
        "category": category,
        "severity": severity,
        "status": status,
        "subject": {"name": f"Subject {number}"},
        "title": f"Synthetic incident {number}",
        "location": {"coordinates": [3.38 + number % 7 * 0.01, 6.45 + number % 5 * 0.01], "address": "Lagos"},
        "is_drill": False,
        "timeline": timeline,
        "sla": {
            "response_target_seconds": 120,
            "arrival_target_seconds": 900,
            "time_to_assign_seconds": assign_s,
            "time_to_arrive_seconds": arrive_s,
            "breached": breached,
        }
        if sla
        else None,
        "created_at": stamp(created_at),
        "updated_at": stamp(updated),
        "resolved_at": stamp(closed) if status == "resolved" else None,
        "cancelled_at": stamp(closed) if status == "cancelled" else None,
    }
    return Incident.model_validate(body)


def synthetic_incidents(count: int, *, now: datetime = NOW, days: int = 7, seed: int = 8) -> list[Incident]:
    """`count` varied incidents over the last `days` days, newest first (like the API's order)."""
    rng = random.Random(seed)
    categories = ("sos", "vehicle", "location_threat", "medical")
    severities = ("critical", "high", "medium", "low")
    incidents = []
    for number in range(count):
        created = now - timedelta(minutes=rng.randint(30, days * 24 * 60))
        status = rng.choices(("resolved", "cancelled", "responding", "dispatching"), (70, 10, 12, 8))[0]
        assigned = status != "dispatching"
        incidents.append(
            make_incident(
                number,
                created,
                category=rng.choices(categories, (35, 25, 30, 10))[0],
                severity=rng.choices(severities, (10, 35, 35, 20))[0],
                status=status,
                assign_s=rng.lognormvariate(4.2, 0.6) if assigned else None,
                arrive_s=rng.lognormvariate(6.4, 0.4) if status in ("resolved",) else None,
                breached=rng.random() < 0.15,
            )
        )
    return sorted(incidents, key=lambda i: (i.created_at, i.incident_id), reverse=True)


@dataclass
class FakeStore:
    """values()/get() over a dict, like the core's stores."""

    items: dict[str, Any] = field(default_factory=dict)

    def values(self) -> list[Any]:
        return list(self.items.values())

    def get(self, key: str) -> Any | None:
        return self.items.get(key)


@dataclass
class FakeBudget:
    limit: int | None = 300
    remaining: int | None = 290


@dataclass
class FakeRecords:
    """A workstation's audit trail and alarm history in memory (`ShiftRecordSource`); None: no file."""

    entries: list[AuditEntry] | None = field(default_factory=list)
    alarm_log: list[AlarmRecord] | None = field(default_factory=list)
    reads: int = 0

    async def audit_entries(self, since: datetime, until: datetime) -> list[AuditEntry] | None:
        self.reads += 1
        if self.entries is None:
            return None
        return [e for e in self.entries if since <= e.acted_at <= until]

    async def alarm_records(self, since: datetime, until: datetime) -> list[AlarmRecord] | None:
        self.reads += 1
        if self.alarm_log is None:
            return None
        return [r for r in self.alarm_log if since <= r.at <= until]


class FakeBackend:
    """Satisfies `SupervisorSession`; counts calls; can be slowed or made to fail."""

    def __init__(self, incidents: list[Incident] | None = None, *, page_delay: float = 0.0) -> None:
        self.analytics = DangerAnalytics.model_validate(example("getDangerAnalytics.response.json"))
        self.score = SafetyScore.model_validate(example("getSafetyScore.response.json"))
        self.all_incidents = incidents if incidents is not None else synthetic_incidents(240)
        self.page_delay = page_delay
        self.fail_analytics: Exception | None = None
        self.fail_for: set[float] = set()
        """Latitudes whose analytics fail (one place of a comparison)."""
        self.analytics_delay = 0.0
        self.calls: list[tuple[str, Any]] = []
        self.pages_served = 0
        self.in_flight = 0
        self.max_in_flight = 0
        visitors = CurrentVisitorsResponse.model_validate(example("listCurrentVisitors.response.json")).data
        zones = DangerZonePage.model_validate(example("listDangerZones.response.json")).data
        self._incidents = FakeStore({i.incident_id: i for i in self.all_incidents if i.status.is_active})
        self._visitors = FakeStore({v.log_id: v for v in visitors})
        self._zones = FakeStore({z.zone_id: z for z in zones})
        self._budget = FakeBudget()
        self.records = FakeRecords()

    @property
    def incidents(self) -> FakeStore:
        return self._incidents

    @property
    def visitors(self) -> FakeStore:
        return self._visitors

    @property
    def zones(self) -> FakeStore:
        return self._zones

    @property
    def budget(self) -> FakeBudget:
        return self._budget

    async def get_incident(self, incident_id: str) -> Incident:
        self.calls.append(("get_incident", incident_id))
        return next(i for i in self.all_incidents if i.incident_id == incident_id)

    async def safety_score(self, lat: float, lng: float, radius_km: float = 2.0) -> SafetyScore:
        self.calls.append(("safety_score", (lat, lng)))
        return self.score

    async def danger_analytics(
        self, lat: float, lng: float, radius_km: float = 2.0, days: int = 90
    ) -> DangerAnalytics:
        self.calls.append(("danger_analytics", (lat, lng, radius_km, days)))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.analytics_delay)
            if self.fail_analytics is not None:
                raise self.fail_analytics
            if lat in self.fail_for:
                raise RuntimeError("The Sety API answered 500 (HTTP 500)")
            value = int(35 + (lat * 1000 + lng * 100) % 60)
            level = SafetyLevel(
                "safe"
                if value >= 80
                else "moderate"
                if value >= 60
                else "caution"
                if value >= 40
                else "danger"
            )
            score = self.analytics.safety_score.model_copy(update={"score": value, "level": level})
            return self.analytics.model_copy(update={"safety_score": score})
        finally:
            self.in_flight -= 1

    async def iter_incident_pages(self, **filters: Any) -> AsyncIterator[IncidentPage]:
        self.calls.append(("iter_incident_pages", filters))
        matching = [i for i in self.all_incidents if _matches(i, filters)]
        limit = int(filters.get("limit") or 20)
        total_pages = max((len(matching) + limit - 1) // limit, 0)
        for page in range(1, total_pages + 1):
            await asyncio.sleep(self.page_delay)
            chunk = matching[(page - 1) * limit : page * limit]
            self.pages_served += 1
            yield IncidentPage.model_validate(
                {
                    "data": [i.model_dump(mode="json") for i in chunk],
                    "pagination": {
                        "page": page,
                        "limit": limit,
                        "total": len(matching),
                        "total_pages": total_pages,
                        "has_more": page < total_pages,
                    },
                }
            )


def _matches(incident: Incident, filters: dict[str, Any]) -> bool:
    def allowed(name: str, value: str) -> bool:
        wanted = filters.get(name)
        if wanted is None:
            return True
        wanted = [wanted] if isinstance(wanted, str) else list(wanted)
        return value in [str(w) for w in wanted]

    start, end = filters.get("from_date"), filters.get("to_date")
    return (
        allowed("status", incident.status.value)
        and allowed("category", incident.category.value)
        and allowed("severity", incident.severity.value)
        and (start is None or incident.created_at >= start)
        and (end is None or incident.created_at <= end)
    )


def current_visitors() -> list[CurrentVisitor]:
    return CurrentVisitorsResponse.model_validate(example("listCurrentVisitors.response.json")).data


def danger_zones() -> list[DangerZone]:
    return DangerZonePage.model_validate(example("listDangerZones.response.json")).data
