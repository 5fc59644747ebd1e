"""Believable gate data for the fake session: one code per verdict, visitors inside, two weeks of visits."""

from __future__ import annotations

import random
from datetime import timedelta

from sety_console.api.models import AccessCodeStatus, AccessLogMethod, AccessLogStatus

from .fakes import FakeGateSession

GATES = ("Main Gate", "North Gate", "Service Gate")
VALID, EXPIRED, NOT_YET, USED, REVOKED, UNKNOWN = "482913", "517204", "630118", "702455", "815390", "000000"
_NAMES = (
    "Chinedu Eze",
    "Amaka Nwosu",
    "Tunde Bakare",
    "Fatima Bello",
    "Segun Adeyemi",
    "Ngozi Okeke",
    "Ibrahim Musa",
    "Kemi Ogunleye",
    "Emeka Obi",
    "Zainab Yusuf",
    "Bola Ahmed",
    "Yemi Alade",
)
_HOSTS = (("Mrs Adebayo", "B12"), ("Dr Okonkwo", "A3"), ("Mr Danjuma", "C7"), ("Ms Lawal", "D1"))


def seed(session: FakeGateSession, *, inside: int = 8, past: int = 80) -> None:
    """Codes for every verdict, `inside` visitors inside (two overstaying) and `past` visits."""
    now = session.now
    hour = timedelta(hours=1)
    common = {"host_name": "Mrs Adebayo", "host_unit": "B12", "visitor_phone": "+2348031234567"}
    session.add_code(code=VALID, visitor_name="Adaeze Okafor", purpose="Family visit", **common)
    session.add_code(code=EXPIRED, visitor_name="Uche Nnamdi", valid_until=now - 2 * hour, **common)
    session.add_code(code=NOT_YET, visitor_name="Lola Cole", valid_from=now + 20 * hour, **common)
    session.add_code(code=USED, visitor_name="Sani Abubakar", uses=1, status=AccessCodeStatus.used, **common)
    session.add_code(code=REVOKED, visitor_name="Dayo Smith", status=AccessCodeStatus.revoked, **common)
    rng = random.Random(11)
    for index in range(inside):
        host, unit = _HOSTS[index % len(_HOSTS)]
        late = index < 2
        code = session.add_code(
            visitor_name=_NAMES[index % len(_NAMES)],
            host_name=host,
            host_unit=unit,
            valid_until=now - timedelta(minutes=25) if late else now + 4 * hour,
            uses=1,
            status=AccessCodeStatus.used,
        )
        session.add_log(
            visitor_name=code.visitor_name,
            visitor_phone=f"+23480{rng.randrange(10**7, 10**8)}",
            host_name=host,
            host_unit=unit,
            gate=GATES[index % len(GATES)],
            vehicle_plate=f"LAG-{rng.randrange(100, 999)}-{'ABCDEFGHJK'[index]}{'XYZ'[index % 3]}",
            access_code=code.code,
            method=AccessLogMethod.access_code,
            checked_in_at=now - timedelta(minutes=rng.randrange(12, 300)),
        )
    seed_past(session, past, rng)


def seed_past(session: FakeGateSession, count: int, rng: random.Random) -> None:
    """Checked-out visits over the last 14 days, busier in the mornings and at the main gate."""
    for index in range(count):
        day = rng.randrange(0, 14)
        hour = rng.choice((7, 8, 8, 9, 9, 10, 11, 12, 13, 14, 16, 17, 17, 18, 19))
        start = (session.now - timedelta(days=day)).replace(hour=hour, minute=rng.randrange(60))
        if start >= session.now:
            start -= timedelta(days=1)
        minutes = rng.randrange(10, 300)
        host, unit = _HOSTS[index % len(_HOSTS)]
        session.add_log(
            inside=False,
            visitor_name=_NAMES[index % len(_NAMES)],
            visitor_phone=f"+23481{rng.randrange(10**7, 10**8)}",
            host_name=host,
            host_unit=unit,
            gate=rng.choice((GATES[0], GATES[0], GATES[1], GATES[2])),
            vehicle_plate=f"KJA-{rng.randrange(100, 999)}-AB" if index % 3 else None,
            method=rng.choice((AccessLogMethod.walk_in, AccessLogMethod.manual, AccessLogMethod.access_code)),
            status=AccessLogStatus.checked_out,
            checked_in_at=start,
            checked_out_at=start + timedelta(minutes=minutes),
            duration_minutes=float(minutes),
        )
