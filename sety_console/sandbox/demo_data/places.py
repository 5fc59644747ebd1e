"""Where a demo incident happens: a district weighted by its risk, a spot or a street in it.

Some districts change over the demo year (`DISTRICT_TREND`): the new estates east along the Lekki
corridor draw more incidents every month, while Oshodi, Mushin, Ajegunle and Obalende draw fewer
(new lighting and patrols). Today's mix is the districts' plain weights, so live traffic (drawn at
age 0) is unchanged; an incident drawn `age_days` ago weighs its district by the trend then.
"""

from __future__ import annotations

import bisect
import functools
import itertools
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


DISTRICT_TREND: dict[str, float] = {
    "Lekki Phase 1": 0.8,
    "Ajah": 0.7,
    "Sangotedo": 1.0,
    "Ikorodu": 0.5,
    "Oshodi": -0.7,
    "Mushin": -0.6,
    "Ajegunle": -0.6,
    "Obalende": -0.7,
}
"""Growth per year of a district's share (natural log): +0.7 is about twice as many as a year ago."""
TREND_STEP_DAYS = 7
"""The trend moves in weekly steps (the weights of each week are worked out once)."""


def trend_factor(hood: Neighbourhood, age_days: float) -> float:
    """How much more (or less) of its incidents a district drew `age_days` ago than today."""
    growth = DISTRICT_TREND.get(hood.name, 0.0)
    return math.exp(-growth * max(age_days, 0.0) / 365.0)


def district_weight(hood: Neighbourhood, category: str) -> float:
    """How likely a `category` incident is to happen in this district."""
    if category in ("sos", "location_threat"):
        return hood.population * math.pow(hood.risk, 1.5)
    if category == "vehicle":
        return hood.population * math.pow(hood.traffic, 1.5)
    return hood.population


@functools.cache
def _district_cumulative(category: str, weeks_ago: int) -> tuple[float, ...]:
    """Cumulative district weights for `category`, `weeks_ago` weeks into the past."""
    age = weeks_ago * TREND_STEP_DAYS
    weights = [district_weight(n, category) * trend_factor(n, age) for n in NEIGHBOURHOODS]
    return tuple(itertools.accumulate(weights))


@functools.cache
def _spots_of(name: str) -> tuple[tuple[Spot, ...], tuple[float, ...]]:
    spots = tuple(s for s in SPOTS if s.neighbourhood == name)
    return spots, tuple(itertools.accumulate(s.heat for s in spots))


@functools.cache
def district_volume(category: str, weeks_ago: int) -> float:
    """How many `category` incidents the whole city drew `weeks_ago` weeks ago, relative to its
    busiest week of the demo year (falling districts make the city a little quieter over the year)."""
    most = max(_district_cumulative(category, week)[-1] for week in range(0, 366 // TREND_STEP_DAYS + 2))
    return _district_cumulative(category, weeks_ago)[-1] / most


def _pick(rng: random.Random, cumulative: tuple[float, ...]) -> int:
    """What `rng.choices(…, cum_weights=cumulative)` picks, as an index."""
    return bisect.bisect(cumulative, rng.random() * cumulative[-1], 0, len(cumulative) - 1)


def draw_place(rng: random.Random, category: str, age_days: float = 0.0) -> Place:
    """A district (by risk, and by its trend `age_days` ago), then a spot in it or a point in its
    streets, inside the service area."""
    hood = NEIGHBOURHOODS[_pick(rng, _district_cumulative(category, round(age_days / TREND_STEP_DAYS)))]
    spots, spot_weights = _spots_of(hood.name)
    spot = None
    if spots and rng.random() < SPOT_SHARE[category]:
        spot = spots[_pick(rng, spot_weights)]
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
