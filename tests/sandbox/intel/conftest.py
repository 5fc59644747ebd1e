"""Helpers of the threat-intelligence tests: hand-built point sets, demo history, contract schemas."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from pydantic import BaseModel

from sety_console.sandbox.demo_data import history
from sety_console.sandbox.intel import IncidentPoint
from tests.contract import spec

NOW = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)  # a Tuesday
OJUELEGBA = (6.5097, 3.3651)
"""(lat, lng) of a notable spot in the seeded geodata."""
FAR_AWAY = (6.6190, 3.5080)
"""Ikorodu, about 20 km from Ojuelegba."""

_METRES_PER_DEGREE = 111_195.0


def offset(lat: float, lng: float, north_m: float, east_m: float) -> tuple[float, float]:
    """The point `north_m` metres north and `east_m` metres east of `(lat, lng)`."""
    return (
        lat + north_m / _METRES_PER_DEGREE,
        lng + east_m / (_METRES_PER_DEGREE * math.cos(math.radians(lat))),
    )


def point(
    index: int,
    lat: float,
    lng: float,
    created_at: datetime,
    *,
    category: str = "sos",
    severity: str = "high",
    status: str = "resolved",
    arrive: float | None = None,
) -> IncidentPoint:
    """One hand-built incident point."""
    return IncidentPoint(
        incident_id=f"inc_{index:016d}",
        lng=lng,
        lat=lat,
        category=category,
        severity=severity,
        status=status,
        created_at=created_at,
        time_to_assign_seconds=None,
        time_to_arrive_seconds=arrive,
    )


def cluster(
    count: int,
    centre: tuple[float, float],
    *,
    spread_m: float = 120.0,
    category: str = "location_threat",
    hours: Sequence[int] = (20, 21),
    start: int = 0,
    seed: int = 1,
    max_days: int = 60,
) -> list[IncidentPoint]:
    """`count` incidents within `spread_m` of `centre` at the given UTC hours, over `max_days` days."""
    rng = random.Random(seed)
    points = []
    for k in range(count):
        lat, lng = offset(*centre, rng.uniform(-spread_m, spread_m), rng.uniform(-spread_m, spread_m))
        day = NOW - timedelta(days=1 + rng.randrange(max_days))
        created = day.replace(hour=hours[k % len(hours)], minute=rng.randrange(60))
        points.append(point(start + k, lat, lng, created, category=category))
    return points


def scattered(count: int, *, start: int = 10_000, seed: int = 2) -> list[IncidentPoint]:
    """`count` incidents spread thinly over a 30 km square around Lagos, at any hour."""
    rng = random.Random(seed)
    return [
        point(
            start + k,
            6.45 + rng.random() * 0.27,
            3.25 + rng.random() * 0.27,
            NOW - timedelta(hours=rng.uniform(1, 24 * 80)),
            category=rng.choice(("sos", "vehicle", "medical")),
            severity=rng.choice(("low", "medium")),
        )
        for k in range(count)
    ]


def demo_points(now: datetime) -> list[IncidentPoint]:
    """The demo history (a year, as the sandbox seeds it) as the server would hand it over at `now`."""
    points = []
    for k, incident in enumerate(history(now)):
        status = incident.status_at(now)
        arrived = status in ("on_scene", "resolved") or (status == "cancelled" and incident.arrive_after_s)
        points.append(
            IncidentPoint(
                incident_id=f"inc_{k:016d}",
                lng=incident.lng,
                lat=incident.lat,
                category=incident.category,
                severity=incident.severity,
                status=status,
                created_at=incident.created_at,
                time_to_assign_seconds=incident.assign_after_s,
                time_to_arrive_seconds=incident.arrive_after_s if arrived else None,
            )
        )
    return points


@pytest.fixture(scope="session")
def demo() -> list[IncidentPoint]:
    """The demo year at `NOW` (about 12,000 incidents, built once for the session; never modify it)."""
    return demo_points(NOW)


def schema_errors(model: BaseModel, schema: str) -> list[str]:
    """What the contract's JSON Schema `schema` finds wrong with the model as the server would send it."""
    document: Any = model.model_dump(mode="json", by_alias=True)
    validator = Draft202012Validator(
        {"$ref": f"#/components/schemas/{schema}", "components": spec()["components"]},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
