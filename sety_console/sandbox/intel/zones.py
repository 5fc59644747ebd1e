"""Danger zones: where the last 90 days' incidents are unusually dense, found on a 250 m grid."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from datetime import datetime

import numpy as np

from sety_console.api.models import Category, CategoryCounts, DangerZone

from ..geodata import NEIGHBOURHOODS, SPOTS
from .bands import RISK_ORDER, clamp_score, risk_level, risk_rank
from .city import PLACE_M, populated_cells
from .geo import compass, distances_m, geo_point, haversine_m
from .grid import Cell, Grid, dense_clusters
from .records import CATEGORIES, WINDOW_DAYS, Columns, IncidentPoint, IntArray, columns, ranked

CELL_M = 250.0
MIN_BLOCK = 6
"""A cell's 3 × 3 block (750 m square) needs at least this many incidents to be dense …"""
DENSE_FACTOR = 6.0
"""… and at least six times what a block holds on average across the city's populated places."""
MIN_ZONE_INCIDENTS = 8
MIN_RADIUS_M = 150.0
ZONE_LOAD_SCALE = 18.0
"""Severity-, recency- and status-weighted load at which a zone's risk score reaches 63."""

_ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def danger_zones(points: Sequence[IncidentPoint], now: datetime) -> list[DangerZone]:
    """Danger zones from the incidents of the last 90 days, most dangerous first.

    A 250 m cell is dense when its 3 × 3 block holds at least 6 incidents and at least six times the
    average block of the city's populated places (`city.populated_cells`), so the bar rises with the
    volume of the history. Each zone is one cluster of touching dense cells: its centre is the mean
    position of its incidents, its radius covers 90 % of them, and its `risk_score` grows with their
    number, severity and recency. Its id derives from the cluster's fullest cell, so it stays the
    same from one computation to the next as long as that cell stays the fullest.
    """
    everything = columns(points, now)
    cols = everything.subset(everything.within_days(WINDOW_DAYS))
    populated_blocks = len(populated_cells()) * (PLACE_M / CELL_M) ** 2 / 9.0
    threshold = max(MIN_BLOCK, DENSE_FACTOR * len(cols) / max(populated_blocks, 1.0))
    clusters = dense_clusters(
        Grid(CELL_M), cols.lat, cols.lng, threshold=threshold, min_size=MIN_ZONE_INCIDENTS
    )
    zones = [_zone(cols, rows, peak, now) for peak, rows in clusters]
    zones.sort(key=lambda z: (-z.risk_score, -z.incident_count, z.zone_id))
    return _name_zones(zones)


def zones_near(
    zones: Sequence[DangerZone], lat: float, lng: float, radius_km: float, min_risk_level: str | None
) -> list[DangerZone]:
    """The zones whose circle overlaps the search circle, at `min_risk_level` or above, order kept."""
    if min_risk_level is not None and min_risk_level not in RISK_ORDER:
        raise ValueError(f"min_risk_level must be one of {', '.join(RISK_ORDER)}")
    floor = risk_rank(min_risk_level) if min_risk_level else -1
    reach = radius_km * 1000.0
    return [
        zone
        for zone in zones
        if risk_rank(zone.risk_level.value) >= floor
        and haversine_m(lat, lng, zone.center.lat, zone.center.lng) <= reach + zone.radius_meters
    ]


def zone_id(peak: Cell) -> str:
    """`dz_` + 16 lowercase alphanumerics derived from the cluster's fullest grid cell."""
    number = int.from_bytes(hashlib.blake2b(f"{peak[0]}:{peak[1]}".encode(), digest_size=12).digest(), "big")
    tail = []
    for _ in range(16):
        number, digit = divmod(number, len(_ID_ALPHABET))
        tail.append(_ID_ALPHABET[digit])
    return "dz_" + "".join(tail)


def top_hours(hours: IntArray, limit: int = 3) -> list[int]:
    """Up to `limit` UTC hours with the most incidents, worst first (ties: earlier hour)."""
    counts = np.bincount(hours, minlength=24).tolist()
    order = sorted(range(24), key=lambda h: (-counts[h], h))
    return [h for h in order[:limit] if counts[h] > 0]


def _zone(cols: Columns, rows: IntArray, peak: Cell, now: datetime) -> DangerZone:
    members = cols.take(rows)
    lat, lng = float(members.lat.mean()), float(members.lng.mean())
    spread = distances_m(lat, lng, members.lat, members.lng)
    radius = max(MIN_RADIUS_M, round(float(np.percentile(spread, 90)), -1))
    load = float((members.weight * members.severity_weight).sum())
    risk = clamp_score(100.0 * (1.0 - math.exp(-load / ZONE_LOAD_SCALE)))
    categories = members.counts("category")
    return DangerZone(
        zone_id=zone_id(peak),
        name="",
        center=geo_point(lat, lng),
        radius_meters=float(radius),
        polygon=None,
        risk_level=risk_level(risk),
        risk_score=risk,
        incident_count=len(members),
        dominant_category=Category(ranked(categories, CATEGORIES)[0]),
        categories=CategoryCounts(**categories),
        peak_hours=top_hours(members.hour),
        last_incident_at=members.created_at(int(np.argmax(members.timestamp))),
        updated_at=now,
    )


def place_name(lat: float, lng: float, radius_m: float) -> str:
    """What to call an area: the nearest notable spot, else its part of a district, else its position."""
    spots = [(haversine_m(lat, lng, s.lat, s.lng), s.name) for s in SPOTS]
    distance, name = min(spots)
    if distance <= max(1200.0, radius_m + 400.0):
        return name
    hood = min(NEIGHBOURHOODS, key=lambda n: (haversine_m(lat, lng, n.lat, n.lng), n.name))
    away = haversine_m(lat, lng, hood.lat, hood.lng)
    if away <= hood.radius_m * 0.3:
        return f"Central {hood.name}"
    if away <= hood.radius_m * 1.5:
        return f"{compass(hood.lat, hood.lng, lat, lng).capitalize()} {hood.name}"
    return f"Area near {lat:.3f}, {lng:.3f}"


def _name_zones(zones: list[DangerZone]) -> list[DangerZone]:
    """Give each zone a readable, unique name (the more dangerous zone keeps the plain one)."""
    taken: set[str] = set()
    named = []
    for zone in zones:
        base = place_name(zone.center.lat, zone.center.lng, zone.radius_meters)
        name = base
        if name in taken:
            anchor = next((s for s in SPOTS if s.name == base), None)
            if anchor is not None:
                name = f"{base} ({compass(anchor.lat, anchor.lng, zone.center.lat, zone.center.lng)})"
        suffix = 2
        while name in taken:
            name, suffix = f"{base} {suffix}", suffix + 1
        taken.add(name)
        named.append(zone.model_copy(update={"name": name}))
    return named
