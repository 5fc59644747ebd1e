"""Statistics panel: figures in words and bars that match the server's counts."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from pytestqt.qtbot import QtBot

from sety_console.api.models import AccessLogStats, DayVisits, GateVisits, HourVisits
from sety_console.ui.gate.stats import StatsPanel, local_hours
from sety_console.ui.gate.style import Tone

from .fakes import FakeGateSession


def _stats() -> AccessLogStats:
    return AccessLogStats(
        total_visits=12,
        currently_inside=3,
        average_duration_minutes=95.0,
        overstays=2,
        by_gate=[GateVisits(gate="Main Gate", visits=8), GateVisits(gate="North Gate", visits=4)],
        by_hour=[HourVisits(hour=h, visits=5 if h == 8 else (7 if h == 17 else 0)) for h in range(24)],
        by_day=[DayVisits(date=date(2026, 11, d), visits=d - 20) for d in range(21, 27)],
    )


def test_figures_and_bars_match_the_stats(
    qtbot: QtBot, empty_fake: FakeGateSession, screenshots: Path
) -> None:
    panel = StatsPanel(empty_fake)
    qtbot.addWidget(panel)
    panel.resize(1024, 560)
    panel.show()
    stats = _stats()
    panel.show_stats(stats)
    assert panel.figures["Visits"].text() == "Visits\n12"
    assert panel.figures["Average stay"].text() == "Average stay\n1 h 35 min"
    assert panel.figures["Overstays"].text() == "Overstays\n2"
    assert Tone.WARN.value[0].lower() in panel.figures["Overstays"].styleSheet().lower()
    assert panel.bar_heights("gate") == [8.0, 4.0]
    assert panel.bar_heights("day") == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert panel.bar_heights("hour") == [float(v) for v in local_hours(stats)]
    shift = int(
        (datetime.now().astimezone().utcoffset() or __import__("datetime").timedelta()).total_seconds()
        // 3600
    )
    assert panel.figures["Busiest hour"].text() == f"Busiest hour\n{(17 + shift) % 24:02d}:00"
    assert panel.grab().save(str(screenshots / "stats.png"))


def test_refresh_asks_for_the_period_and_gate(qtbot: QtBot, fake: FakeGateSession) -> None:
    panel = StatsPanel(fake)
    qtbot.addWidget(panel)
    qtbot.keyClicks(panel.gate, "Main Gate")
    panel.period.setCurrentText("Last 30 days")  # reloads
    qtbot.waitUntil(lambda: panel.stats is not None, timeout=3000)
    assert panel.stats is not None
    assert {g.gate for g in panel.stats.by_gate} == {"Main Gate"}
    assert len(panel.stats.by_day) == 30
    fake.online = False
    task = panel.refresh()
    qtbot.waitUntil(task.done, timeout=3000)
    assert "Could not load the statistics" in panel.message.text()
    assert panel.stats is not None  # the last answer stays on screen
