"""Model factories for the core's tests (valid contract models with sensible defaults)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sety_console.api.models import CurrentVisitor, DangerZone, Incident

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def incident(
    n: int | str,
    *,
    updated: float = 0.0,
    status: str = "dispatching",
    severity: str = "high",
    category: str = "sos",
    created: float = 0.0,
    **extra: Any,
) -> Incident:
    """Incident `inc_<n>` created `created` s after T0 and updated `updated` s after T0."""
    incident_id = n if isinstance(n, str) else f"inc_{n:016d}"
    return Incident.model_validate(
        {
            "incident_id": incident_id,
            "category": category,
            "severity": severity,
            "status": status,
            "location": {"coordinates": [3.4, 6.5]},
            "created_at": T0 + timedelta(seconds=created),
            "updated_at": T0 + timedelta(seconds=updated),
            **extra,
        }
    )


def visitor(log_id: str, name: str = "Visitor", minutes: int = 0) -> CurrentVisitor:
    return CurrentVisitor(
        log_id=log_id, visitor_name=name, gate="Main", checked_in_at=T0, minutes_inside=minutes
    )


def zone(zone_id: str, score: int = 10) -> DangerZone:
    return DangerZone.model_validate(
        {"zone_id": zone_id, "center": {"coordinates": [3.4, 6.5]}, "risk_score": score}
    )
