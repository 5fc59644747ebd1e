"""The chaos test's console: a real `ConsoleSession` that works through the plan until it is killed.

    python -m tests.chaos.child BASE_URL KEY DATA_DIR PLAN_FILE TIMEOUT_S MARGIN_S PACE_S

On every (re)start it reads which planned actions its outbox already holds (an action is in the outbox
once `submit` returned: that is the durability promise), submits the others one by one at `PACE_S`
intervals, and exits 0 once every action is submitted and nothing is left to deliver. The parent kills
it (SIGKILL) at random moments and starts it again.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
from pathlib import Path

from sety_console.api import RetryPolicy, SetyClient
from sety_console.api.models import CreateAccessCodeRequest, CreateAccessLogRequest, CreateIncidentRequest
from sety_console.core.actions import ActionKind, OutboxEntry
from sety_console.core.session import ConsoleSession

from .script import GATE, Action, load_plan, marker_of


def submitted_markers(data_dir: Path) -> set[str]:
    """Markers of the actions this console's outbox already holds (read before the session opens it)."""
    path = data_dir / "outbox.sqlite3"
    if not path.exists():
        return set()
    db = sqlite3.connect(path)
    try:
        rows = db.execute("SELECT kind, payload, target_id FROM outbox").fetchall()
    finally:
        db.close()
    return {marker_of(ActionKind(kind), json.loads(payload), target) for kind, payload, target in rows}


async def submit(session: ConsoleSession, action: Action) -> OutboxEntry:
    kind = ActionKind(action.kind)
    if kind is ActionKind.CREATE_INCIDENT:
        request = CreateIncidentRequest.model_validate(
            {
                "category": "sos",
                "title": action.marker,
                "idempotency_key": action.marker,
                "subject": {"name": "Chaos"},
                "location": {"coordinates": [3.42, 6.44]},
            }
        )
        return await session.create_incident(request)
    if kind is ActionKind.ADD_NOTE:
        return await session.add_note(str(action.target), action.marker)
    if kind is ActionKind.CANCEL_INCIDENT:
        return await session.cancel_incident(str(action.target), action.marker)
    if kind is ActionKind.CHECK_IN:
        return await session.check_in(
            CreateAccessLogRequest(visitor_name=action.marker, host_name="Host", gate=GATE)
        )
    if kind is ActionKind.CHECK_OUT:
        return await session.check_out(str(action.target), notes=action.marker, gate=GATE)
    if kind is ActionKind.CREATE_ACCESS_CODE:
        request_code = CreateAccessCodeRequest.model_validate(
            {"visitor_name": action.marker, "host_name": "Host", **action.fields}
        )
        return await session.create_access_code(request_code)
    return await session.revoke_access_code(str(action.target))


async def main(base_url: str, key: str, data_dir: str, plan_file: str, *timing: str) -> int:
    """Work through the plan; `timing` is the request timeout, the quiet margin and the pace (seconds)."""
    timeout, margin, pace = (float(value) for value in timing)
    folder = Path(data_dir)
    done = submitted_markers(folder)
    plan = [a for a in load_plan(Path(plan_file)) if a.marker not in done]
    retry = RetryPolicy(base_delay=0.2, max_delay=1.0, deadline=4.0)
    async with SetyClient(base_url, key, timeout=timeout, retry=retry) as client:
        session = ConsoleSession(
            client, data_dir=folder, operator_name="Chaos Op", outbox_quiet_margin_s=margin
        )
        await session.start()
        print(f"started: {len(done)} actions already in the outbox, {len(plan)} to go", flush=True)
        for action in plan:
            await submit(session, action)
            await asyncio.sleep(pace)
        while session.outbox.open_entries():  # noqa: ASYNC110 - polling what the outbox shows the ui
            await asyncio.sleep(0.2)
        await session.close()
    print("all delivered", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(*sys.argv[1:8])))
