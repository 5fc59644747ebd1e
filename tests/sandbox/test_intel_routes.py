"""Threat-intelligence routes over the service-area history (seeded history plus non-drill incidents)."""

from __future__ import annotations

from typing import Any

import pytest

from sety_console.api.models import DangerAnalytics, DangerZonePage, HeatmapResponse, RouteSafety, SafetyScore
from sety_console.sandbox import accounts
from sety_console.sandbox.clock import to_ms

from .helpers import Harness, incident_body

pytestmark = pytest.mark.asyncio

YABA = "lat=6.5095&lng=3.3841"
LEVELS = ("low", "moderate", "high", "severe")


async def get(harness: Harness, path: str) -> Any:
    response = await harness.call("GET", path, "supervisor")
    assert response.status_code == 200, response.text
    return response.json()


async def test_danger_zones_are_ranked_paged_and_filtered(demo: Harness) -> None:
    everything = await get(demo, "/danger-zones?limit=100")
    DangerZonePage.model_validate(everything)
    zones = everything["data"]
    assert len(zones) >= 3
    assert [z["risk_score"] for z in zones] == sorted((z["risk_score"] for z in zones), reverse=True)
    assert all(z["zone_id"].startswith("dz_") for z in zones)
    second = await get(demo, "/danger-zones?limit=1&page=2")
    assert second["data"] == [zones[1]]
    assert second["pagination"]["total"] == len(zones)
    high = await get(demo, "/danger-zones?min_risk_level=high&limit=100")
    assert all(LEVELS.index(z["risk_level"]) >= 2 for z in high["data"])
    near = await get(demo, f"/danger-zones?{YABA}&radius_km=3&limit=100")
    assert 0 < len(near["data"]) < len(zones)
    assert await get(demo, "/danger-zones?limit=100") == everything  # the same history gives the same zones


async def test_heatmap_bins_the_history(demo: Harness) -> None:
    box = await get(demo, "/heatmap?bbox=3.30,6.40,3.50,6.60&grid_meters=500")
    HeatmapResponse.model_validate(box)
    assert box["bbox"] == [3.30, 6.40, 3.50, 6.60]
    assert box["total_incidents"] == sum(p["count"] for p in box["points"]) > 100
    assert box["max_count"] == max(p["count"] for p in box["points"])
    assert box["period"] == {"from": "2025-12-10T12:00:00.000Z", "to": "2026-03-10T12:00:00.000Z"}
    sos = await get(demo, "/heatmap?bbox=3.30,6.40,3.50,6.60&grid_meters=500&category=sos")
    assert 0 < sos["total_incidents"] < box["total_incidents"]
    week = await get(demo, "/heatmap?bbox=3.30,6.40,3.50,6.60&grid_meters=500&from_date=2026-03-03")
    assert 0 < week["total_incidents"] < box["total_incidents"]
    around = await get(demo, f"/heatmap?{YABA}&radius_km=1")
    assert around["grid_meters"] == 250
    assert around["bbox"][0] < 3.3841 < around["bbox"][2]


async def test_safety_score_analytics_and_route(demo: Harness) -> None:
    score = await get(demo, f"/safety/score?{YABA}")
    SafetyScore.model_validate(score)
    assert 0 <= score["score"] <= 100
    band = (
        "safe"
        if score["score"] >= 80
        else "moderate"
        if score["score"] >= 60
        else "caution"
        if score["score"] >= 40
        else "danger"
    )
    assert score["level"] == band
    assert score["incident_count"] > 0
    analytics = await get(demo, f"/danger-zones/analytics?{YABA}&days=30")
    DangerAnalytics.model_validate(analytics)
    assert analytics["period_days"] == 30
    assert analytics["safety_score"]["score"] == score["score"]
    assert len(analytics["time_analysis"]["by_hour"]) == 24
    assert analytics["safe_zones"]["zones"]
    route = await get(
        demo, "/safety/route?origin=6.5095,3.3841&destination=6.4281,3.4219&waypoints=6.4969,3.3515"
    )
    RouteSafety.model_validate(route)
    assert len(route["segments"]) >= 6
    assert route["distance_meters"] > 10_000


async def test_drills_never_feed_intelligence_but_live_incidents_do(harness: Harness) -> None:
    empty = await get(harness, f"/heatmap?{YABA}&radius_km=1")
    assert (empty["total_incidents"], await get(harness, "/danger-zones")) == (
        0,
        {
            "data": [],
            "pagination": {"page": 1, "limit": 20, "total": 0, "total_pages": 0, "has_more": False},
        },
    )
    for _ in range(3):  # test keys: drills
        await harness.create_incident(location={"coordinates": [3.3841, 6.5095]})
    assert (await get(harness, f"/heatmap?{YABA}&radius_km=1"))["total_incidents"] == 0
    with harness.sandbox.db.session() as session:
        _, live = accounts.mint_key(
            session, accounts.OTHER_ORG_ID, "live", "live", ["incidents:write"], to_ms(harness.clock.now())
        )
    body = incident_body(location={"coordinates": [3.3841, 6.5095]})
    response = await harness.call(
        "POST", "/incidents", None, headers={"Authorization": f"Bearer {live}"}, json=body
    )
    assert response.json()["incident"]["is_drill"] is False
    assert (await get(harness, f"/heatmap?{YABA}&radius_km=1"))["total_incidents"] == 1  # any organisation's
