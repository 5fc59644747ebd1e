"""The lead's ISA-18.2 alarm book on the hub: acknowledge or shelve on one console, every console agrees."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sety_console.api import SetyClient
from sety_console.api.models import CreateIncidentRequest
from sety_console.core.alarm_book import AlarmBook
from sety_console.core.alarm_model import AlarmState

from .conftest import MakeRig, wait_for

pytestmark = pytest.mark.asyncio


def sos(severity: str) -> CreateIncidentRequest:
    return CreateIncidentRequest.model_validate(
        {
            "category": "sos",
            "severity": severity,
            "subject": {"name": "Alarm test"},
            "location": {"coordinates": [3.41, 6.45]},
        }
    )


def state_of(book: AlarmBook, incident_id: str) -> AlarmState | None:
    alarm = book.get(incident_id, datetime.now(UTC))
    return None if alarm is None else alarm.state


async def test_one_alarm_state_on_every_console(make_rig: MakeRig, direct: SetyClient) -> None:
    critical = (await direct.create_incident(sos("critical"))).incident
    high = (await direct.create_incident(sos("high"))).incident
    rig = await make_rig()
    ada, bo = await rig.console("Ada"), await rig.console("Bo")
    ada_book, bo_book = ada.session.alarms, bo.session.alarms  # connect_to_hub shares them
    await wait_for(lambda: state_of(bo_book, critical.incident_id) is AlarmState.UNACKNOWLEDGED)
    await wait_for(lambda: state_of(ada_book, high.incident_id) is AlarmState.UNACKNOWLEDGED)

    await ada_book.acknowledge(critical.incident_id, "Ada", datetime.now(UTC))
    await wait_for(lambda: state_of(bo_book, critical.incident_id) is AlarmState.ACKNOWLEDGED, timeout=2)
    alarm = bo_book.get(critical.incident_id, datetime.now(UTC))
    assert alarm is not None
    assert alarm.acknowledged is not None
    assert alarm.acknowledged.by == "Ada"

    await bo_book.shelve(high.incident_id, 5, "Bo", datetime.now(UTC))
    await wait_for(lambda: state_of(ada_book, high.incident_id) is AlarmState.SHELVED, timeout=2)
    await ada_book.unshelve(high.incident_id, "Ada", datetime.now(UTC))
    await wait_for(lambda: state_of(bo_book, high.incident_id) is AlarmState.UNACKNOWLEDGED, timeout=2)

    # a console that starts now reads the same states from the hub
    chi = await rig.console("Chi")
    chi_book = chi.session.alarms
    await wait_for(lambda: state_of(chi_book, critical.incident_id) is AlarmState.ACKNOWLEDGED)
    assert state_of(chi_book, high.incident_id) is AlarmState.UNACKNOWLEDGED
    audit = [(e.actor, e.action) for e in await chi.hub.audit()]
    assert ("Ada", "alarm_acknowledged") in audit
    assert ("Bo", "alarm_shelved") in audit
