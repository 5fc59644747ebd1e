"""Distances and straight-line movement on the WGS 84 sphere (good enough inside one city)."""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8


def distance_m(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    """Great-circle (haversine) distance in metres between two `[lng, lat]` points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def interpolate(start: tuple[float, float], end: tuple[float, float], fraction: float) -> tuple[float, float]:
    """The point `fraction` (0–1) of the way from `start` to `end`, as `[lng, lat]`, 6 decimals."""
    f = min(1.0, max(0.0, fraction))
    return (round(start[0] + (end[0] - start[0]) * f, 6), round(start[1] + (end[1] - start[1]) * f, 6))
