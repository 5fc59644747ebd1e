"""Screenshots of the queue and the detail panel in both themes, written for a person to look at.

They land in /tmp/sety-console-screens/ (override with SETY_SCREENSHOT_DIR). The checks make sure
the things an operator must not miss are on the picture: breached SLA red, critical rows, drills.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sety_console.core.actions import ActionKind, ActionState, OutboxEntry
from sety_console.core.rules import SlaUrgency
from sety_console.ui.common.palette import colors
from sety_console.ui.common.theme import apply_theme, current_theme
from sety_console.ui.incidents.detail import IncidentDetail
from sety_console.ui.incidents.queue_filters import QueueFilters, StatusGroup
from sety_console.ui.incidents.queue_model import IncidentQueueModel
from sety_console.ui.incidents.queue_view import IncidentQueue

from .conftest import FakeClock
from .factory import NOW, Store, make_incident

SCREENS = Path(os.environ.get("SETY_SCREENSHOT_DIR", "/tmp/sety-console-screens"))


@pytest.fixture(params=["dark", "light"])
def theme(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    before = current_theme()
    stylesheet = qapp.styleSheet()
    yield apply_theme(qapp, request.param)
    apply_theme(qapp, before)
    qapp.setStyleSheet(stylesheet)


def colors_in(image: QImage) -> set[str]:
    """Every colour of a coarse grid of pixels (enough to find table cell backgrounds)."""
    return {
        QColor(image.pixel(x, y)).name()
        for x in range(0, image.width(), 4)
        for y in range(0, image.height(), 3)
    }


def test_queue_screenshot(qtbot: QtBot, theme: str, store: Store, clock: FakeClock) -> None:
    palette = colors(theme)
    model = IncidentQueueModel(store.lookup, clock.now, palette=palette, monotonic=clock.monotonic)
    model.reset_from(store.items.values())
    queue = IncidentQueue(model)
    qtbot.addWidget(queue)
    queue.resize(1500, 1150)
    queue.set_filters(QueueFilters(status=StatusGroup.ALL))
    queue.show()
    queue.select(model.incident_at(12).incident_id)
    model.flash([model.incident_at(20).incident_id])
    qtbot.waitExposed(queue)
    qtbot.wait(100)
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / f"queue-{theme}.png"
    image = queue.grab().toImage()
    assert image.save(str(path))
    found = colors_in(image)
    assert palette.sla_swatch(SlaUrgency.BREACHED).bg in found
    assert palette.critical_row in found
    assert palette.drill.bg in found


def test_detail_screenshot(qtbot: QtBot, theme: str, clock: FakeClock) -> None:
    palette = colors(theme)
    incident = make_incident(
        "inc_h3t8w1ne6vb0ys5c",
        severity="critical",
        breached=True,
        breach_reason="No responder accepted in 60 s",
    )
    pending = [
        OutboxEntry(
            "a1",
            ActionKind.ADD_NOTE,
            {"message": "Caller back on the line."},
            incident.incident_id,
            ActionState.PENDING,
            NOW,
            "Funke Adeyemi",
        ),
        OutboxEntry(
            "a2",
            ActionKind.ADD_NOTE,
            {"message": "Asked the unit to use sirens."},
            incident.incident_id,
            ActionState.FAILED,
            NOW,
            "Funke Adeyemi",
            1,
            "message: must not be blank",
        ),
    ]
    detail = IncidentDetail(clock.now, palette=palette)
    qtbot.addWidget(detail)
    detail.resize(780, 1000)
    detail.show_incident(incident, pending, ["18:26:02 Alarm acknowledged by Funke Adeyemi"])
    detail.show()
    qtbot.waitExposed(detail)
    qtbot.wait(100)  # let the splitter and scroll areas settle (as a person would see it)
    SCREENS.mkdir(parents=True, exist_ok=True)
    image = detail.grab().toImage()
    assert image.save(str(SCREENS / f"detail-{theme}.png"))
    found = colors_in(image)
    assert palette.sla_swatch(SlaUrgency.BREACHED).bg in found  # the live SLA clock
    assert palette.note.bg in found  # a note in the timeline
