"""Distances, boxes and points on the ground (WGS 84 degrees in, metres out)."""

from __future__ import annotations

import math

import numpy as np

from sety_console.api.models import GeoPoint

from .records import FloatArray

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180.0
"""Length of one degree of latitude (and of longitude at the equator)."""

BBox = tuple[float, float, float, float]
"""`(min_lng, min_lat, max_lng, max_lat)`, as the contract writes boxes."""


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance between two points, in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def distances_m(lat: float, lng: float, lats: FloatArray, lngs: FloatArray) -> FloatArray:
    """Distances from one point to many, in metres (local flat-earth approximation, < 0.1 % off at 50 km)."""
    k = math.cos(math.radians(lat))
    dx = (lngs - lng) * (METRES_PER_DEGREE * k)
    dy = (lats - lat) * METRES_PER_DEGREE
    result: FloatArray = np.hypot(dx, dy)
    return result


def bbox_around(lat: float, lng: float, radius_km: float) -> BBox:
    """The smallest box `(min_lng, min_lat, max_lng, max_lat)` holding the circle around a point."""
    if radius_km < 0:
        raise ValueError("the radius must not be negative")
    dlat = radius_km * 1000.0 / METRES_PER_DEGREE
    dlng = dlat / max(math.cos(math.radians(lat)), 1e-6)
    return (
        round(max(-180.0, lng - dlng), 6),
        round(max(-90.0, lat - dlat), 6),
        round(min(180.0, lng + dlng), 6),
        round(min(90.0, lat + dlat), 6),
    )


def grow_bbox(bbox: BBox, margin_m: float) -> BBox:
    """`bbox` widened by `margin_m` metres on every side."""
    min_lng, min_lat, max_lng, max_lat = bbox
    dlat = margin_m / METRES_PER_DEGREE
    widest = max(abs(min_lat), abs(max_lat))
    dlng = dlat / max(math.cos(math.radians(min(89.0, widest))), 1e-6)
    return (min_lng - dlng, min_lat - dlat, max_lng + dlng, max_lat + dlat)


def geo_point(lat: float, lng: float, digits: int = 5) -> GeoPoint:
    """A contract `GeoPoint` (`[lng, lat]`, rounded to `digits` decimals, no accuracy)."""
    return GeoPoint(coordinates=(round(lng, digits), round(lat, digits)), accuracy_m=None)


def circle_area_km2(radius_km: float) -> float:
    """Area of a disc, in square kilometres."""
    return math.pi * radius_km * radius_km


def segment_distances_m(
    start: tuple[float, float], end: tuple[float, float], lats: FloatArray, lngs: FloatArray
) -> FloatArray:
    """Distance from each point to the straight segment `start`→`end` (`(lat, lng)` each), in metres."""
    lat0 = (start[0] + end[0]) / 2
    k = METRES_PER_DEGREE * math.cos(math.radians(lat0))
    ax, ay = (start[1] - end[1]) * k / 2, (start[0] - end[0]) * METRES_PER_DEGREE / 2
    bx, by = -ax, -ay
    px = (lngs - (start[1] + end[1]) / 2) * k
    py = (lats - lat0) * METRES_PER_DEGREE
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if length2 == 0.0:
        result: FloatArray = np.hypot(px - ax, py - ay)
        return result
    t = np.clip(((px - ax) * dx + (py - ay) * dy) / length2, 0.0, 1.0)
    result = np.hypot(px - (ax + t * dx), py - (ay + t * dy))
    return result


def compass(from_lat: float, from_lng: float, to_lat: float, to_lng: float) -> str:
    """The compass direction (`north`, `north-east`, …) from one point to another."""
    dx = (to_lng - from_lng) * math.cos(math.radians(from_lat))
    dy = to_lat - from_lat
    angle = (math.degrees(math.atan2(dx, dy)) + 360.0) % 360.0
    names = ("north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west")
    return names[round(angle / 45.0) % 8]
