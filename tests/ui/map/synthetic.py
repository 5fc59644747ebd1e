"""Synthetic map data around Lagos (6.45–6.65 N, 3.30–3.60 E), built from the contract models."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sety_console.api.models import DangerZone, HeatmapResponse, Incident

CATEGORIES = ("sos", "vehicle", "location_threat", "medical")
SEVERITIES = ("critical", "high", "medium", "low")
STATUSES = ("created", "dispatching", "assigned", "responding", "on_scene", "resolved")
RISKS = ("severe", "high", "moderate", "low")
HOTSPOTS = ((6.5097, 3.3651), (6.4550, 3.3900), (6.6010, 3.3510), (6.5500, 3.4050), (6.4480, 3.4740))
NOW = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)


def _point(rng: random.Random, spread: float = 0.0) -> tuple[float, float]:
    """(lat, lng): near a hotspot when `spread` > 0, else anywhere in the box."""
    if spread:
        lat, lng = rng.choice(HOTSPOTS)
        return lat + rng.gauss(0, spread), lng + rng.gauss(0, spread)
    return rng.uniform(6.45, 6.65), rng.uniform(3.30, 3.60)


def incident(
    index: int,
    *,
    lat: float,
    lng: float,
    severity: str = "high",
    category: str = "sos",
    status: str = "created",
    responder_at: tuple[float, float] | None = None,
    title: str | None = None,
) -> Incident:
    data: dict[str, Any] = {
        "incident_id": f"inc_{index:06d}",
        "category": category,
        "severity": severity,
        "status": status,
        "title": title or f"Synthetic incident {index}",
        "location": {"coordinates": [lng, lat], "address": f"{index} Synthetic Street, Lagos"},
        "created_at": (NOW - timedelta(minutes=index % 600)).isoformat(),
        "updated_at": NOW.isoformat(),
    }
    if responder_at is not None:
        data["responder"] = {
            "responder_id": f"rsp_{index:04d}",
            "name": f"Officer {index}",
            "unit": f"Patrol {index % 40 + 1}",
            "position": {"coordinates": [responder_at[1], responder_at[0]]},
        }
    return Incident.model_validate(data)


def incidents(count: int, seed: int = 1) -> list[Incident]:
    """`count` incidents, a third with a responder (en route or on scene)."""
    rng = random.Random(seed)
    result = []
    for i in range(count):
        lat, lng = _point(rng, 0.02 if i % 2 else 0.0)
        status = rng.choice(STATUSES)
        responder = None
        if status in ("assigned", "responding", "on_scene") and i % 3 == 0:
            responder = (lat + rng.uniform(-0.02, 0.02), lng + rng.uniform(-0.02, 0.02))
        result.append(
            incident(
                i,
                lat=lat,
                lng=lng,
                severity=rng.choice(SEVERITIES),
                category=rng.choice(CATEGORIES),
                status=status,
                responder_at=responder,
            )
        )
    return result


def moved(items: list[Incident], seed: int = 2) -> list[Incident]:
    """The same incidents, each moved a little and with another severity and status."""
    rng = random.Random(seed)
    out = []
    for item in items:
        lng, lat = item.location.coordinates
        data = item.model_dump(mode="json")
        data["location"]["coordinates"] = [lng + rng.uniform(-0.003, 0.003), lat + rng.uniform(-0.003, 0.003)]
        data["severity"] = rng.choice(SEVERITIES)
        data["status"] = rng.choice(STATUSES)
        out.append(Incident.model_validate(data))
    return out


def zones(count: int, seed: int = 3) -> list[DangerZone]:
    """Circles, and every fifth zone a square polygon."""
    rng = random.Random(seed)
    result = []
    for i in range(count):
        lat, lng = _point(rng, 0.03 if i % 2 else 0.0)
        data: dict[str, Any] = {
            "zone_id": f"dz_{i:05d}",
            "name": f"Zone {i}",
            "center": {"coordinates": [lng, lat]},
            "radius_meters": rng.uniform(200, 700),
            "risk_level": RISKS[i % 4],
            "risk_score": rng.randint(20, 95),
            "incident_count": rng.randint(3, 60),
            "dominant_category": rng.choice(CATEGORIES),
            "peak_hours": sorted(rng.sample(range(24), 3)),
        }
        if i % 5 == 0:
            d = 0.004
            data["polygon"] = [[lng - d, lat - d], [lng + d, lat - d], [lng + d, lat + d], [lng - d, lat + d]]
        result.append(DangerZone.model_validate(data))
    return result


def heatmap(count: int, seed: int = 4) -> HeatmapResponse:
    rng = random.Random(seed)
    points = []
    for _ in range(count):
        lat, lng = _point(rng, 0.015)
        n = rng.randint(1, 14)
        points.append({"coordinates": [lng, lat], "count": n, "weight": round(n / 14, 3)})
    return HeatmapResponse.model_validate({"points": points, "max_count": 14, "total_incidents": 7 * count})
