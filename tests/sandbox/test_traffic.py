"""Demo traffic that looks real: no near-duplicates (also across a restart), a few true repeat callers,
and the same rhythm of the day as before."""

from __future__ import annotations

import itertools
import json
import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from sety_console.api.models import CreateIncidentRequest
from sety_console.sandbox import SandboxClock, SandboxConfig
from sety_console.sandbox.demo_data import new_incident
from sety_console.sandbox.demo_data.rhythm import local_time
from sety_console.sandbox.runtime import Sandbox
from sety_console.sandbox.tables import IncidentRow
from sety_console.sandbox.traffic import PLACE_WINDOW, REPEAT_AFTER, SUBJECT_WINDOW, TrafficGenerator

from .helpers import START


@dataclass(frozen=True)
class Call:
    at: datetime
    name: str
    phone: str | None
    email: str | None
    reference: str | None
    address: str | None


def near_duplicates(calls: list[Call]) -> list[tuple[Call, Call]]:
    """Pairs that would look like a double dispatch: the same person again too soon (unless a true
    repeat caller: same phone, e-mail and reference, at least REPEAT_AFTER later), or the same
    address within PLACE_WINDOW."""
    found = []
    calls = sorted(calls, key=lambda c: c.at)
    last_by_name: dict[str, Call] = {}
    last_by_address: dict[str, Call] = {}
    for call in calls:
        before = last_by_name.get(call.name.casefold())
        if before is not None and call.at - before.at < SUBJECT_WINDOW:
            same_person = (before.phone, before.email, before.reference) == (
                call.phone,
                call.email,
                call.reference,
            )
            if not same_person or call.at - before.at < REPEAT_AFTER:
                found.append((before, call))
        there = last_by_address.get(call.address) if call.address else None
        if there is not None and call.at - there.at < PLACE_WINDOW:
            found.append((there, call))
        last_by_name[call.name.casefold()] = call
        if call.address:
            last_by_address[call.address] = call
    return found


class RecordingService:
    """Stands in for `IncidentService`: keeps what the generator would create."""

    def __init__(self) -> None:
        self.calls: list[tuple[datetime, CreateIncidentRequest]] = []

    def create(self, org_id: str, environment: str, request: CreateIncidentRequest, *, at: datetime) -> Any:
        self.calls.append((at, request))
        return "", False


def as_call(at: datetime, request: CreateIncidentRequest) -> Call:
    s = request.subject
    return Call(at, s.name, s.phone, s.email, s.reference, request.location.address)


def test_two_days_of_traffic_have_no_near_duplicates_and_some_real_repeat_callers() -> None:
    service = RecordingService()
    traffic = TrafficGenerator(service, 2.0, start=START, org_id="org_demo")  # type: ignore[arg-type]
    traffic.advance_to(START + timedelta(days=2))
    calls = [as_call(at, request) for at, request in service.calls]
    assert 5200 < len(calls) < 6300  # the rate is what it was: 2 a minute on average
    assert near_duplicates(calls) == []
    # Repeat callers exist: the same person (every detail the same) again within a few hours.
    by_name: dict[str, list[Call]] = {}
    for call in calls:
        by_name.setdefault(call.name, []).append(call)
    repeats = [
        (a, b)
        for same in by_name.values()
        for a, b in itertools.pairwise(same)
        if b.at - a.at < SUBJECT_WINDOW and (a.phone, a.email, a.reference) == (b.phone, b.email, b.reference)
    ]
    assert 0.005 * len(calls) < len(repeats) < 0.04 * len(calls)
    # The plain draws (what the generator did before) would have repeated people within minutes or hours.
    rng = random.Random(7)
    plain = [new_incident(rng, at) for at, _ in service.calls]
    plain_calls = [Call(d.created_at, d.subject_name, d.subject_phone, None, None, d.address) for d in plain]
    assert near_duplicates(plain_calls)


def test_the_rhythm_of_the_day_stays_as_it_was() -> None:
    service = RecordingService()
    traffic = TrafficGenerator(service, 3.0, start=START, org_id="org_demo")  # type: ignore[arg-type]
    traffic.advance_to(START + timedelta(days=1))  # seeded: the same draws every run
    rng = random.Random(11)
    plain = [(at, new_incident(rng, at).category) for at, _ in service.calls]
    mine = [(at, request.category.value) for at, request in service.calls]

    def shares(draws: list[tuple[datetime, str]]) -> dict[tuple[int, str], float]:
        blocks = Counter(local_time(at).hour // 6 for at, _ in draws)
        counts = Counter((local_time(at).hour // 6, category) for at, category in draws)
        return {key: count / blocks[key[0]] for key, count in counts.items()}

    expected, got = shares(plain), shares(mine)
    for key, share in expected.items():
        assert abs(got.get(key, 0.0) - share) < 0.06, key
    hourly = Counter(local_time(at).hour for at, _ in mine)  # arrivals stay even over the day
    assert max(hourly.values()) < 1.5 * min(hourly.values())


def _calls_in(sandbox: Sandbox) -> list[Call]:
    with sandbox.db.session() as session:
        documents = list(session.scalars(select(IncidentRow.document)))
    calls = []
    for document in documents:
        data = json.loads(document)
        s, address = data["subject"], data["location"].get("address")
        at = datetime.fromisoformat(data["created_at"].replace("Z", "+00:00"))
        calls.append(Call(at, s["name"], s.get("phone"), s.get("email"), s.get("reference"), address))
    return calls


def _run(database_url: str, start: datetime, minutes: int) -> list[Call]:
    """One run of the sandbox with traffic from `start`; every incident in the database afterwards."""
    clock = SandboxClock.manual(start)
    sandbox = Sandbox(SandboxConfig(database_url=database_url, clock=clock, traffic_per_minute=4.0))
    try:
        for _ in range(minutes):
            clock.advance(60)
        assert sandbox.traffic.created > minutes  # about 4 a minute
        return _calls_in(sandbox)
    finally:
        sandbox.close()


def test_a_restart_neither_replays_the_last_run_nor_repeats_its_callers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sandbox.db'}"
    restart = START + timedelta(minutes=20)
    first = {c.name for c in _run(url, START, 20)}
    calls = _run(url, restart, 20)
    second = {c.name for c in calls if c.at >= restart}
    assert first.isdisjoint(second)
    assert near_duplicates(calls) == []
