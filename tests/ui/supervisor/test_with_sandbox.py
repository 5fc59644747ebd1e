"""The supervisor workspace against the real sandbox (demo data, in process): every panel renders
what the API answers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pypdf
import pytest
import qasync
from pytestqt.qtbot import QtBot

from sety_console.config import Settings, SettingsList
from sety_console.core.analytics.area import percentile_words
from sety_console.core.handover import closed_at
from sety_console.core.handover.report_html import SECTION_TITLES
from sety_console.core.local_time import LocalZone
from sety_console.ui.supervisor.places import PlacesStore, SavedPlace
from sety_console.ui.supervisor.workspace import CITY_CENTRE, SupervisorWorkspace

from .sandbox_adapter import SandboxBackend, open_sandbox

LAGOS = LocalZone("Africa/Lagos")


@pytest.fixture
def sandbox(aloop: qasync.QEventLoop, tmp_path: Path) -> Iterator[SandboxBackend]:
    stack = AsyncExitStack()
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    backend = aloop.run_until_complete(open_sandbox(stack, tmp_path, now))
    yield backend
    aloop.run_until_complete(stack.aclose())


def test_every_panel_renders_sandbox_data(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    sandbox: SandboxBackend,
    settings: Settings,
    tmp_path: Path,
    dark_theme: None,
    shots: Path,
) -> None:
    PlacesStore(SettingsList(settings, "saved_places")).add(SavedPlace("Yaba", 6.5095, 3.3841))
    PlacesStore(SettingsList(settings, "saved_places")).add(SavedPlace("Lagos Island", *CITY_CENTRE))
    workspace = SupervisorWorkspace(sandbox, settings, source="the demo sandbox", zone=LAGOS)
    qtbot.addWidget(workspace)
    workspace.resize(1600, 1000)
    workspace.show()
    aloop.run_until_complete(workspace.refresh())

    analytics = workspace.area.analytics
    assert analytics is not None
    assert workspace.area.gauge.score == analytics.safety_score.score
    by_hour = analytics.time_analysis.by_hour
    assert workspace.area.hour_chart.values == [by_hour[(h - 1) % 24] for h in range(24)]
    reading = workspace.area.reading
    assert reading is not None
    assert reading.percentile == analytics.comparison.percentile
    assert percentile_words(reading) in workspace.area.comparison.text()
    workspace.grab().save(str(shots / "sandbox-area.png"))

    stats = workspace.incidents.stats
    first, last = LAGOS.day_bounds(*workspace.incidents.selected_range())
    listed = aloop.run_until_complete(sandbox.client.list_incidents(from_date=first, to_date=last, limit=1))
    assert stats is not None
    assert stats.total == listed.pagination.total > 0
    workspace.tabs.setCurrentIndex(workspace.INCIDENTS)
    workspace.grab().save(str(shots / "sandbox-incident-analytics.png"))

    workspace.tabs.setCurrentIndex(workspace.COMPARE)
    results = aloop.run_until_complete(workspace.compare.compare(workspace.compare.ticked_places()))
    assert len(results) == 2
    assert all(r is not None for r in results)
    workspace.grab().save(str(shots / "sandbox-compare.png"))

    workspace.tabs.setCurrentIndex(workspace.HANDOVER)
    data = aloop.run_until_complete(workspace.handover.generate())
    assert data is not None
    assert not data.warnings
    assert data.opened or data.still_open, "the demo sandbox has recent incidents"
    open_now = {i.incident_id for i in sandbox.incidents.values()}
    assert {i.incident_id for i in data.still_open if closed_at(i) is None} <= open_now
    assert len(data.visitors) == len(sandbox.visitors.values())
    workspace.grab().save(str(shots / "sandbox-handover.png"))
    pdf = workspace.handover.export_pdf(tmp_path / "handover.pdf")
    text = " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(str(pdf)).pages).split())
    for title in SECTION_TITLES:
        assert title in text
    for incident in (data.still_open + data.opened)[:10]:
        assert incident.incident_id in text.split()


def test_the_handover_window_is_respected(
    qtbot: QtBot, aloop: qasync.QEventLoop, sandbox: SandboxBackend
) -> None:
    workspace = SupervisorWorkspace(sandbox, Settings())
    qtbot.addWidget(workspace)
    end = datetime.now(UTC)
    workspace.handover.set_window(end - timedelta(hours=6), end)
    data = aloop.run_until_complete(workspace.handover.generate())
    assert data is not None
    window = data.window
    assert all(window.start <= i.created_at <= window.end for i in data.opened)
    assert all(window.start <= (closed_at(i) or window.start) <= window.end for i in data.closed)
    assert all(window.start <= n.timestamp <= window.end for n in data.notes)
