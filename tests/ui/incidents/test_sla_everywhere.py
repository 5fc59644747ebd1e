"""One SLA vocabulary on every surface: queue cell, detail header and facts, alarm banner, map popup."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sety_console.api.models import Incident
from sety_console.core.alarm_model import Alarm, AlarmReason, AlarmState
from sety_console.core.alarm_text import alarm_line
from sety_console.core.rules import SlaUrgency
from sety_console.core.sla_text import describe_sla
from sety_console.ui.common.palette import colors
from sety_console.ui.incidents.detail import IncidentDetail
from sety_console.ui.incidents.queue_columns import Column
from sety_console.ui.incidents.queue_model import IncidentQueueModel
from sety_console.ui.map.payload import incident_row

from .conftest import FakeClock
from .factory import NOW, Store, make_incident

MARGIN = "ETA 60 min — 47 min past the arrival target of 15 min, due in 12:46"


def late_responder() -> Incident:
    """High SOS (targets 2 / 15 min), 2:14 old, a responder 60 min away: 12:46 left to arrive."""
    return make_incident(
        "inc_late0000001", severity="high", status="responding", age=timedelta(seconds=134), eta_seconds=3600
    )


def test_an_eta_past_the_target_reads_the_same_in_the_queue_and_the_detail(
    qtbot: QtBot, clock: FakeClock
) -> None:
    incident = late_responder()
    words = describe_sla(incident, NOW)
    assert (words.headline, words.detail, words.urgency) == (
        "ETA 47 min past target",
        MARGIN,
        SlaUrgency.AT_RISK,
    )

    model = IncidentQueueModel(Store([incident]).lookup, clock.now, monotonic=clock.monotonic)
    model.reset_from([incident])
    cell = model.index(0, Column.SLA)
    assert model.data(cell) == words.headline
    amber = colors("dark").sla_swatch(SlaUrgency.AT_RISK).bg
    assert model.data(cell, Qt.ItemDataRole.BackgroundRole).name() == amber
    assert MARGIN in model.data(cell, Qt.ItemDataRole.ToolTipRole)
    assert model.data(model.index(0, Column.RESPONDER)) == "Patrol 7 · ETA 60 min"  # the same ETA beside it

    detail = IncidentDetail(clock.now)
    qtbot.addWidget(detail)
    detail.show_incident(incident)
    assert detail.header.clock.text() == f"SLA  {words.headline}"
    assert detail.header.clock_detail.text() == MARGIN
    assert detail.facts.fields["Breach"].text() == "None so far"
    model.deleteLater()


def _ringing(incident: Incident, reason: AlarmReason) -> Alarm:
    return Alarm(incident, AlarmState.UNACKNOWLEDGED, (reason,), (reason,), NOW)


def test_banner_says_why_in_the_same_words_and_never_repeats_the_name() -> None:
    incident = late_responder()
    at_risk = _ringing(incident, AlarmReason.SLA_AT_RISK)
    assert f"(SLA at risk: {MARGIN})" in alarm_line(at_risk, NOW)
    nowhere = make_incident("inc_noaddr000001", address=None, landmark=None, name="Bisi Lawal")
    new = _ringing(nowhere, AlarmReason.NEW_CRITICAL)
    text = alarm_line(new, NOW)
    assert text.count("Bisi Lawal") == 1
    assert text.endswith("Bisi Lawal, 6.44740, 3.47460")
    breached = make_incident(
        "inc_breached0001", status="dispatching", age=timedelta(seconds=278), breached=True,
        breach_reason="response_target_exceeded",
    )  # fmt: skip
    alarm = _ringing(breached, AlarmReason.SLA_BREACHED)
    assert "(SLA breached 2:38 ago: assignment target of 2 min exceeded)" in alarm_line(alarm, NOW)


def test_map_popup_carries_the_sla_line_without_a_running_clock() -> None:
    detail = incident_row(late_responder())[7]
    assert "SLA: arrive by 10 Mar 18:42 UTC" in detail.splitlines()
    met = make_incident("inc_met000000001", status="on_scene", age=timedelta(minutes=20))
    assert "SLA met" in incident_row(met)[7].splitlines()


def test_the_timeline_names_a_breach_in_words() -> None:
    from sety_console.ui.common.palette import colors as theme_colors
    from sety_console.ui.incidents.timeline import render_timeline

    incident = make_incident("inc_tl0000000001", breached=True, breach_reason="response_target_exceeded")
    data = incident.model_dump(mode="json", by_alias=True)
    message = "No responder assigned within the 120 s target"
    event = {
        "status": "dispatching",
        "event": "sla_breached",
        "message": message,
        "timestamp": data["created_at"],
    }
    data["timeline"].append(event)
    html = render_timeline(Incident.model_validate(data), (), (), theme_colors("dark"))
    assert "SLA breached" in html
    assert "Sla breached" not in html
