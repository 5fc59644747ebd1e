"""Property tests of the display code: whatever the server answers, the area panel and a Compare
column draw and say the same thing — red bars are the hours and day the words name, the percentile
and score are the server's, a trend only with a previous period, an outlook that differs explains
itself."""

from __future__ import annotations

from typing import Any

import qasync
from hypothesis import HealthCheck, given, settings
from pytestqt.qtbot import QtBot

from sety_console.api.models import DangerAnalytics
from sety_console.core.analytics.area import LEVEL_TO_RISK, percentile_words
from sety_console.core.local_time import LocalZone, hours_text
from sety_console.core.wording import WEEKDAY_NAMES
from sety_console.ui.supervisor.area_panel import AreaAnalyticsPanel
from sety_console.ui.supervisor.charts import BarChart
from sety_console.ui.supervisor.compare import PlaceColumn
from sety_console.ui.supervisor.places import SavedPlace
from tests.core.analytics_strategies import analytics, zones

from .fakes import FakeBackend

CHECKS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


class OneAnswer(FakeBackend):
    """Answers every analytics question with `answer`."""

    answer: DangerAnalytics

    async def danger_analytics(self, *args: Any, **kwargs: Any) -> DangerAnalytics:
        return self.answer


def red(chart: BarChart) -> set[int]:
    return {i for i, colour in enumerate(chart.bar_colours) if colour == chart.colours.high}


@CHECKS
@given(answer=analytics(), zone=zones)
def test_the_area_panel_draws_what_it_says(
    qtbot: QtBot, aloop: qasync.QEventLoop, answer: DangerAnalytics, zone: LocalZone
) -> None:
    backend = OneAnswer()
    backend.answer = answer
    panel = AreaAnalyticsPanel(backend, zone=zone)
    qtbot.addWidget(panel)
    aloop.run_until_complete(panel.load(6.5, 3.38, "Here"))
    reading = panel.reading
    assert reading is not None
    assert red(panel.hour_chart) == set(reading.riskiest_hours)
    assert panel.hour_chart.values == list(reading.hours.counts)
    legend = panel.time_legend.text()
    assert (
        f"Riskiest hours:</b> {hours_text(reading.riskiest_hours) or 'none'} {reading.hours.label}" in legend
    )
    busiest = reading.busiest_weekday
    assert red(panel.weekday_chart) == ({busiest} if busiest is not None else set())
    assert f"Busiest day:</b> {WEEKDAY_NAMES[busiest] if busiest is not None else 'none'}" in legend
    assert panel.gauge.score == answer.safety_score.score
    comparison, prediction = panel.comparison.text(), panel.prediction.text()
    assert percentile_words(reading) in comparison
    assert reading.percentile == answer.comparison.percentile
    trend_shown = any(
        word in comparison for word in ("Getting worse", "Getting better", "Stable", "No clear trend")
    )
    assert trend_shown == (answer.comparison.change_percent is not None)
    differs = LEVEL_TO_RISK[answer.safety_score.level] is not answer.prediction.next_24h_risk
    assert (" on average, but the next 24 hours look " in prediction) == differs
    assert reading.peak_sentence in prediction


@CHECKS
@given(answer=analytics(), zone=zones)
def test_a_compare_column_draws_what_the_area_panel_draws(
    qtbot: QtBot, answer: DangerAnalytics, zone: LocalZone
) -> None:
    column = PlaceColumn(SavedPlace("Here", 6.5, 3.38), zone)
    qtbot.addWidget(column)
    column.show_analytics(answer)
    reading = column.reading
    assert reading is not None
    assert red(column.by_hour) == set(reading.riskiest_hours)
    assert red(column.by_weekday) == (
        {reading.busiest_weekday} if reading.busiest_weekday is not None else set()
    )
    details = column.details.text()
    assert f"{answer.comparison.percentile} %" in details
    assert (reading.trend is None) == (answer.comparison.change_percent is None)
    if reading.trend is None:
        assert reading.no_trend in details
    else:
        assert reading.trend.headline in details
    assert (reading.outlook.explanation in details) or not reading.outlook.explanation
