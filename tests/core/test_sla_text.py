"""The one SLA vocabulary: every state an incident can be in, and the words the console uses for it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sety_console.api.models import Incident
from sety_console.core.rules import SlaUrgency
from sety_console.core.sla_text import (
    breach_reason,
    clock_text,
    describe_sla,
    minutes_text,
    sla_summary,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _at(seconds_before_now: float | None) -> datetime | None:
    return None if seconds_before_now is None else NOW - timedelta(seconds=seconds_before_now)


def make(
    *,
    age: float,
    status: str = "dispatching",
    severity: str = "critical",
    assigned: float | None = None,
    arrived: float | None = None,
    eta: int | None = None,
    breached: bool = False,
    reason: str | None = None,
) -> Incident:
    """A critical incident (targets 1 min / 10 min) created `age` s before NOW; `assigned` and
    `arrived` are seconds after creation."""
    created = NOW - timedelta(seconds=age)
    sla: dict[str, Any] = {
        "response_target_seconds": 60 if severity == "critical" else 120,
        "arrival_target_seconds": 600 if severity == "critical" else 900,
        "assigned_at": created + timedelta(seconds=assigned) if assigned is not None else None,
        "arrived_at": created + timedelta(seconds=arrived) if arrived is not None else None,
        "time_to_assign_seconds": assigned,
        "time_to_arrive_seconds": arrived,
        "breached": breached,
        "breach_reason": reason,
    }
    responder = None
    if assigned is not None:
        responder = {
            "responder_id": "rsp_1",
            "name": "Sgt. Musa",
            "unit": "Patrol 6",
            "assigned_at": created + timedelta(seconds=assigned),
            "eta_seconds": eta,
        }
    return Incident.model_validate(
        {
            "incident_id": "inc_sla",
            "category": "sos",
            "severity": severity,
            "status": status,
            "location": {"coordinates": [3.4, 6.5]},
            "created_at": created,
            "updated_at": NOW,
            "sla": sla,
            "responder": responder,
        }
    )


WORDING = [
    # (case, incident, headline, detail, urgency)
    ("waiting for assignment", make(age=20), "Assign in 0:40", "Assignment target of 1 min", SlaUrgency.OK),
    (
        "assignment nearly due, nobody yet",
        make(age=52),
        "Assign in 0:08",
        "No responder yet after 0:52: the assignment target of 1 min is about to pass",
        SlaUrgency.AT_RISK,
    ),
    (
        "assignment missed",
        make(age=218, breached=True, reason="response_target_exceeded"),
        "Breached 2:38 ago",
        "Assignment target of 1 min exceeded",
        SlaUrgency.BREACHED,
    ),
    (
        "on the way, ETA fits",
        make(age=65, status="responding", assigned=40, eta=240),
        "Arrive in 8:55",
        "ETA 4 min — 5 min to spare on the arrival target of 10 min",
        SlaUrgency.OK,
    ),
    (
        "on the way, ETA past the target",
        make(age=134, severity="high", status="responding", assigned=50, eta=3600),
        "ETA 47 min past target",
        "ETA 60 min — 47 min past the arrival target of 15 min, due in 12:46",
        SlaUrgency.AT_RISK,
    ),
    (
        "assigned late, arrival still on time",
        make(
            age=550,
            status="responding",
            assigned=90,
            eta=20,
            breached=True,
            reason="response_target_exceeded",
        ),
        "Arrive in 0:50 · assigned late",
        "ETA <1 min — 30 s to spare on the arrival target of 10 min; "
        "the assignment target of 1 min was missed",
        SlaUrgency.WARNING,
    ),
    (
        "arrival missed",
        make(
            age=758,
            status="responding",
            assigned=30,
            eta=120,
            breached=True,
            reason="arrival_target_exceeded",
        ),
        "Breached 2:38 ago",
        "Arrival target of 10 min exceeded; responder ETA 2 min",
        SlaUrgency.BREACHED,
    ),
    (
        "arrival passed before the server said so",
        make(age=610, status="responding", assigned=30, eta=60),
        "Breached 0:10 ago",
        "Arrival target of 10 min exceeded; responder ETA 1 min",
        SlaUrgency.BREACHED,
    ),
    (
        "on scene in time",
        make(age=900, status="on_scene", assigned=40, arrived=420),
        "Met",
        "Both targets met (arrived after 7 min)",
        SlaUrgency.OK,
    ),
    (
        "arrived late",
        make(
            age=900,
            status="on_scene",
            assigned=40,
            arrived=720,
            breached=True,
            reason="arrival_target_exceeded",
        ),
        "Arrived 2 min late",
        "Arrival target of 10 min exceeded",
        SlaUrgency.BREACHED,
    ),
    (
        "assigned late, arrived in time",
        make(
            age=900,
            status="resolved",
            assigned=130,
            arrived=500,
            breached=True,
            reason="response_target_exceeded",
        ),
        "Assigned 1 min late",
        "Assignment target of 1 min exceeded; arrival within target",
        SlaUrgency.BREACHED,
    ),
    (
        "cancelled before arrival",
        make(age=100, status="cancelled", assigned=30),
        "Closed before arrival",
        "The SLA stopped when the incident closed.",
        SlaUrgency.OK,
    ),
    (
        "cancelled after a breach",
        make(age=300, status="cancelled", breached=True, reason="response_target_exceeded"),
        "Breached",
        "Assignment target of 1 min exceeded",
        SlaUrgency.BREACHED,
    ),
    (
        "a reason this version does not know",
        make(age=300, status="cancelled", breached=True, reason="escalation_timeout"),
        "Breached",
        "Escalation timeout",
        SlaUrgency.BREACHED,
    ),
]


@pytest.mark.parametrize(
    ("incident", "headline", "detail", "urgency"), [w[1:] for w in WORDING], ids=[w[0] for w in WORDING]
)
def test_sla_wording(incident: Incident, headline: str, detail: str, urgency: SlaUrgency) -> None:
    words = describe_sla(incident, NOW)
    assert (words.headline, words.detail, words.urgency) == (headline, detail, urgency)


def test_no_code_or_shouting_leaks_into_any_wording() -> None:
    for _case, incident, *_ in WORDING:
        words = describe_sla(incident, NOW)
        for text in (words.headline, words.detail, sla_summary(incident)):
            assert "_" not in text  # no wire codes
            assert "BREACHED" not in text  # no shouting


@pytest.mark.parametrize(
    ("incident", "summary"),
    [
        (make(age=20), "SLA: assign by 12:00"),
        (make(age=65, status="responding", assigned=40, eta=240), "SLA: arrive by 12:08"),
        (
            make(age=550, status="responding", assigned=90, breached=True, reason="response_target_exceeded"),
            "SLA: arrive by 12:00 (assigned late)",
        ),
        (
            make(age=218, breached=True, reason="response_target_exceeded"),
            "SLA breached: assignment target of 1 min exceeded",
        ),
        (make(age=900, status="on_scene", assigned=40, arrived=420), "SLA met"),
        (
            make(
                age=900,
                status="on_scene",
                assigned=40,
                arrived=720,
                breached=True,
                reason="arrival_target_exceeded",
            ),
            "SLA: arrived 2 min late",
        ),
        (make(age=100, status="cancelled", assigned=30), "SLA: closed before arrival"),
    ],
)
def test_summary_needs_no_running_clock(incident: Incident, summary: str) -> None:
    assert sla_summary(incident, lambda moment: f"{moment:%H:%M}") == summary


def test_breach_reason_in_words_or_none() -> None:
    assert breach_reason(make(age=20)) is None
    late = make(age=758, status="responding", assigned=30, breached=True, reason="arrival_target_exceeded")
    assert breach_reason(late) == "arrival target of 10 min exceeded"
    unexplained = make(age=100, breached=True)
    assert breach_reason(unexplained) == "a target was missed"


@pytest.mark.parametrize(
    ("seconds", "clock", "minutes"),
    [
        (0, "0:00", "0 s"),
        (40, "0:40", "40 s"),
        (158, "2:38", "3 min"),
        (2834, "47:14", "47 min"),
        (3900, "1:05:00", "1 h 5 min"),
        (7200, "2:00:00", "2 h"),
    ],
)
def test_clock_and_minutes(seconds: float, clock: str, minutes: str) -> None:
    assert clock_text(seconds) == clock
    assert minutes_text(seconds) == minutes
