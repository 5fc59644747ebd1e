"""Incident analytics (page by page, progress, Cancel), the handover panel and the whole workspace."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pypdf
import qasync
from pytestqt.qtbot import QtBot

from sety_console.config import Settings, SettingsList
from sety_console.core.analytics.stats import aggregate
from sety_console.core.handover.report_html import SECTION_TITLES
from sety_console.core.local_time import LocalZone
from sety_console.ui.supervisor.incident_analytics import IncidentAnalyticsPanel
from sety_console.ui.supervisor.places import PlacesStore, SavedPlace
from sety_console.ui.supervisor.report_panel import HandoverPanel
from sety_console.ui.supervisor.workspace import CITY_CENTRE, SupervisorWorkspace

from .conftest import wait_until
from .fakes import NOW, FakeBackend, synthetic_incidents

RANGE = (date(2026, 3, 4), date(2026, 3, 10))
LAGOS = LocalZone("Africa/Lagos")


def test_day_bounds_are_whole_local_days() -> None:
    first, last = LAGOS.day_bounds(*RANGE)
    assert first == datetime(2026, 3, 3, 23, tzinfo=UTC)  # midnight in Lagos (UTC+1)
    assert last == datetime(2026, 3, 10, 22, 59, 59, 999000, tzinfo=UTC)


def test_incident_analytics_counts_what_the_pages_hold(
    qtbot: QtBot, aloop: qasync.QEventLoop, backend: FakeBackend, dark_theme: None, shots: Path
) -> None:
    panel = IncidentAnalyticsPanel(backend, zone=LAGOS)
    qtbot.addWidget(panel)
    panel.resize(1500, 1150)
    panel.show()
    panel.set_range(*RANGE)
    stats = aloop.run_until_complete(panel.run())
    first, last = LAGOS.day_bounds(*RANGE)
    expected = aggregate((i for i in backend.all_incidents if first <= i.created_at <= last), LAGOS)
    assert stats is not None
    assert panel.state == "done"
    assert backend.calls == [("iter_incident_pages", {"from_date": first, "to_date": last, "limit": 100})]
    assert backend.pages_served == (expected.total + 99) // 100
    assert stats.total == expected.total
    assert stats.by_severity == expected.by_severity
    assert panel.view.total.value.text() == str(expected.total)
    assert expected.breach_rate is not None
    assert panel.view.breach_rate.value.text() == f"{expected.breach_rate * 100:.0f} %"
    assert panel.view.by_category.values[0] == expected.by_category["sos"]
    assert sum(panel.view.assign_histogram.values) == len(expected.assign_seconds)
    assert sum(panel.view.arrive_histogram.values) == len(expected.arrive_seconds)
    day, hour, count = expected.busiest_slot or (0, 0, 0)
    assert panel.view.heat.count_at(day, hour) == count
    assert sum(panel.view.heat.count_at(d, h) for d in range(7) for h in range(24)) == expected.total
    assert panel.status.text() == (
        f"{expected.total} incidents created 2026-03-04 00:00 WAT to 2026-03-10 23:59 WAT."
    )
    assert not panel.progress.isVisible()
    assert not panel.cancel_button.isEnabled()
    panel.grab().save(str(shots / "incident-analytics.png"))


def test_cancel_stops_the_gathering_at_once(qtbot: QtBot, aloop: qasync.QEventLoop) -> None:
    backend = FakeBackend(synthetic_incidents(1000, now=NOW, days=7), page_delay=2.0)
    panel = IncidentAnalyticsPanel(backend)
    qtbot.addWidget(panel)
    panel.set_range(*RANGE)

    async def scenario() -> tuple[object, float]:
        task = asyncio.ensure_future(panel.run())
        await wait_until(lambda: backend.pages_served == 2, within=15)
        assert panel.progress.value() == 2
        assert panel.progress.maximum() == 10
        assert "Read page 2 of 10" in panel.status.text()
        started = time.monotonic()
        panel.cancel_button.click()
        result = await task
        return result, time.monotonic() - started

    result, took = aloop.run_until_complete(scenario())
    assert result is None
    assert panel.state == "cancelled"
    assert took < 1.5  # the page being waited for (2 s) is abandoned, not finished
    aloop.run_until_complete(asyncio.sleep(0.8))
    assert backend.pages_served == 2  # no page was asked for after Cancel
    assert panel.stats is not None
    assert panel.stats.total == 200
    assert panel.status.text() == "Cancelled after 2 pages: partial figures for 200 incidents."
    assert panel.view.total.value.text() == "200"
    assert panel.load_button.isEnabled()
    assert not panel.cancel_button.isEnabled()


def test_a_reversed_range_is_refused_in_words(
    qtbot: QtBot, aloop: qasync.QEventLoop, backend: FakeBackend
) -> None:
    panel = IncidentAnalyticsPanel(backend)
    qtbot.addWidget(panel)
    panel.set_range(RANGE[1], RANGE[0])
    assert aloop.run_until_complete(panel.run()) is None
    assert panel.status.text() == "The start date is after the end date: swap them."
    assert backend.calls == []


def test_handover_panel_previews_and_exports(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    backend: FakeBackend,
    tmp_path: Path,
    dark_theme: None,
    shots: Path,
) -> None:
    panel = HandoverPanel(
        backend, source="the test backend", ask_pdf_path=lambda _w, _s: str(tmp_path / "h.pdf")
    )
    qtbot.addWidget(panel)
    panel.resize(1500, 1000)
    panel.show()
    panel.set_window(NOW - timedelta(hours=12), NOW)
    panel.set_filters(categories=("sos",), severities=())
    assert panel.categories.text() == "Categories: SOS"
    data = aloop.run_until_complete(panel.generate())
    assert data is not None
    assert data.filters.categories == ("sos",)
    assert all(i.category.value == "sos" for i in data.opened + data.still_open + data.closed)
    assert backend.calls[0][1]["category"] == ["sos"]
    text = panel.preview.toPlainText()
    for title in SECTION_TITLES:
        assert title in text
    assert data.still_open
    assert data.still_open[0].incident_id in text
    assert "Musa Abdullahi" in text
    assert "Ojuelegba Underbridge" in text
    assert panel.export_button.isEnabled()
    panel.export_button.click()
    reader = pypdf.PdfReader(str(tmp_path / "h.pdf"))
    pdf_text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Shift handover" in pdf_text
    assert data.opened[0].incident_id in pdf_text
    assert panel.status.text() == f"Saved the handover to {tmp_path / 'h.pdf'}."
    panel.grab().save(str(shots / "shift-handover.png"))
    panel.set_window(NOW, NOW - timedelta(hours=1))
    assert aloop.run_until_complete(panel.generate()) is None
    assert panel.status.text() == "The shift must end after it starts."


def test_workspace_refresh_loads_the_default_view(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    backend: FakeBackend,
    settings: Settings,
    dark_theme: None,
    shots: Path,
    tmp_path: Path,
) -> None:
    empty = SupervisorWorkspace(FakeBackend(), Settings())
    qtbot.addWidget(empty)
    aloop.run_until_complete(empty.refresh())
    assert empty.area.heading.text().startswith(f"City centre ({CITY_CENTRE[0]:.4f}, {CITY_CENTRE[1]:.4f})")
    store = PlacesStore(SettingsList(settings, "saved_places"))
    for place in (
        SavedPlace("Yaba market", 6.5095, 3.3841),
        SavedPlace("Lekki Phase 1 gate", 6.4474, 3.4746),
    ):
        store.add(place)
    backend = FakeBackend(synthetic_incidents(240, now=datetime.now(UTC)))  # "the last 7 days" is now
    workspace = SupervisorWorkspace(backend, settings, source="the test backend")
    qtbot.addWidget(workspace)
    workspace.resize(1600, 1000)
    workspace.show()
    aloop.run_until_complete(workspace.refresh())
    assert workspace.area.heading.text().startswith("Yaba market")
    assert workspace.incidents.state == "done"
    assert workspace.incidents.stats is not None
    assert workspace.incidents.stats.total > 0
    assert [p.name for p in workspace.compare.ticked_places()] == ["Yaba market", "Lekki Phase 1 gate"]
    workspace.grab().save(str(shots / "workspace.png"))
    workspace.tabs.setCurrentIndex(workspace.INCIDENTS)
    workspace.show_point(6.60, 3.35)
    assert workspace.tabs.currentIndex() == workspace.AREA
    aloop.run_until_complete(wait_until(lambda: workspace.area.heading.text().startswith("6.6000, 3.3500")))
