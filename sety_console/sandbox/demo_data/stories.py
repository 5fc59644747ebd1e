"""Titles and descriptions of demo incidents, in the words callers and dispatchers use in Lagos."""

from __future__ import annotations

import random

from .places import Place

# (title template, matching description) pairs; {hood}, {street} and {where} are filled in.
_STORIES: dict[str, tuple[tuple[str, str], ...]] = {
    "sos": (
        ("Panic button pressed in {hood}", "User pressed the panic button and is not answering calls."),
        ("SOS alert from a rider in {hood}", "Rider says two men on a motorcycle are following the car."),
        ("Emergency alert near {where}", "Caller whispered that someone is trying to force the door."),
        ("Silent SOS from a user on {street}", "SOS triggered during a trip; the phone is moving slowly."),
    ),
    "location_threat": (
        ("Suspicious persons near {where}", "Group of young men harassing commuters at the bus stop."),
        ("Robbery reported in {hood}", "Phone snatching; the suspects ran towards the market."),
        ("Attempted break-in on {street}", "Resident heard someone forcing the back gate."),
        ("Armed man seen near {where}", "Caller saw a man with a machete near the junction."),
        ("User reports being followed in {hood}", "A car has kept behind the user for ten minutes."),
    ),
    "vehicle": (
        ("Vehicle breakdown on {street}", "Car broke down in the middle lane; hazard lights on."),
        ("Road traffic collision on {street}", "Minor collision with a danfo bus; the driver is surrounded."),
        ("Car snatching attempt in {hood}", "Two vehicles blocked the car; the driver escaped on foot."),
        ("Driver reports being trailed near {where}", "An unmarked saloon car has followed for 3 km."),
        ("Tyre burst on {street}", "Driver reports a tyre burst at night and asks for an escort."),
    ),
    "medical": (
        ("Medical emergency in {hood}", "Elderly passenger fainted in the car; conscious but weak."),
        ("Injured pedestrian on {street}", "Pedestrian hit by a motorcycle, bleeding from the leg."),
        ("Breathing difficulty reported in {hood}", "Caller reports chest pain and shortness of breath."),
        ("Child with convulsions near {where}", "High fever and convulsions; parents need transport."),
    ),
}


def describe(rng: random.Random, category: str, place: Place) -> tuple[str | None, str | None]:
    """A title and a matching description for an incident at `place` (each left out now and then)."""
    where = place.spot.name if place.spot is not None else place.street
    template, description = rng.choice(_STORIES[category])
    title = template.format(hood=place.neighbourhood.name, street=place.street, where=where)
    return (title if rng.random() < 0.9 else None, description if rng.random() < 0.8 else None)
