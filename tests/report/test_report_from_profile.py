"""End to end: a console (the sandbox's operator role) works a shift against the sandbox (alarms raised,
one acknowledged, one shelved, a note written), then the headless `sety-console --sandbox-role operator
report --sandbox` prints what that console recorded — from the same profile folder — with every incident
id byte-identical and the KPIs of its alarm log."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from sety_console.api import SetyClient
from sety_console.api.models import CreateIncidentRequest
from sety_console.cli import main
from sety_console.config import sandbox_database
from sety_console.connect.servers import profile_dir, sandbox_profile
from sety_console.core.actions import ActionState
from sety_console.core.alarm_kpi_text import headline
from sety_console.core.alarm_kpis import compute_alarm_kpis
from sety_console.core.alarm_records import AlarmAction
from sety_console.core.local_time import LocalZone
from sety_console.core.session import ConsoleSession
from sety_console.core.shift_records import ShiftRecords
from tests.sandbox_process import SandboxProcess

from .test_report_pdf import pdf_text

SHOTS = Path("/tmp/sety-report-shots")
PROFILE = sandbox_profile("operator")  # the folder of a console signed in with the sandbox's operator key
OPERATOR = "Funke Adeyemi"
NOTE = "Caller says the car is a blue Corolla, plate LAG 421 FI"


async def _create(client: SetyClient, severity: str, category: str, name: str, address: str) -> str:
    request = CreateIncidentRequest.model_validate(
        {
            "category": category,
            "severity": severity,
            "subject": {"name": name},
            "location": {"coordinates": [3.39, 6.45], "address": address},
        }
    )
    return (await client.create_incident(request)).incident.incident_id


def _now() -> datetime:
    return datetime.now(UTC)


async def _wait(condition: Callable[[], object], within: float = 30.0) -> None:
    end = asyncio.get_running_loop().time() + within
    while not condition():
        if asyncio.get_running_loop().time() > end:
            raise TimeoutError("the console did not get there in time")
        await asyncio.sleep(0.1)


async def work_a_shift(base_url: str, key: str) -> tuple[str, str]:
    """The console's session on the sandbox profile: acknowledge, shelve, write; then close it."""
    async with SetyClient(base_url, key) as creator:
        sos = await _create(creator, "critical", "sos", "Amaka Eze", "14 Admiralty Way, Lekki")
        car = await _create(
            creator, "high", "vehicle", "Tunde Bakare", "Ozumba Mbadiwe Avenue, Victoria Island"
        )
    session = ConsoleSession(
        SetyClient(base_url, key),
        data_dir=profile_dir(PROFILE),
        operator_name=OPERATOR,
        workstation="desk-7",
    )
    await session.start()
    try:
        await _wait(lambda: {sos, car} <= {a.incident_id for a in session.alarms.ringing(_now())})
        await session.alarms.acknowledge(sos, OPERATOR, _now())
        await session.alarms.shelve(car, 15, OPERATOR, _now())
        entry = await session.add_note(sos, NOTE)
        await _wait(lambda: (session.outbox.get(entry.action_id) or entry).state is ActionState.DONE)
    finally:
        await session.close()
    return sos, car


def test_the_headless_report_prints_what_the_console_recorded(
    qapp: QApplication, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with SandboxProcess(sandbox_database(), seed="demo") as sandbox:
        sos, car = asyncio.run(work_a_shift(sandbox.base_url, sandbox.keys["operator"]))
        out = tmp_path / "handover.pdf"
        command = ["--sandbox-role", "operator", "report", "--sandbox", "--hours", "2", "--out", str(out)]
        assert main(command) == 0
    printed = capsys.readouterr().out
    SHOTS.mkdir(exist_ok=True)
    (SHOTS / "handover-from-profile.pdf").write_bytes(out.read_bytes())
    text = pdf_text(out)
    words = text.split()
    assert sos in words
    assert car in words
    activity = text[
        text.index("Operator activity (from the audit trail)") : text.index("Alarm KPIs (ISA-18.2")
    ]
    expected = [OPERATOR, "desk-7", "Acknowledged the alarm", "Shelved the alarm for 15 min", NOTE]
    expected += ["Amaka Eze", "Tunde Bakare", "14 Admiralty Way, Lekki"]
    for phrase in expected:
        assert phrase in activity, phrase
    # the KPIs are those of the alarm log the console wrote in the profile folder
    records = ShiftRecords.open(profile_dir(PROFILE))
    end = datetime.now(UTC)
    log = asyncio.run(records.alarm_records(end - timedelta(days=3), end)) or []
    asyncio.run(records.close())
    raised = {r.incident_id for r in log if r.action is AlarmAction.RAISED and r.by == OPERATOR}
    assert {sos, car} <= raised
    marks = (AlarmAction.STARTED, AlarmAction.STOPPED)
    watched = [(r.action, r.by, r.workstation) for r in log if r.action in marks]
    assert watched == [(AlarmAction.STARTED, OPERATOR, "desk-7"), (AlarmAction.STOPPED, OPERATOR, "desk-7")]
    kpis = compute_alarm_kpis(log, end - timedelta(hours=2), end)
    assert kpis.total >= 2
    assert kpis.operators[0].operator == OPERATOR
    assert kpis.operators[0].acknowledged == 1
    assert kpis.operators[0].shelved == 1
    assert headline(kpis, LocalZone("Africa/Lagos")).split(":")[0] in text  # "N alarms"
    assert f"{kpis.total} alarms." in printed or f"{kpis.total} alarm." in printed
