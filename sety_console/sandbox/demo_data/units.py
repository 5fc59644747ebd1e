"""Demo responder units, posted at police divisions across Lagos (busier districts get more)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..geodata import NEIGHBOURHOODS, SAFE_PLACES, SafePlace
from ..ids import new_id
from ..intel.geo import haversine_m
from .people import RANKS, number_plate, person_name, phone_number
from .places import scatter

UNIT_KINDS: tuple[tuple[str, float], ...] = (("Patrol", 0.75), ("RRS", 0.15), ("Ambulance", 0.10))
"""Kinds of unit and their share of the pool: police patrols, Rapid Response Squad, ambulances."""


@dataclass(frozen=True, slots=True)
class DemoUnit:
    """One responder unit: who answers, in which vehicle, and where it waits when free."""

    responder_id: str
    name: str
    phone: str
    unit: str
    vehicle_plate: str
    lng: float
    lat: float


def responder_units(count: int = 40, seed: int = 7) -> list[DemoUnit]:
    """`count` units with `rsp_…` ids, posted near police divisions; the same for the same arguments."""
    if count < 0:
        raise ValueError("count must not be negative")
    rng = random.Random(seed)
    stations = [p for p in SAFE_PLACES if p.kind == "police_station"]
    weights = [_station_weight(s) for s in stations]
    numbers: dict[str, int] = {}
    units = []
    for index in range(count):
        kind = _kind_for(index, count)
        numbers[kind] = numbers.get(kind, 0) + 1
        station = rng.choices(stations, weights=weights)[0]
        lat, lng = scatter(rng, station.lat, station.lng, 250.0, 600.0)
        person = person_name(rng)
        title = "Paramedic" if kind == "Ambulance" else rng.choice(RANKS)
        units.append(
            DemoUnit(
                responder_id=new_id("rsp", rng),
                name=f"{title} {person}",
                phone=phone_number(rng),
                unit=f"{kind} {numbers[kind]}",
                vehicle_plate=number_plate(rng),
                lng=round(lng, 6),
                lat=round(lat, 6),
            )
        )
    return units


def _kind_for(index: int, count: int) -> str:
    """Kinds in fixed proportions: the first 75 % patrols, then RRS, then ambulances."""
    position = (index + 0.5) / max(count, 1)
    cumulative = 0.0
    for kind, share in UNIT_KINDS:
        cumulative += share
        if position < cumulative:
            return kind
    return UNIT_KINDS[-1][0]


def _station_weight(station: SafePlace) -> float:
    """Population × risk of the district the station serves."""
    hood = min(NEIGHBOURHOODS, key=lambda n: haversine_m(station.lat, station.lng, n.lat, n.lng))
    return hood.population * hood.risk
