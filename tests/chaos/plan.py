"""What the chaos test's operator does: a seeded list of user actions, each one recognisable on the server.

Every action carries a unique marker (see `script`), so the audit can count each one's effects.
Cancels, checkouts and revokes act on targets made on the server before the run, each used once.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sety_console.api.models import (
    CreateAccessCodeRequest,
    CreateAccessLogRequest,
    CreateIncidentRequest,
    Incident,
)
from sety_console.core.actions import ActionKind
from sety_console.sandbox.accounts import DEMO_ORG_ID
from sety_console.sandbox.runtime import Sandbox

from .script import GATE, Action

ENV = "test"
MIX = {  # share of each kind in a plan
    ActionKind.ADD_NOTE: 0.25,
    ActionKind.CREATE_INCIDENT: 0.15,
    ActionKind.CHECK_IN: 0.2,
    ActionKind.CREATE_ACCESS_CODE: 0.1,
    ActionKind.CANCEL_INCIDENT: 0.1,
    ActionKind.CHECK_OUT: 0.1,
    ActionKind.REVOKE_ACCESS_CODE: 0.1,
}


def make_targets(sandbox: Sandbox, count: int) -> dict[str, list[str]]:
    """Incidents to note and cancel, visitors inside to check out, active codes to revoke."""
    now = sandbox.clock.now()
    targets: dict[str, list[str]] = {"incidents": [], "visits": [], "codes": []}
    for number in range(count):
        request = CreateIncidentRequest.model_validate(
            {
                "category": "sos",
                "subject": {"name": f"Target {number}"},
                "location": {"coordinates": [3.42, 6.44]},
            }
        )
        document, _ = sandbox.incidents.create(DEMO_ORG_ID, ENV, request)
        targets["incidents"].append(Incident.model_validate_json(document).incident_id)
        visit = CreateAccessLogRequest(visitor_name=f"Inside {number}", host_name="Host", gate=GATE)
        targets["visits"].append(sandbox.access.check_in(DEMO_ORG_ID, ENV, visit).log_id)
        code = CreateAccessCodeRequest(
            visitor_name=f"Expected {number}", host_name="Host", valid_until=now + timedelta(days=2)
        )
        targets["codes"].append(sandbox.access.create_code(DEMO_ORG_ID, ENV, code).code_id)
    return targets


def make_plan(count: int, seed: int, targets: dict[str, list[str]]) -> list[Action]:
    """`count` actions in a seeded order; every cancel, checkout and revoke has a target of its own."""
    rng = random.Random(seed)
    kinds = list(MIX)
    free = {name: list(ids) for name, ids in targets.items()}
    for ids in free.values():
        rng.shuffle(ids)
    valid_until = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    plan: list[Action] = []
    for index in range(count):
        kind = rng.choices(kinds, weights=[MIX[k] for k in kinds])[0]
        tag = f"chaos-{seed}-{index}"
        if kind is ActionKind.CANCEL_INCIDENT and free["incidents"]:
            plan.append(Action(index, kind.value, tag, free["incidents"].pop()))
        elif kind is ActionKind.CHECK_OUT and free["visits"]:
            plan.append(Action(index, kind.value, tag, free["visits"].pop()))
        elif kind is ActionKind.REVOKE_ACCESS_CODE and free["codes"]:
            target = free["codes"].pop()
            plan.append(Action(index, kind.value, f"revoke {target}", target))
        elif kind in (ActionKind.CREATE_INCIDENT, ActionKind.CHECK_IN):
            plan.append(Action(index, kind.value, tag))
        elif kind is ActionKind.CREATE_ACCESS_CODE:
            plan.append(Action(index, kind.value, tag, fields={"valid_until": valid_until}))
        else:  # a note, on any of the incidents (cancelled ones too: notes are allowed in any state)
            plan.append(Action(index, ActionKind.ADD_NOTE.value, tag, rng.choice(targets["incidents"])))
    return plan
