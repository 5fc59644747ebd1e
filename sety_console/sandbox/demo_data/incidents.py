"""Demo incidents: a repeatable year of history and fresh incidents for the traffic generator."""

from __future__ import annotations

import bisect
import itertools
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .people import email_for, number_plate, person_name, phone_number
from .places import TREND_STEP_DAYS, Place, district_volume, draw_place
from .rhythm import CATEGORY_SHARE, draw_category, draw_epoch
from .stories import describe

SEVERITY_MIX: dict[str, dict[str, int]] = {
    "sos": {"critical": 35, "high": 40, "medium": 20, "low": 5},
    "location_threat": {"critical": 10, "high": 35, "medium": 35, "low": 20},
    "vehicle": {"critical": 10, "high": 30, "medium": 40, "low": 20},
    "medical": {"critical": 30, "high": 35, "medium": 25, "low": 10},
}

_SEVERITIES = ("critical", "high", "medium", "low")
_SEVERITY_CUMULATIVE = {
    category: tuple(itertools.accumulate(mix[s] for s in _SEVERITIES))
    for category, mix in SEVERITY_MIX.items()
}
_OUTCOMES = ("handled", "referred", "unable_to_locate")
_OUTCOME_CUMULATIVE = (80, 92, 100)

SLA_TARGETS: dict[str, tuple[int, int]] = {
    "critical": (60, 600),
    "high": (120, 900),
    "medium": (300, 1800),
    "low": (600, 3600),
}
"""Contract README, "Sandbox SLA targets": seconds to assignment and to arrival, by severity."""

FALSE_ALARM_SHARE = 0.15
RESPOND_DELAY_S = 20.0
"""Seconds between a responder accepting and setting off (`assigned` → `responding`)."""

# Delays are log-normal: a median as a share of the target and a spread chosen so that about 5 %
# of assignments and 6 % of arrivals miss their target (about one incident in ten breaches).
_ASSIGN_MEDIAN, _ASSIGN_SIGMA = 0.4, 0.557
_ARRIVE_MEDIAN, _ARRIVE_SIGMA = 0.5, 0.446


@dataclass(frozen=True, slots=True)
class DemoIncident:
    """The facts of one demo incident; the server turns them into rows, timelines, SLA and responders.

    Delays count in seconds from `created_at`. `outcome` is `handled`, `referred` or
    `unable_to_locate` for an incident a responder closed, `false_alarm` for one the client cancelled
    (then `assign_after_s`/`arrive_after_s` are None when the cancellation came first). Moments after
    the server's `now` have not happened yet: `status_at(now)` says where the incident stands.
    """

    category: str
    severity: str
    lng: float
    lat: float
    neighbourhood: str
    address: str | None
    landmark: str | None
    created_at: datetime
    subject_name: str
    subject_phone: str | None
    subject_email: str | None
    subject_reference: str | None
    metadata: dict[str, str] = field(hash=False)
    title: str | None
    description: str | None
    outcome: str
    assign_after_s: float | None
    arrive_after_s: float | None
    close_after_s: float
    reassigned: bool
    escalated: bool

    def status_at(self, moment: datetime) -> str:
        """The contract status the incident has at `moment` (`created` before it exists)."""
        elapsed = (moment - self.created_at).total_seconds()
        if elapsed >= self.close_after_s:
            return "cancelled" if self.outcome == "false_alarm" else "resolved"
        if self.arrive_after_s is not None and elapsed >= self.arrive_after_s:
            return "on_scene"
        if self.assign_after_s is not None and elapsed >= self.assign_after_s + RESPOND_DELAY_S:
            return "responding"
        if self.assign_after_s is not None and elapsed >= self.assign_after_s:
            return "assigned"
        return "dispatching" if elapsed > 0 else "created"


def history(now: datetime, *, count: int = 12_000, days: int = 365, seed: int = 7) -> list[DemoIncident]:
    """`count` incidents over the `days` days before `now`, oldest first; the same for the same arguments.

    Threats peak at night and on Friday and Saturday, vehicle incidents in the rush hours of working
    days; riskier districts and their notable spots get more, and some districts rise or fall over
    the year (`places.DISTRICT_TREND`); about 15 % are false alarms and about one in ten misses an
    SLA target.
    """
    if count < 0 or days <= 0:
        raise ValueError("count must not be negative and days must be positive")
    rng = random.Random(seed)
    end_s = now.timestamp()
    start_s = end_s - days * 86_400.0
    categories = list(CATEGORY_SHARE)
    shares = tuple(itertools.accumulate(CATEGORY_SHARE.values()))
    incidents = []
    for _ in range(count):
        category = categories[bisect.bisect(shares, rng.random() * shares[-1], 0, len(shares) - 1)]
        while True:  # each district keeps its own volume: a falling one leaves the city quieter
            ms = math.floor(draw_epoch(rng, category, start_s, end_s) * 1000)
            weeks_ago = round((end_s - ms / 1000) / 86_400.0 / TREND_STEP_DAYS)
            if rng.random() <= district_volume(category, weeks_ago):
                break
        created = datetime.fromtimestamp(ms // 1000, UTC).replace(microsecond=ms % 1000 * 1000)
        incidents.append(_incident(rng, category, created, age_days=(end_s - ms / 1000) / 86_400.0))
    incidents.sort(key=lambda i: i.created_at)
    return incidents


def new_incident(rng: random.Random, now: datetime) -> DemoIncident:
    """One incident starting at `now`, with the category mix of that hour and weekday."""
    return _incident(rng, draw_category(rng, now), now)


def _incident(rng: random.Random, category: str, created_at: datetime, age_days: float = 0.0) -> DemoIncident:
    severity = rng.choices(_SEVERITIES, cum_weights=_SEVERITY_CUMULATIVE[category])[0]
    place = draw_place(rng, category, age_days)
    title, description = describe(rng, category, place)
    name = person_name(rng)
    outcome, assign, arrive, close = _course(rng, category, severity)
    breached = (assign is not None and assign > SLA_TARGETS[severity][0]) or (
        arrive is not None and arrive > SLA_TARGETS[severity][1]
    )
    return DemoIncident(
        category=category,
        severity=severity,
        lng=place.lng,
        lat=place.lat,
        neighbourhood=place.neighbourhood.name,
        address=place.address,
        landmark=place.landmark,
        created_at=created_at,
        subject_name=name,
        subject_phone=phone_number(rng) if rng.random() < 0.95 else None,
        subject_email=email_for(rng, name) if rng.random() < 0.4 else None,
        subject_reference=_reference(rng, category),
        metadata=_metadata(rng, category, place, name),
        title=title,
        description=description,
        outcome=outcome,
        assign_after_s=assign,
        arrive_after_s=arrive,
        close_after_s=close,
        reassigned=assign is not None and rng.random() < 0.06,
        escalated=assign is not None and ((breached and rng.random() < 0.5) or rng.random() < 0.04),
    )


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return round(median * math.exp(rng.gauss(0.0, sigma)), 1)


def _course(
    rng: random.Random, category: str, severity: str
) -> tuple[str, float | None, float | None, float]:
    """Outcome, seconds to assignment, to arrival and to closing."""
    assign_target, arrive_target = SLA_TARGETS[severity]
    assign = max(3.0, _lognormal(rng, assign_target * _ASSIGN_MEDIAN, _ASSIGN_SIGMA))
    arrive = _lognormal(rng, arrive_target * _ARRIVE_MEDIAN, _ARRIVE_SIGMA)
    arrive = max(arrive, round(assign + RESPOND_DELAY_S + rng.uniform(60.0, 240.0), 1))
    if rng.random() < FALSE_ALARM_SHARE:
        cancel = rng.uniform(10.0, 150.0) if rng.random() < 0.5 else _lognormal(rng, 480.0, 0.6)
        cancel = round(cancel, 1)
        return (
            "false_alarm",
            assign if assign < cancel else None,
            arrive if arrive < cancel else None,
            cancel,
        )
    outcome = rng.choices(_OUTCOMES, cum_weights=_OUTCOME_CUMULATIVE)[0]
    on_scene = 600.0 if outcome == "unable_to_locate" else 2100.0 if category == "medical" else 1200.0
    return outcome, assign, arrive, round(arrive + _lognormal(rng, on_scene, 0.5), 1)


def _reference(rng: random.Random, category: str) -> str | None:
    if rng.random() < 0.15:
        return None
    prefix = {"vehicle": "TRIP", "medical": "MEMBER"}.get(category, "USER")
    return f"{prefix}-{rng.randint(10_000, 99_999)}"


def _metadata(rng: random.Random, category: str, place: Place, name: str) -> dict[str, str]:
    if category == "vehicle":
        return {
            "vehicle_plate": number_plate(rng, place.neighbourhood.plate_code),
            "driver_name": name if rng.random() < 0.5 else person_name(rng),
        }
    app = {"app_version": f"4.{rng.randint(8, 13)}.{rng.randint(0, 5)}"}
    if category == "medical":
        return app | {"blood_group": rng.choice(("O+", "O+", "A+", "B+", "O-", "AB+"))}
    return app | {"emergency_contact": phone_number(rng)}
