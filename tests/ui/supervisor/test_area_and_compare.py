"""Area analytics and compare places render the example analytics, say loading and errors in words,
and fetch politely."""

from __future__ import annotations

import asyncio
from pathlib import Path

import qasync
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from sety_console.api.models import SafetyLevel
from sety_console.core.local_time import LocalZone
from sety_console.ui.common.palette import colors
from sety_console.ui.common.score_gauge import ScoreGauge
from sety_console.ui.supervisor.area_panel import AreaAnalyticsPanel
from sety_console.ui.supervisor.compare import MAX_PLACES, ComparePlacesPanel, concurrency_for
from sety_console.ui.supervisor.places import SavedPlace

from .conftest import wait_until
from .fakes import FakeBackend

YABA = (6.5095, 3.3841)
LAGOS = LocalZone("Africa/Lagos")
PLACES = [
    SavedPlace("Yaba market", *YABA),
    SavedPlace("Lekki Phase 1 gate", 6.4474, 3.4746),
    SavedPlace("Ikeja City Mall", 6.6018, 3.3515),
    SavedPlace("Ojuelegba", 6.5097, 3.3651),
    SavedPlace("Marina", 6.4500, 3.3900),
]


def test_area_panel_shows_every_section(
    qtbot: QtBot, aloop: qasync.QEventLoop, backend: FakeBackend, dark_theme: None, shots: Path
) -> None:
    panel = AreaAnalyticsPanel(backend, zone=LAGOS)
    qtbot.addWidget(panel)
    panel.resize(1500, 1000)
    panel.show()
    analytics = aloop.run_until_complete(panel.load(*YABA, "Yaba market"))
    assert analytics is not None
    assert backend.calls == [("danger_analytics", (*YABA, 2.0, 90))]
    assert panel.gauge.score == analytics.safety_score.score
    assert panel.gauge.level is analytics.safety_score.level
    assert panel.heading.text() == "Yaba market (6.5095, 3.3841) · within 2 km · last 90 days"
    assert panel.status.text() == "Analytics computed 2026-03-10 15:25 WAT. Hours are WAT."
    assert panel.status.toolTip() == "Computed 2026-03-10 14:25:40 UTC"
    time = backend.analytics.time_analysis
    assert panel.hour_chart.values == [time.by_hour[(h - 1) % 24] for h in range(24)]  # UTC+1
    assert panel.weekday_chart.values == time.by_weekday
    chart = panel.hour_chart.colours
    assert {h for h, c in panel.hour_chart.bands.items() if c == chart.high} == {19, 20, 21}
    assert {h for h, c in panel.hour_chart.bands.items() if c == chart.low} == {3, 4, 5}
    assert panel.hour_chart.bar_colours[21] == chart.high
    assert panel.weekday_chart.bar_colours[4] == chart.high  # Friday, the busiest day
    assert "Riskiest hours:</b> 19:00–22:00 WAT" in panel.time_legend.text()
    assert "Busiest day:</b> Friday" in panel.time_legend.text()
    assert "UTC days: 01:00 to 01:00 WAT" in panel.weekday_chart.getPlotItem().getAxis("bottom").labelText
    assert "-22" in panel.factors.text()
    assert "Recent incidents" in panel.factors.text()
    assert "Safer than 31 %" in panel.comparison.text()
    assert "Getting worse" in panel.comparison.text()
    assert "up 12.5 %" in panel.comparison.text()
    assert "High risk" in panel.prediction.text()
    assert "62 %" in panel.prediction.text()
    assert "Most incidents at 19:00–22:00 WAT; the busiest day is Friday." in panel.prediction.text()
    assert "Fridays" in panel.patterns.text()
    assert "21:00–22:00 WAT" in panel.patterns.text()  # 20:00 UTC
    assert "Sabo Police Division" in panel.safe_zones.text()
    assert "850 m" in panel.safe_zones.text()
    assert panel.save_button.isEnabled()
    panel.grab().save(str(shots / "area-analytics.png"))


def test_area_panel_error_state_in_words(
    qtbot: QtBot, aloop: qasync.QEventLoop, backend: FakeBackend
) -> None:
    panel = AreaAnalyticsPanel(backend)
    qtbot.addWidget(panel)
    backend.fail_analytics = ConnectionError("The Sety API could not be reached")
    failures: list[str] = []
    panel.failed.connect(failures.append)
    assert aloop.run_until_complete(panel.load(*YABA)) is None
    assert panel.status.text() == (
        "Could not load the analytics for 6.5095, 3.3841: The Sety API could not be reached."
    )
    assert failures == [panel.status.text()]
    assert panel.gauge.message == "Not available"
    assert panel.comparison.text() == "<p>—</p>"  # nothing stale left on screen


def test_a_newer_point_wins_over_a_slower_older_answer(
    qtbot: QtBot, aloop: qasync.QEventLoop, backend: FakeBackend
) -> None:
    panel = AreaAnalyticsPanel(backend)
    qtbot.addWidget(panel)
    backend.analytics_delay = 0.05
    first, second = aloop.run_until_complete(
        asyncio.gather(panel.load(*YABA), panel.load(6.6018, 3.3515, "Ikeja City Mall"))
    )
    assert first is None
    assert second is not None
    assert panel.heading.text().startswith("Ikeja City Mall")


def test_typed_points(qtbot: QtBot, aloop: qasync.QEventLoop, backend: FakeBackend) -> None:
    panel = AreaAnalyticsPanel(backend)
    qtbot.addWidget(panel)
    panel.point_edit.setText("Lagos Island")
    panel.analyse_button.click()
    assert "for example 6.4550, 3.3841" in panel.status.text()
    assert backend.calls == []
    panel.point_edit.setText("6.4550, 3.3841")
    panel.analyse_button.click()
    aloop.run_until_complete(wait_until(lambda: panel.analytics is not None))
    assert backend.calls[0][1][:2] == (6.455, 3.3841)
    saved: list[tuple[float, float, str]] = []
    panel.save_point_requested.connect(lambda lat, lng, name: saved.append((lat, lng, name)))
    panel.save_button.click()
    assert saved == [(6.455, 3.3841, "")]


def test_gauge_paints_its_level_colour(qtbot: QtBot) -> None:
    gauge = ScoreGauge()
    qtbot.addWidget(gauge)
    gauge.resize(200, 200)
    gauge.set_score(140, SafetyLevel.safe)
    assert gauge.score == 100
    assert gauge.accessibleName() == "Safety score 100 of 100 (100 is safest): Safe"
    image = gauge.grab().toImage()
    palette = colors("dark")
    assert _close(image.pixelColor(38, 162), palette.safety_color("safe"))  # where the arc starts
    assert _close(image.pixelColor(100, 12), palette.safety_color("safe"))  # the top: 50 and more
    gauge.set_score(20, SafetyLevel.danger)
    image = gauge.grab().toImage()
    assert _close(image.pixelColor(38, 162), palette.safety_color("danger"))
    assert _close(image.pixelColor(100, 12), palette.surface)  # 20 never reaches the top
    gauge.set_message("Loading…")
    assert gauge.score is None
    assert "Loading…" in gauge.toolTip()


def _close(actual: QColor, expected: str, tolerance: int = 40) -> bool:
    want = QColor(expected)
    mine, theirs = (actual.red(), actual.green(), actual.blue()), (want.red(), want.green(), want.blue())
    return all(abs(a - b) <= tolerance for a, b in zip(mine, theirs, strict=True))


def test_compare_four_places_two_at_a_time(
    qtbot: QtBot, aloop: qasync.QEventLoop, backend: FakeBackend, dark_theme: None, shots: Path
) -> None:
    panel = ComparePlacesPanel(backend)
    qtbot.addWidget(panel)
    panel.resize(1500, 1000)
    panel.show()
    panel.set_places(PLACES)
    assert [p.name for p in panel.ticked_places()] == [p.name for p in PLACES[:MAX_PLACES]]
    panel.choices.item(4).setCheckState(panel.choices.item(0).checkState())  # a fifth: refused
    assert len(panel.ticked_places()) == MAX_PLACES
    assert "At most 4 places" in panel.hint.text()
    backend.analytics_delay = 0.03
    backend.fail_for = {PLACES[1].lat}
    results = aloop.run_until_complete(panel.compare(panel.ticked_places()))
    assert backend.max_in_flight == 2
    assert [r is None for r in results] == [False, True, False, False]
    failed = panel.columns[1]
    assert "Could not load Lekki Phase 1 gate" in failed.details.text()
    assert failed.gauge.message == "Not available"
    scores = {c.place.name: c.gauge.score for c in panel.columns}
    safest = max((s, n) for n, s in scores.items() if s is not None)[1]
    assert "Safest of these" in next(c for c in panel.columns if c.place.name == safest).rank.text()
    assert "Getting worse" in panel.columns[0].details.text()
    assert ">64<" in panel.columns[0].details.text()  # incidents in 90 days, as a big number
    panel.grab().save(str(shots / "compare-places.png"))


def test_compare_goes_one_at_a_time_when_the_budget_is_low(
    qtbot: QtBot, aloop: qasync.QEventLoop, backend: FakeBackend
) -> None:
    assert (concurrency_for(None), concurrency_for(200), concurrency_for(3)) == (2, 2, 1)
    panel = ComparePlacesPanel(backend)
    qtbot.addWidget(panel)
    backend.budget.remaining = 4
    backend.analytics_delay = 0.02
    aloop.run_until_complete(panel.compare(PLACES))
    assert backend.max_in_flight == 1
    assert len(panel.columns) == MAX_PLACES  # never more than four side by side


def test_the_hint_follows_the_saved_places(qtbot: QtBot, backend: FakeBackend) -> None:
    panel = ComparePlacesPanel(backend)
    qtbot.addWidget(panel)
    panel.set_places([])
    assert panel.hint.text() == "No saved places yet: save a point in Area analytics first."
    assert not panel.compare_button.isEnabled()
    panel.set_places(PLACES[:2])  # two places saved later, from Area analytics
    assert panel.hint.text() == "Tick up to 4 saved places, then press Compare."
    assert panel.compare_button.isEnabled()


def test_comparing_never_makes_the_window_taller(
    qtbot: QtBot, aloop: qasync.QEventLoop, backend: FakeBackend
) -> None:
    window = QWidget()
    layout = QVBoxLayout(window)
    panel = ComparePlacesPanel(backend, zone=LAGOS)
    layout.addWidget(panel)
    qtbot.addWidget(window)
    window.resize(1400, 640)
    window.show()
    panel.set_places(PLACES)
    qtbot.waitExposed(window)
    before = window.size()
    qtbot.mouseClick(panel.compare_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(panel.columns) == MAX_PLACES and all(c.reading for c in panel.columns))
    qtbot.wait(50)
    assert window.size() == before
    assert window.minimumSizeHint().height() <= before.height()
    assert panel.columns_area.verticalScrollBar().maximum() > 0  # the columns scroll instead
