"""Demo data: the history's rhythm and mix, traffic draws, responder units and gate activity."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import datetime, timedelta

import pytest

from sety_console.sandbox.demo_data import (
    GATES,
    SLA_TARGETS,
    DemoAccessCode,
    DemoIncident,
    gate_activity,
    history,
    new_incident,
    responder_units,
)
from sety_console.sandbox.geodata import NEIGHBOURHOOD_BY_NAME, inside_service_area

from .conftest import NOW

PHONE = re.compile(r"^\+234[789][01][0-9]{8}$")


@pytest.fixture(scope="module")
def past() -> list[DemoIncident]:
    return history(NOW)


def test_history_is_repeatable_and_depends_on_the_seed(past: list[DemoIncident]) -> None:
    assert history(NOW) == past
    assert history(NOW, seed=8) != past
    assert len(history(NOW, count=300, days=10)) == 300


def test_history_covers_a_year_inside_the_service_area(past: list[DemoIncident]) -> None:
    assert len(past) == 12_000
    times = [i.created_at for i in past]
    assert times == sorted(times)
    assert NOW - timedelta(days=365) <= times[0] < NOW - timedelta(days=364)
    assert NOW - timedelta(days=1) < times[-1] <= NOW
    assert all(inside_service_area(i.lat, i.lng) for i in past)
    assert all(i.neighbourhood in NEIGHBOURHOOD_BY_NAME for i in past)
    assert all(i.created_at.tzinfo is not None and i.created_at.utcoffset() == timedelta(0) for i in past)


def test_threats_peak_at_night_and_vehicles_in_the_rush_hours(past: list[DemoIncident]) -> None:
    def count(category: str, hours: set[int]) -> int:
        return sum(1 for i in past if i.category == category and i.created_at.hour in hours)

    evening, noon = {19, 20, 21, 22}, {10, 11, 12, 13}  # UTC; Lagos is one hour ahead
    assert count("sos", evening) > 2 * count("sos", noon)
    assert count("location_threat", evening) > 2 * count("location_threat", noon)
    assert count("vehicle", {6, 7, 16, 17}) > 3 * count("vehicle", {0, 1, 2, 3})


def test_weekly_rhythm_working_days_for_vehicles_weekends_for_threats(past: list[DemoIncident]) -> None:
    days = Counter((i.category, i.created_at.weekday()) for i in past)
    vehicle_weekday = sum(days["vehicle", d] for d in range(5)) / 5
    vehicle_weekend = sum(days["vehicle", d] for d in (5, 6)) / 2
    assert vehicle_weekday > 1.4 * vehicle_weekend
    assert days["sos", 4] + days["sos", 5] > 1.2 * (days["sos", 0] + days["sos", 1])


def test_category_mix_riskier_districts_false_alarms_and_sla_breaches(past: list[DemoIncident]) -> None:
    shares = Counter(i.category for i in past)
    for category, expected in {
        "sos": 0.30,
        "vehicle": 0.25,
        "location_threat": 0.30,
        "medical": 0.15,
    }.items():
        assert shares[category] / len(past) == pytest.approx(expected, abs=0.03)
    districts = Counter(i.neighbourhood for i in past)
    assert districts["Oshodi"] > 2 * districts["Ikoyi"]
    outcomes = Counter(i.outcome for i in past)
    assert set(outcomes) == {"handled", "referred", "unable_to_locate", "false_alarm"}
    assert outcomes["false_alarm"] / len(past) == pytest.approx(0.15, abs=0.025)
    served = [i for i in past if i.outcome != "false_alarm"]
    breached = [
        i
        for i in served
        if (i.assign_after_s or 0) > SLA_TARGETS[i.severity][0]
        or (i.arrive_after_s or 0) > SLA_TARGETS[i.severity][1]
    ]
    assert 0.06 <= len(breached) / len(served) <= 0.14


def test_delays_are_in_order_and_status_follows_them(past: list[DemoIncident]) -> None:
    for incident in past:
        if incident.outcome != "false_alarm":
            assert incident.assign_after_s is not None
            assert incident.arrive_after_s is not None
            assert 0 < incident.assign_after_s < incident.arrive_after_s < incident.close_after_s
        else:
            if incident.assign_after_s is not None:
                assert incident.assign_after_s < incident.close_after_s
            if incident.arrive_after_s is not None:
                assert incident.assign_after_s is not None
                assert incident.assign_after_s < incident.arrive_after_s < incident.close_after_s
    sample = next(i for i in past if i.outcome == "handled")
    start = sample.created_at
    assert sample.status_at(start - timedelta(seconds=1)) == "created"
    assert sample.status_at(start + timedelta(seconds=1)) in ("dispatching", "assigned")
    assert sample.status_at(start + timedelta(seconds=sample.arrive_after_s or 0)) == "on_scene"
    assert sample.status_at(start + timedelta(seconds=sample.close_after_s)) == "resolved"
    still_open = [i for i in past if i.status_at(NOW) not in ("resolved", "cancelled")]
    assert len(still_open) <= 30  # the seed tops the live queue up


def test_subjects_look_like_lagos_users(past: list[DemoIncident]) -> None:
    phones = [i.subject_phone for i in past if i.subject_phone is not None]
    assert len(phones) > 0.9 * len(past)
    assert all(PHONE.match(p) for p in phones)
    assert all(e.endswith("@example.com") for i in past if (e := i.subject_email))
    assert all(i.subject_name.count(" ") >= 1 for i in past)
    assert all(isinstance(v, str) and len(v) <= 500 for i in past for v in i.metadata.values())
    vehicle = next(i for i in past if i.category == "vehicle")
    assert re.match(r"^[A-Z]{3}-\d{3}-[A-Z]{2}$", vehicle.metadata["vehicle_plate"])
    assert all(len(i.title or "") <= 200 and len(i.address or "") <= 500 for i in past)


def test_new_incidents_follow_the_hour_of_the_day() -> None:
    rng = random.Random(3)
    night = Counter(new_incident(rng, NOW.replace(hour=21)).category for _ in range(600))
    morning = Counter(new_incident(rng, NOW.replace(hour=6)).category for _ in range(600))
    assert night["sos"] + night["location_threat"] > morning["sos"] + morning["location_threat"]
    assert morning["vehicle"] > night["vehicle"]
    fresh = new_incident(random.Random(5), NOW)
    assert fresh == new_incident(random.Random(5), NOW)
    assert fresh.created_at == NOW
    assert fresh.close_after_s > 0


def test_responder_units_are_posted_around_lagos() -> None:
    units = responder_units()
    assert units == responder_units()
    assert len(units) == 40
    assert len({u.responder_id for u in units}) == 40
    assert all(re.fullmatch(r"rsp_[a-z0-9]{16}", u.responder_id) for u in units)
    assert len({u.unit for u in units}) == 40
    assert all(inside_service_area(u.lat, u.lng) for u in units)
    assert all(PHONE.match(u.phone) for u in units)
    assert all(re.fullmatch(r"[A-Z]{3}-\d{3}-[A-Z]{2}", u.vehicle_plate) for u in units)
    assert {u.unit.split()[0] for u in units} == {"Patrol", "RRS", "Ambulance"}
    assert len(responder_units(5, seed=1)) == 5


def test_gate_activity_has_codes_in_every_state_and_visits_that_match_them() -> None:
    codes, visits = gate_activity(NOW)
    assert (codes, visits) == gate_activity(NOW)
    assert 25 <= len(codes) <= 35
    assert len({c.code for c in codes}) == len(codes)
    assert all(re.fullmatch(r"\d{6}", c.code) for c in codes)
    states = Counter(_state(c, NOW) for c in codes)
    assert set(states) == {"active", "not_yet_valid", "used", "expired", "revoked"}
    used_by_code = Counter(v.access_code for v in visits if v.access_code)
    for code in codes:
        assert code.uses == used_by_code.get(code.code, 0)
        assert code.uses <= code.max_uses
        assert code.valid_from < code.valid_until
    inside = [v for v in visits if v.checked_out_at is None]
    assert len(inside) == 15
    until = {c.code: c.valid_until for c in codes}
    overstaying = [v for v in inside if v.access_code and until[v.access_code] < NOW]
    assert len(overstaying) >= 2
    assert sum(v.checked_out_at is not None for v in visits) >= 195


def test_visits_follow_office_hours_and_are_consistent() -> None:
    _, visits = gate_activity(NOW)
    assert [v.checked_in_at for v in visits] == sorted(v.checked_in_at for v in visits)
    for visit in visits:
        assert NOW - timedelta(days=31) <= visit.checked_in_at <= NOW
        assert visit.gate in GATES
        assert (visit.method == "access_code") == (visit.access_code is not None)
        assert visit.method in ("access_code", "manual", "walk_in")
        if visit.checked_out_at is not None:
            assert visit.checked_in_at < visit.checked_out_at <= NOW
        else:
            assert visit.checkout_gate is None
            assert visit.checkout_notes is None
        if visit.checkout_gate is not None:
            assert visit.checkout_gate != visit.gate
    local_hours = Counter((v.checked_in_at.hour + 1) % 24 for v in visits)
    assert sum(local_hours[h] for h in (9, 10, 11)) > 5 * sum(local_hours[h] for h in (1, 2, 3))


def _state(code: DemoAccessCode, now: datetime) -> str:
    """The contract status the server derives from a code's fields."""
    if code.revoked:
        return "revoked"
    if code.uses >= code.max_uses:
        return "used"
    if code.valid_until < now:
        return "expired"
    return "active" if code.valid_from <= now else "not_yet_valid"


def test_some_districts_rise_and_some_fall_over_the_year(past: list[DemoIncident]) -> None:
    """The last quarter against the same quarter a year before (`places.DISTRICT_TREND`)."""

    def quarter(name: str, ago_days: int) -> int:
        start, end = NOW - timedelta(days=ago_days + 90), NOW - timedelta(days=ago_days)
        return sum(1 for i in past if i.neighbourhood == name and start <= i.created_at < end)

    for rising in ("Lekki Phase 1", "Ajah", "Sangotedo"):
        assert quarter(rising, 0) > 1.4 * quarter(rising, 270), rising
    for falling in ("Oshodi", "Mushin", "Ajegunle", "Obalende"):
        assert quarter(falling, 0) < 0.75 * quarter(falling, 270), falling
    steady = ("Yaba", "Surulere", "Ikeja", "Isolo", "Festac", "Ketu", "Ojota", "Gbagada", "Ilupeju", "Ojodu")
    now, then = sum(quarter(s, 0) for s in steady), sum(quarter(s, 270) for s in steady)
    assert 0.8 < now / then < 1.25  # the others keep their volume (1.03 on 60,000 incidents)
