"""A click on a map marker says the truth about the queue: a cancelled incident (hidden by “Active”) is
really selected after that filter is cleared, and an incident the console does not hold is said so
(issue 13.6: "says it is selected in the control room when it is not")."""

from __future__ import annotations

import uuid

import httpx
from pytestqt.qtbot import QtBot

from sety_console.api.models import IncidentStatus
from sety_console.ui.incidents.queue_filters import StatusGroup
from sety_console.ui.workspaces.control_room import ControlRoom
from sety_console.ui.workspaces.map_room import MapRoom
from tests.sandbox_process import SandboxProcess

from .conftest import Console


def _cancelled_incident(server: SandboxProcess, key: str, name: str) -> str:
    headers = {"Authorization": f"Bearer {key}"}
    body = {
        "category": "medical",
        "severity": "medium",
        "idempotency_key": f"e2e-{uuid.uuid4()}",
        "subject": {"name": name},
        "location": {"coordinates": [3.4215, 6.4302], "address": "3 Akin Adesola Street, Victoria Island"},
    }
    made = httpx.post(f"{server.base_url}/incidents", json=body, headers=headers)
    assert made.status_code == 201, made.text
    incident_id: str = made.json()["incident"]["incident_id"]
    cancelled = httpx.post(
        f"{server.base_url}/incidents/{incident_id}/cancel",
        json={"reason": "caller rang back"},
        headers=headers,
    )
    assert cancelled.status_code == 200, cancelled.text
    return incident_id


def _click_marker(qtbot: QtBot, room: MapRoom, incident_id: str, lat: float, lng: float) -> None:
    """The operator looks at the pin (the map centred on it) and clicks it: the page's own DOM click,
    out through the bridge."""
    room.view.center_on(lat, lng, 16)
    answers: list[object] = []

    def click_drawn_pin() -> bool:
        answers.clear()
        room.view.web_view.page().runJavaScript(
            f"SetyMap.incidents.click('{incident_id}')", 0, answers.append
        )
        qtbot.waitUntil(lambda: bool(answers), timeout=5_000)
        return answers == [True]

    with qtbot.waitSignal(room.workspace.incident_clicked, timeout=10_000):
        qtbot.waitUntil(click_drawn_pin, timeout=10_000)  # the pin is drawn once the view has moved


def test_clicking_a_cancelled_incident_on_the_map_really_selects_it(
    qtbot: QtBot, console: Console, server: SandboxProcess, keys: dict[str, str]
) -> None:
    control = console.workspaces.rooms["control-room"]
    room = console.workspaces.rooms["map"]
    assert isinstance(control, ControlRoom)
    assert isinstance(room, MapRoom)
    incident_id = _cancelled_incident(server, keys["operator"], "Cancelled Chika")
    qtbot.waitUntil(
        lambda: (
            (i := console.session.incidents.get(incident_id)) is not None
            and i.status is IncidentStatus.cancelled
        ),
        timeout=10_000,
    )
    # the change set reaches the queue and the map on the same loop turn
    qtbot.waitUntil(lambda: (f := control.model.fields_of(incident_id)) is not None and f.terminal)
    assert control.model.row_of(incident_id) is None  # “Active” hides it
    console.window.show_workspace("map")
    qtbot.waitUntil(lambda: room.view.is_ready, timeout=30_000)
    seq = room.view.flush()
    qtbot.waitUntil(lambda: room.view.rendered_seq >= seq, timeout=10_000)

    _click_marker(qtbot, room, incident_id, 6.4302, 3.4215)
    said = console.window.status.notice.text()
    assert control.queue.current_id() == incident_id  # what the message says is true
    assert said.startswith(f"Selected {incident_id} (cancelled) in the control-room queue")
    assert "the “Active” filter" in said
    assert control.queue.filters().status is StatusGroup.ALL
    assert console.window.grab().save("/tmp/sety-map-click-cancelled.png")

    unknown = "inc_00000000000000000000"  # not held by this console (never loaded, or long closed)
    said = control.reveal(unknown)
    assert said == f"{unknown} is not in the control-room queue: this console does not hold it."
    assert control.queue.current_id() == incident_id  # nothing else was selected instead
