"""Demo data, loaded once into a new database (deterministic for a seed and a start time).

* the service-area history: ~20,000 incidents over the last year from `demo_data.history` (some
  districts rising, some falling), with full timelines, SLA figures, responders and outcomes, flagged
  `is_history`. Courses already over are written by `history_play` (the simulation's timers and
  wording, without its cost); the last hours are played by the responder simulation itself, so a
  few incidents are active at start and the queue is alive;
* a handful of incidents of the second organisation (to show tenancy);
* the responder pool (`demo_data.responder_units`), which every database gets, demo or not;
* the gate: access codes in every state, ~200 past visits and ~15 visitors inside now.
"""

from __future__ import annotations

import dataclasses
import logging
import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from sety_console.api.models import CreateIncidentRequest, Incident

from . import accounts, incident_store, lifecycle
from .clock import to_ms
from .config import SandboxConfig
from .demo_data import (
    DemoAccessCode,
    DemoIncident,
    DemoVisit,
    gate_activity,
    history,
    new_incident,
    responder_units,
)
from .history_play import Base, Played, nearest_bases, play_closed
from .ids import new_id
from .plans import Plan, PlanSpec, initial_plan, notes_for
from .tables import AccessCodeRow, AccessLogRow, IncidentRow, ResponderUnitRow

if TYPE_CHECKING:
    from .runtime import Sandbox

log = logging.getLogger(__name__)

MIN_ACTIVE_AT_START = 6
_INSERT_ROWS = insert(IncidentRow).execution_options(render_nulls=True)
OTHER_ORG_INCIDENTS = 20
_CANCEL_REASONS = (
    "User confirmed they are safe; the button was pressed by mistake",
    "Caller says the situation is under control",
    "Duplicate alert from the same trip",
    "Subject reached home safely",
)


def ensure_responder_units(session: Session, config: SandboxConfig) -> None:
    """Give a new database its responder pool (the simulated Sety side; present without demo data)."""
    if session.scalar(select(ResponderUnitRow.unit_id).limit(1)) is not None:
        return
    for unit in responder_units(config.responder_count, config.seed_value):
        session.add(
            ResponderUnitRow(
                unit_id=unit.responder_id,
                name=unit.name,
                phone=unit.phone,
                unit=unit.unit,
                vehicle_plate=unit.vehicle_plate,
                lng=unit.lng,
                lat=unit.lat,
            )
        )


def seed_demo(sandbox: Sandbox) -> None:
    """Load the demo data unless this database already has it."""
    db, config = sandbox.db, sandbox.config
    if db.get_meta("demo_seeded") is not None:
        return
    now = sandbox.clock.now()
    rng = random.Random(config.seed_value)
    demos = history(
        now, count=config.demo_history_count, days=config.demo_history_days, seed=config.seed_value
    )
    demos += _top_up(rng, demos, now)
    others = history(now, count=OTHER_ORG_INCIDENTS, days=7, seed=config.seed_value + 1)
    entries = [(d, accounts.DEMO_ORG_ID, True) for d in demos] + [
        (d, accounts.OTHER_ORG_ID, False) for d in others
    ]
    with db.write_lock, db.session() as session:
        rows = _rows(sandbox, rng, entries, now)
        for chunk in range(0, len(rows), 2000):  # Core inserts: no ORM object per row
            session.connection().execute(_INSERT_ROWS, rows[chunk : chunk + 2000])
        sandbox.dispatcher.persist_units(session, list(sandbox.dispatcher.units))
        codes, visits = gate_activity(now, seed=config.seed_value)
        _seed_gate(session, rng, codes, visits, now)
    db.set_meta("demo_seeded", now.isoformat())
    log.info("demo data loaded: %d incidents, %d access codes, %d visits", len(rows), len(codes), len(visits))


def _top_up(rng: random.Random, demos: list[DemoIncident], now: datetime) -> list[DemoIncident]:
    """Fresh incidents from the last minutes so that a few are active at start, one critical."""
    active = [d for d in demos if d.status_at(now) not in ("resolved", "cancelled")]
    extra: list[DemoIncident] = []
    for index in range(max(0, MIN_ACTIVE_AT_START - len(active))):
        demo = new_incident(rng, now - timedelta(seconds=rng.uniform(20, 600)))
        if index == 0 and not any(d.severity == "critical" for d in active):
            demo = dataclasses.replace(demo, severity="critical")
        extra.append(
            dataclasses.replace(demo, outcome="handled" if demo.outcome == "false_alarm" else demo.outcome)
        )
    return sorted(extra, key=lambda d: d.created_at)


def _rows(
    sandbox: Sandbox, rng: random.Random, entries: list[tuple[DemoIncident, str, bool]], now: datetime
) -> list[dict[str, Any]]:
    """The rows of every demo incident as it stands at `now`: courses already over are played
    straight into their documents, the rest run through the responder simulation."""
    bases = [Base(unit.info, unit.lng, unit.lat) for unit in sandbox.dispatcher.units.values()]
    nearest = nearest_bases([demo for demo, _, _ in entries], bases)
    rows: list[dict[str, Any]] = []
    running: dict[str, tuple[Incident, Plan]] = {}
    owners: dict[str, tuple[str, bool]] = {}
    for (demo, org_id, is_history), candidates in zip(entries, nearest, strict=True):
        incident_id, spec = new_id("inc", rng), demo_spec(rng, demo)
        subject = demo_subject(demo)
        played = play_closed(demo, incident_id, dataclasses.replace(spec), bases, now, subject, candidates)
        if played is not None:
            rows.append(_played_row(demo, incident_id, org_id, is_history, played))
            continue
        running[incident_id] = (
            demo_incident(demo, incident_id),
            initial_plan(spec, demo.severity, to_ms(demo.created_at)),
        )
        owners[incident_id] = (org_id, is_history)
    sandbox.dispatcher.simulation().advance(running, to_ms(now))
    for incident_id, (incident, plan) in running.items():
        org_id, is_history = owners[incident_id]
        row = incident_store.new_row(incident, org_id, "test", plan, is_history=is_history)
        rows.append({c.key: getattr(row, c.key) for c in IncidentRow.__table__.columns})
    return rows


def _played_row(
    demo: DemoIncident, incident_id: str, org_id: str, is_history: bool, played: Played
) -> dict[str, Any]:
    return {
        "incident_id": incident_id,
        "org_id": org_id,
        "environment": "test",
        "created_at_ms": to_ms(demo.created_at),
        "updated_at_ms": played.updated_at_ms,
        "status": played.status,
        "category": demo.category,
        "severity": demo.severity,
        "is_drill": True,
        "is_history": is_history,
        "idempotency_key": None,
        "lng": demo.lng,
        "lat": demo.lat,
        "time_to_assign_s": played.time_to_assign_s,
        "time_to_arrive_s": played.time_to_arrive_s,
        "next_action_at_ms": None,
        "plan": None,
        "document": played.document,
    }


def demo_incident(demo: DemoIncident, incident_id: str) -> Incident:
    """A just-created incident for `demo`, as the API would create it."""
    return lifecycle.new_incident(incident_id, demo_request(demo), is_drill=True, now=demo.created_at)


def demo_subject(demo: DemoIncident) -> dict[str, Any]:
    """The incident's `subject` block as the API stores it."""
    return {
        "name": demo.subject_name,
        "phone": demo.subject_phone,
        "email": demo.subject_email,
        "reference": demo.subject_reference,
        "metadata": dict(demo.metadata),
    }


def demo_request(demo: DemoIncident) -> CreateIncidentRequest:
    """The Create incident body a platform would send for a demo incident."""
    return CreateIncidentRequest.model_validate(
        {
            "category": demo.category,
            "severity": demo.severity,
            "subject": {
                "name": demo.subject_name,
                "phone": demo.subject_phone,
                "email": demo.subject_email,
                "reference": demo.subject_reference,
                "metadata": dict(demo.metadata),
            },
            "location": {
                "coordinates": [demo.lng, demo.lat],
                "address": demo.address,
                "landmark": demo.landmark,
            },
            "title": demo.title,
            "description": demo.description,
        }
    )


def demo_spec(rng: random.Random, demo: DemoIncident) -> PlanSpec:
    """The demo data's prescribed course as a simulation plan."""
    never = demo.close_after_s + 3600.0
    assign = demo.assign_after_s if demo.assign_after_s is not None else never
    false_alarm = demo.outcome == "false_alarm"
    return PlanSpec(
        assign_after_s=assign,
        depart_delay_s=20.0,
        speed_mps=8.0,
        on_scene_s=max(60.0, demo.close_after_s - (demo.arrive_after_s or 0.0)),
        outcome="handled" if false_alarm else demo.outcome,
        notes=notes_for(demo.outcome, demo.category),
        reassign_after_s=assign + 8.0 if demo.reassigned else None,
        escalate_after_s=round(assign * 0.7, 1) if demo.escalated else None,
        arrive_after_s=demo.arrive_after_s if demo.arrive_after_s is not None else never,
        close_after_s=demo.close_after_s,
        cancel_reason=rng.choice(_CANCEL_REASONS) if false_alarm else None,
    )


def _seed_gate(
    session: Session, rng: random.Random, codes: list[DemoAccessCode], visits: list[DemoVisit], now: datetime
) -> None:
    org, env = accounts.DEMO_ORG_ID, "test"
    valid_until = {c.code: to_ms(c.valid_until) for c in codes if not c.revoked}
    for code in codes:
        created = min(code.valid_from, now) - timedelta(hours=rng.uniform(1, 24))
        session.add(
            AccessCodeRow(
                code_id=new_id("acc", rng),
                org_id=org,
                environment=env,
                code=code.code,
                visitor_name=code.visitor_name,
                visitor_phone=code.visitor_phone,
                host_name=code.host_name,
                host_unit=code.host_unit,
                purpose=code.purpose,
                gate=code.gate,
                valid_from_ms=to_ms(code.valid_from),
                valid_until_ms=to_ms(code.valid_until),
                max_uses=code.max_uses,
                uses=code.uses,
                revoked_at_ms=to_ms(min(now, code.valid_from + timedelta(hours=1))) if code.revoked else None,
                created_at_ms=to_ms(created),
            )
        )
    for visit in visits:
        out = visit.checked_out_at
        session.add(
            AccessLogRow(
                log_id=new_id("log", rng),
                org_id=org,
                environment=env,
                **{f: getattr(visit, f) for f in _VISIT_FIELDS},
                expected_until_ms=valid_until.get(visit.access_code) if visit.access_code else None,
                checked_in_at_ms=to_ms(visit.checked_in_at),
                checked_out_at_ms=to_ms(out) if out else None,
                duration_minutes=round((out - visit.checked_in_at).total_seconds() / 60, 1) if out else None,
            )
        )


_VISIT_FIELDS = (
    "visitor_name",
    "visitor_phone",
    "visitor_id_number",
    "host_name",
    "host_unit",
    "purpose",
    "gate",
    "vehicle_plate",
    "access_code",
    "method",
    "checkout_gate",
    "checkout_notes",
    "created_by",
)
