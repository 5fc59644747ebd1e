"""Demo gate activity of an estate with offices: access codes, 30 days of visits, visitors inside now."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from .people import national_id, number_plate, person_name, phone_number
from .rhythm import local_time
from .visitors import CHECKOUT_NOTES, GUARDS, HOSTS, PURPOSES, Host, Purpose

GATES: tuple[str, ...] = ("Main Gate", "North Gate", "Service Gate")
_GATE_WEIGHTS = (0.6, 0.25, 0.15)

# Arrivals by Lagos hour (office and estate rhythm) and weekday (Monday first).
_VISIT_HOURLY = (0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 1, 3, 6, 8, 8, 7, 6, 6, 6, 7, 7, 6, 5, 3, 2, 1, 0.5, 0.3)
_VISIT_WEEKLY = (1.0, 1.0, 1.0, 1.0, 1.0, 0.7, 0.5)

PAST_VISITS = 200
INSIDE_NOW = 15


@dataclass(frozen=True, slots=True)
class DemoAccessCode:
    """An access code as issued; its contract status follows from the fields and the server's clock."""

    code: str
    visitor_name: str
    visitor_phone: str | None
    host_name: str
    host_unit: str | None
    purpose: str | None
    valid_from: datetime
    valid_until: datetime
    max_uses: int
    uses: int
    revoked: bool
    gate: str | None


@dataclass(frozen=True, slots=True)
class DemoVisit:
    """One visit; `checked_out_at` is None while the visitor is still inside."""

    visitor_name: str
    visitor_phone: str | None
    visitor_id_number: str | None
    host_name: str
    host_unit: str | None
    purpose: str | None
    gate: str
    vehicle_plate: str | None
    access_code: str | None
    method: str
    checked_in_at: datetime
    checked_out_at: datetime | None
    checkout_gate: str | None
    checkout_notes: str | None
    created_by: str | None


def gate_activity(now: datetime, seed: int = 7) -> tuple[list[DemoAccessCode], list[DemoVisit]]:
    """About 30 codes in every state, about 200 past visits over 30 days and about 15 visitors inside.

    Codes: active now, not yet valid, used up (three of them by visitors still inside after the
    code's `valid_until`, i.e. overstaying), expired and revoked. Every check-in made with a listed
    code is among the visits, and each code's `uses` equals the number of those visits. The other
    visits were typed in by the guard (`manual`) or are unannounced (`walk_in`). Visits are sorted by
    check-in time.
    """
    rng = random.Random(seed)
    stories = _codes(rng, now)
    visits = [v for code, kind in stories for v in _code_visits(rng, code, kind, now)]
    inside = sum(v.checked_out_at is None for v in visits)
    visits += [_walk_up(rng, now, inside=True) for _ in range(max(0, INSIDE_NOW - inside))]
    past = sum(v.checked_out_at is not None for v in visits)
    visits += [_walk_up(rng, now, inside=False) for _ in range(max(0, PAST_VISITS - past))]
    visits.sort(key=lambda v: v.checked_in_at)
    return [code for code, _ in stories], visits


def _hours(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(hours=rng.uniform(low, high))


def _codes(rng: random.Random, now: datetime) -> list[tuple[DemoAccessCode, str]]:
    """Codes with their story: active, future, overstay, used, expired or revoked."""
    codes: list[tuple[DemoAccessCode, str]] = []

    def add(
        kind: str, start: datetime, end: datetime, max_uses: int, uses: int, revoked: bool = False
    ) -> None:
        codes.append((_code(rng, {c.code for c, _ in codes}, start, end, max_uses, uses, revoked), kind))

    for _ in range(10):  # usable now; multi-use ones for contractors
        multi = rng.random() < 0.3
        add(
            "active",
            now - _hours(rng, 1, 48),
            now + _hours(rng, 2, 168),
            *((10, rng.randint(1, 3)) if multi else (1, 0)),
        )
    for _ in range(5):
        start = now + _hours(rng, 2, 120)
        add("future", start, start + _hours(rng, 4, 12), 1, 0)
    for _ in range(3):  # the visitor came in and is still inside after valid_until
        add("overstay", now - _hours(rng, 5, 7), now - _hours(rng, 0.5, 2), 1, 1)
    for _ in range(4):
        start = now - _hours(rng, 30, 24 * 20)
        max_uses = rng.choice((1, 1, 2))
        add("used", start, start + _hours(rng, 4, 24), max_uses, max_uses)
    for _ in range(6):  # some never used
        start = now - _hours(rng, 30, 24 * 25)
        max_uses = rng.choice((1, 3))
        add("expired", start, start + _hours(rng, 4, 24), max_uses, rng.randint(0, max_uses - 1))
    for _ in range(4):
        start = now - _hours(rng, -48, 24 * 10)
        add("revoked", start, start + _hours(rng, 6, 48), 1, 0, revoked=True)
    return codes


def _code(
    rng: random.Random,
    taken: set[str],
    start: datetime,
    end: datetime,
    max_uses: int,
    uses: int,
    revoked: bool,
) -> DemoAccessCode:
    code = f"{rng.randrange(1_000_000):06d}"
    while code in taken:
        code = f"{rng.randrange(1_000_000):06d}"
    host, purpose = rng.choice(HOSTS), rng.choice(PURPOSES)
    return DemoAccessCode(
        code=code,
        visitor_name=person_name(rng),
        visitor_phone=phone_number(rng) if rng.random() < 0.9 else None,
        host_name=host.name,
        host_unit=host.unit,
        purpose=purpose.label,
        valid_from=_to_second(start),
        valid_until=_to_second(end),
        max_uses=max_uses,
        uses=uses,
        revoked=revoked,
        gate=rng.choice((*GATES, None)) if purpose.gate is None else purpose.gate,
    )


def _code_visits(rng: random.Random, code: DemoAccessCode, kind: str, now: datetime) -> list[DemoVisit]:
    """The check-ins made with `code` (`uses` of them); an overstaying visitor is still inside."""
    purpose = next((p for p in PURPOSES if p.label == code.purpose), PURPOSES[0])
    host = Host(code.host_name, code.host_unit)
    visits = []
    for _ in range(code.uses):
        inside = kind == "overstay" or (kind == "active" and rng.random() < 0.4)
        earliest = max(code.valid_from, now - timedelta(hours=8)) if inside else code.valid_from
        latest = min(code.valid_until, now) - timedelta(minutes=10)
        checked_in = earliest + (latest - earliest) * rng.uniform(0.05, 0.9)
        visits.append(
            _visit(rng, host, purpose, checked_in, now, inside, code=code.code, name=code.visitor_name)
        )
    return visits


def _walk_up(rng: random.Random, now: datetime, *, inside: bool) -> DemoVisit:
    """A visit without a code: typed in by the guard or unannounced."""
    host, purpose = rng.choice(HOSTS), rng.choice(PURPOSES)
    if inside:
        checked_in = now - timedelta(minutes=rng.uniform(10, 540))
    else:
        checked_in = _arrival_time(rng, now - timedelta(days=30), now - timedelta(hours=3))
    return _visit(rng, host, purpose, checked_in, now, inside, code=None, name=person_name(rng))


def _visit(
    rng: random.Random,
    host: Host,
    purpose: Purpose,
    checked_in: datetime,
    now: datetime,
    inside: bool,
    *,
    code: str | None,
    name: str,
) -> DemoVisit:
    gate = purpose.gate or rng.choices(GATES, weights=_GATE_WEIGHTS)[0]
    checked_out = None
    if not inside:
        stay = timedelta(minutes=purpose.minutes * math.exp(rng.gauss(0.0, 0.5)))
        checked_out = _to_second(min(checked_in + stay, now - timedelta(minutes=1)))
    left_by_other_gate = checked_out is not None and rng.random() < 0.15
    return DemoVisit(
        visitor_name=name,
        visitor_phone=phone_number(rng) if rng.random() < 0.85 else None,
        visitor_id_number=national_id(rng),
        host_name=host.name,
        host_unit=host.unit,
        purpose=purpose.label,
        gate=gate,
        vehicle_plate=number_plate(rng) if rng.random() < 0.35 else None,
        access_code=code,
        method="access_code" if code else rng.choices(("manual", "walk_in"), weights=(6, 4))[0],
        checked_in_at=_to_second(checked_in),
        checked_out_at=checked_out,
        checkout_gate=rng.choice([g for g in GATES if g != gate]) if left_by_other_gate else None,
        checkout_notes=rng.choice(CHECKOUT_NOTES) if checked_out and rng.random() < 0.1 else None,
        created_by=rng.choice(GUARDS) if rng.random() < 0.9 else None,
    )


def _arrival_time(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A check-in time in `[start, end)` following the office/estate rhythm."""
    span = (end - start).total_seconds()
    ceiling = max(_VISIT_HOURLY) * max(_VISIT_WEEKLY)
    while True:
        moment = start + timedelta(seconds=rng.random() * span)
        local = local_time(moment)
        if rng.random() * ceiling <= _VISIT_HOURLY[local.hour] * _VISIT_WEEKLY[local.weekday()]:
            return moment


def _to_second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)
