"""Where a demo incident happens: a district weighted by its risk, a spot or a street in it."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from ..geodata import NEIGHBOURHOODS, SPOTS, Neighbourhood, Spot, inside_service_area
from ..intel.geo import METRES_PER_DEGREE

SPOT_SHARE: dict[str, float] = {"sos": 0.45, "location_threat": 0.5, "vehicle": 0.5, "medical": 0.2}
"""Share of each category's incidents that happen around a notable spot rather than in the streets."""

_GENERIC_LANDMARKS = (
    "Opposite the filling station",
    "Beside the pharmacy",
    "Near the church",
    "By the mosque",
    "Close to the bus stop",
    "In front of the supermarket",
    "Near the POS kiosk",
    "Behind the market",
    "At the estate gate",
    "Under the pedestrian bridge",
)


@dataclass(frozen=True, slots=True)
class Place:
    """A drawn position with the words a caller would use for it."""

    lat: float
    lng: float
    neighbourhood: Neighbourhood
    spot: Spot | None
    street: str
    address: str | None
    landmark: str | None


def district_weight(hood: Neighbourhood, category: str) -> float:
    """How likely a `category` incident is to happen in this district."""
    if category in ("sos", "location_threat"):
        return hood.population * math.pow(hood.risk, 1.5)
    if category == "vehicle":
        return hood.population * math.pow(hood.traffic, 1.5)
    return hood.population


def draw_place(rng: random.Random, category: str) -> Place:
    """A district (by risk), then a spot in it or a point in its streets, inside the service area."""
    hood = rng.choices(NEIGHBOURHOODS, weights=[district_weight(n, category) for n in NEIGHBOURHOODS])[0]
    spots = [s for s in SPOTS if s.neighbourhood == hood.name]
    spot = None
    if spots and rng.random() < SPOT_SHARE[category]:
        spot = rng.choices(spots, weights=[s.heat for s in spots])[0]
        lat, lng = scatter(rng, spot.lat, spot.lng, spot.spread_m, spot.spread_m * 2.5)
    else:
        lat, lng = scatter(rng, hood.lat, hood.lng, hood.radius_m / 2, hood.radius_m)
    street = rng.choice(hood.streets)
    address = None if rng.random() < 0.1 else f"{rng.randint(1, 150)} {street}, {hood.name}, Lagos"
    if spot is not None:
        landmark: str | None = f"{rng.choice(('Near', 'Near', 'Opposite', 'By'))} {spot.name}"
    else:
        landmark = rng.choice(_GENERIC_LANDMARKS) if rng.random() < 0.5 else None
    return Place(round(lat, 6), round(lng, 6), hood, spot, street, address, landmark)


def scatter(
    rng: random.Random, lat: float, lng: float, sigma_m: float, limit_m: float
) -> tuple[float, float]:
    """A point around `(lat, lng)`: Gaussian (`sigma_m`), at most `limit_m` away, in the service area."""
    metres_per_lng = METRES_PER_DEGREE * math.cos(math.radians(lat))
    while True:
        dx, dy = rng.gauss(0.0, sigma_m), rng.gauss(0.0, sigma_m)
        if dx * dx + dy * dy > limit_m * limit_m:
            continue
        point = (lat + dy / METRES_PER_DEGREE, lng + dx / metres_per_lng)
        if inside_service_area(*point):
            return point
