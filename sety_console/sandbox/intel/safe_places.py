"""Places to seek help near a point, from the seeded list of Lagos police, hospitals and fire stations."""

from __future__ import annotations

import numpy as np

from sety_console.api.models import SafeZone, SafeZoneKind, SafeZones

from ..geodata import SAFE_PLACES, SafePlace
from .geo import distances_m, geo_point, haversine_m


def nearby_safe_zones(lat: float, lng: float, *, radius_km: float = 5.0, limit: int = 10) -> SafeZones:
    """Police stations, hospitals and fire stations within `radius_km`, nearest first (at most `limit`).

    `distance_meters` is the straight-line distance from the point, to the nearest 10 m.
    """
    if radius_km < 0 or limit < 0:
        raise ValueError("radius_km and limit must not be negative")
    found = places_within(lat, lng, radius_km * 1000.0)
    zones = [
        SafeZone(
            name=place.name,
            kind=SafeZoneKind(place.kind),
            location=geo_point(place.lat, place.lng, digits=4),
            distance_meters=float(round(distance, -1)),
            open_24h=place.open_24h,
        )
        for distance, place in found[:limit]
    ]
    return SafeZones(zones=zones)


_LATS = np.array([p.lat for p in SAFE_PLACES])
_LNGS = np.array([p.lng for p in SAFE_PLACES])


def places_within(lat: float, lng: float, radius_m: float) -> list[tuple[float, SafePlace]]:
    """`(distance in metres, place)` for every seeded place within `radius_m`, nearest first."""
    rough = distances_m(lat, lng, _LATS, _LNGS)
    candidates = np.flatnonzero(rough <= radius_m * 1.01 + 1.0).tolist()
    found = [
        (haversine_m(lat, lng, SAFE_PLACES[i].lat, SAFE_PLACES[i].lng), SAFE_PLACES[i]) for i in candidates
    ]
    return sorted(((d, p) for d, p in found if d <= radius_m), key=lambda item: (item[0], item[1].name))
