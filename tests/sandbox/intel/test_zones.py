"""Danger zones: clustering of the last 90 days, names, stable ids, ordering, the overlap filter."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from sety_console.sandbox.geodata import NEIGHBOURHOOD_BY_NAME
from sety_console.sandbox.intel import IncidentPoint, danger_zones, zones_near
from sety_console.sandbox.intel.geo import haversine_m
from sety_console.sandbox.intel.zones import place_name

from .conftest import FAR_AWAY, NOW, OJUELEGBA, cluster, offset, point, scattered, schema_errors


def test_dense_cluster_becomes_one_zone_with_its_dominant_category_and_peak_hours() -> None:
    points = cluster(40, OJUELEGBA, hours=(20, 21, 21)) + scattered(60)
    zones = danger_zones(points, NOW)
    assert len(zones) == 1
    zone = zones[0]
    assert re.fullmatch(r"dz_[a-z0-9]{16}", zone.zone_id)
    assert zone.name == "Ojuelegba Underbridge"
    assert zone.dominant_category is not None
    assert zone.dominant_category.value == "location_threat"
    assert zone.peak_hours[:2] == [21, 20]
    assert 40 <= zone.incident_count <= 44
    assert haversine_m(zone.center.lat, zone.center.lng, *OJUELEGBA) < 60
    assert 150 <= zone.radius_meters <= 400
    assert zone.polygon is None
    assert zone.categories.location_threat == 40
    assert zone.last_incident_at == max(p.created_at for p in points[:40])
    assert zone.updated_at == NOW
    assert schema_errors(zone, "DangerZone") == []


def test_more_and_more_recent_incidents_mean_a_higher_risk_score() -> None:
    small = cluster(12, FAR_AWAY, seed=3, start=500)
    big = cluster(60, OJUELEGBA, seed=4)
    zones = danger_zones(big + small + scattered(40), NOW)
    assert [z.incident_count >= 60 for z in zones] == [True, False]
    assert zones[0].risk_score > zones[1].risk_score
    assert zones[0].risk_level.value in ("high", "severe")
    assert all(0 <= z.risk_score <= 100 for z in zones)


def test_incidents_older_than_90_days_or_after_now_do_not_count() -> None:
    old = [
        point(k, p.lat, p.lng, p.created_at - timedelta(days=95))
        for k, p in enumerate(cluster(40, OJUELEGBA, max_days=3))
    ]
    future = [
        point(100 + k, p.lat, p.lng, NOW + timedelta(hours=1)) for k, p in enumerate(cluster(40, FAR_AWAY))
    ]
    assert danger_zones(old + future, NOW) == []


def test_zone_ids_stay_put_when_the_history_grows_elsewhere() -> None:
    base = cluster(40, OJUELEGBA)
    before = danger_zones(base, NOW)
    after = danger_zones(base + cluster(30, FAR_AWAY, start=900, seed=9) + scattered(50), NOW)
    assert len(before) == 1
    assert before[0].zone_id in {z.zone_id for z in after}
    assert len({z.zone_id for z in after}) == len(after)


def test_zones_near_keeps_overlapping_circles_at_the_level_asked_and_keeps_the_order(
    demo: list[IncidentPoint],
) -> None:
    zones = danger_zones(demo, NOW)
    lat, lng = zones[0].center.lat, zones[0].center.lng
    near = zones_near(zones, lat, lng, 1.0, None)
    assert near[0] == zones[0]
    assert near == [z for z in zones if z in near]  # order kept
    for zone in zones:
        reach = haversine_m(lat, lng, zone.center.lat, zone.center.lng) <= 1000 + zone.radius_meters
        assert (zone in near) == reach
    # a circle that only touches a zone's edge still overlaps it
    edge = offset(lat, lng, 0.0, zones[0].radius_meters + 900)
    assert zones[0] in zones_near(zones, *edge, 1.0, None)
    assert zones[0] not in zones_near(zones, *offset(lat, lng, 0.0, zones[0].radius_meters + 1200), 1.0, None)
    severe = zones_near(zones, lat, lng, 50.0, "severe")
    assert severe
    assert all(z.risk_level.value == "severe" for z in severe)
    high_up = zones_near(zones, lat, lng, 50.0, "high")
    assert {z.risk_level.value for z in high_up} <= {"high", "severe"}
    assert len(zones_near(zones, lat, lng, 50.0, "low")) == len(zones)


def test_demo_history_gives_named_sorted_zones_that_match_the_contract(demo: list[IncidentPoint]) -> None:
    zones = danger_zones(demo, NOW)
    assert 8 <= len(zones) <= 40
    assert [z.risk_score for z in zones] == sorted((z.risk_score for z in zones), reverse=True)
    assert len({z.name for z in zones}) == len(zones)
    assert {"Oshodi Interchange", "Obalende Motor Park", "Ojuelegba Underbridge"} <= {z.name for z in zones}
    assert {z.risk_level.value for z in zones} >= {"severe", "high"}
    for zone in zones:
        assert schema_errors(zone, "DangerZone") == []
        assert zone.incident_count == sum(zone.categories.as_dict().values())


def test_bad_min_risk_level_is_refused_in_words() -> None:
    with pytest.raises(ValueError, match="low, moderate, high, severe"):
        zones_near([], 6.5, 3.4, 2.0, "extreme")


def test_zones_are_named_after_a_spot_else_their_part_of_a_district_else_their_position() -> None:
    assert place_name(*offset(*OJUELEGBA, 300, 0), 200) == "Ojuelegba Underbridge"
    magodo = NEIGHBOURHOOD_BY_NAME["Magodo"]  # no notable spot within 2 km
    assert place_name(*offset(magodo.lat, magodo.lng, 0, -300), 200) == "Central Magodo"
    assert place_name(*offset(magodo.lat, magodo.lng, 1000, 0), 200) == "North Magodo"
    assert place_name(7.5, 4.5, 200) == "Area near 7.500, 4.500"
