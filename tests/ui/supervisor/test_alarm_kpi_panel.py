"""The supervisor's Alarm KPIs tab, driven with keys and clicks: every bar, line, figure and row is the
core's `compute_alarm_kpis` of the same alarm history (the computation the handover report prints)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import qasync
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from sety_console.config import Settings
from sety_console.core.alarm_kpi_text import headline, operator_rows, rate_text
from sety_console.core.alarm_kpis import AlarmKpis, compute_alarm_kpis
from sety_console.core.analytics.histogram import histogram
from sety_console.core.local_time import LocalZone
from sety_console.ui.common.palette import colors
from sety_console.ui.common.theme import current_theme
from sety_console.ui.supervisor.alarm_kpi_charts import BAND_SAFETY, band_colour, bar_position
from sety_console.ui.supervisor.alarm_kpi_panel import ALL_OPERATORS, AlarmKpiPanel
from sety_console.ui.supervisor.workspace import SupervisorWorkspace

from .alarm_story import OPERATORS, shift_story
from .fakes import NOW, FakeBackend, FakeRecords

LAGOS = LocalZone("Africa/Lagos")


def story_backend(hours: int = 24, now: datetime = NOW) -> tuple[FakeBackend, FakeRecords]:
    backend = FakeBackend()
    story = shift_story(now - timedelta(hours=hours), now, backend.all_incidents)
    backend.records = FakeRecords(story.entries, story.records)
    return backend, backend.records


def expected(records: FakeRecords, hours: int) -> AlarmKpis:
    assert records.alarm_log is not None
    return compute_alarm_kpis(records.alarm_log, NOW - timedelta(hours=hours), NOW)


def assert_chart_draws(panel: AlarmKpiPanel, values: list[float], average: float) -> None:
    chart = panel.rate_chart
    assert chart.values == values
    assert chart.bar_colours == [band_colour(v) for v in values]
    assert chart.references == [(1.0, "acceptable"), (2.0, "manageable"), (10.0, "flood")]
    assert chart.average == average


def test_the_kpi_tab_draws_the_core_computation_and_answers_keys(
    qtbot: QtBot, aloop: qasync.QEventLoop, dark_theme: None, shots: Path
) -> None:
    backend, records = story_backend()
    panel = AlarmKpiPanel(backend, zone=LAGOS, now=lambda: NOW)
    qtbot.addWidget(panel)
    panel.resize(1366, 1000)
    panel.show()  # shown: it loads by itself
    qtbot.waitUntil(lambda: panel.kpis is not None, timeout=5000)
    kpis = expected(records, 12)
    assert panel.kpis == kpis
    assert_chart_draws(panel, list(kpis.per_operator), kpis.average)
    assert kpis.floods, "the story has a flood"
    flood = kpis.flood_periods[0]
    assert panel.rate_chart.bar_colours[flood] == colors(current_theme()).safety_color(BAND_SAFETY["flood"])
    assert panel.headline.text() == headline(kpis, LAGOS)
    assert panel.average.value.text() == rate_text(kpis.average)
    assert panel.peak.value.text() == rate_text(kpis.peak)
    assert panel.floods.value.text() == str(len(kpis.floods))
    assert panel.standing.value.text() == str(len(kpis.standing))
    assert panel.chattering.value.text() == str(len(kpis.chattering)) == "1"
    assert panel.category_chart.values == [float(n) for _, n in kpis.categories]
    assert sum(panel.ack_chart.values) == len(kpis.ack_seconds)
    bins = histogram(list(kpis.ack_seconds))
    assert kpis.ack_p50_s is not None
    assert kpis.ack_p95_s is not None
    assert panel.ack_chart.marks == [
        ("p50", bar_position(bins, kpis.ack_p50_s)),
        ("p95", bar_position(bins, kpis.ack_p95_s)),
    ]
    assert panel.operators_table.texts() == [list(row) for row in operator_rows(kpis)]
    assert [row[1] for row in panel.standing_table.texts()] == [s.alarm.incident_id for s in kpis.standing]
    panel.grab().save(str(shots / "alarm-kpis.png"))

    # the operator chooser, with the keyboard: the chart shows that operator's periods
    panel.operator_choice.setFocus()
    qtbot.keyClick(panel.operator_choice, Qt.Key.Key_Down)
    chosen = panel.operator_choice.currentText()
    assert chosen in OPERATORS
    load = next(op for op in kpis.operators if op.operator == chosen)
    assert_chart_draws(panel, [float(v) for v in load.per_period], load.average)
    assert chosen in panel.rate_chart.title
    panel.grab().save(str(shots / "alarm-kpis-one-operator.png"))
    qtbot.keyClick(panel.operator_choice, Qt.Key.Key_Up)
    assert panel.operator_choice.currentText() == ALL_OPERATORS

    # Alt+2: the last 24 hours; F5 reads the history again
    reads = records.reads
    qtbot.keyClick(panel, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(
        lambda: panel.kpis is not None and panel.kpis.start == NOW - timedelta(hours=24), timeout=5000
    )
    day = expected(records, 24)
    assert panel.kpis == day
    assert len(panel.rate_chart.values) == 144
    assert_chart_draws(panel, list(day.per_operator), day.average)
    qtbot.keyClick(panel, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: records.reads > reads + 1, timeout=5000)

    # a click on "Last 8 h"
    eight = next(b for b in panel.shift_buttons.buttons() if isinstance(b, QPushButton) and "8" in b.text())
    qtbot.mouseClick(eight, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: panel.kpis is not None and panel.kpis.start == NOW - timedelta(hours=8), timeout=5000
    )
    assert panel.kpis == expected(records, 8)


def test_a_workstation_without_history_says_so(qtbot: QtBot, aloop: qasync.QEventLoop) -> None:
    backend = FakeBackend()
    backend.records = FakeRecords(entries=None, alarm_log=None)
    panel = AlarmKpiPanel(backend, zone=LAGOS, now=lambda: NOW)
    qtbot.addWidget(panel)
    assert aloop.run_until_complete(panel.load()) is None
    assert "no alarm history yet" in panel.status.text()
    backend.records = FakeRecords(alarm_log=[])
    kpis = aloop.run_until_complete(panel.load())
    assert kpis is not None
    assert panel.headline.text() == "No alarm rang during this shift."
    assert panel.rate_chart.values == [0.0] * 72


def test_the_workspace_has_the_tab_and_a_click_loads_it(qtbot: QtBot, aloop: qasync.QEventLoop) -> None:
    backend, _records = story_backend(now=datetime.now(UTC))  # the workspace's tab shows the last hours
    workspace = SupervisorWorkspace(backend, Settings(), zone=LAGOS)
    qtbot.addWidget(workspace)
    workspace.resize(1400, 900)
    workspace.show()
    bar = workspace.tabs.tabBar()
    assert bar.tabText(workspace.ALARM_KPIS) == "Alarm KPIs"
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(workspace.ALARM_KPIS).center())
    assert workspace.tabs.currentIndex() == workspace.ALARM_KPIS
    qtbot.waitUntil(lambda: workspace.alarm_kpis.kpis is not None, timeout=5000)
    assert workspace.alarm_kpis.kpis is not None
    assert workspace.alarm_kpis.kpis.total > 0
