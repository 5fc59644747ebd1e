"""One palette: a level has one colour on the map page and in the widgets (issue 12: risk 'low' was green in
the supervisor and yellow on the map)."""

from __future__ import annotations

from sety_console.api.models import RiskLevel, SafetyLevel
from sety_console.ui.common.palette import colors
from sety_console.ui.map.palette import js_config


def test_the_map_page_draws_with_the_light_themes_colours() -> None:
    light, page = colors("light"), js_config()
    for risk in RiskLevel:
        assert page["riskColors"][risk.value] == light.risk_color(risk.value)
    for safety in SafetyLevel:
        assert page["safetyColors"][safety.value] == light.safety_color(safety.value)


def test_risk_is_a_warm_ramp_and_safety_goes_green_to_red_in_both_themes() -> None:
    for theme in ("dark", "light"):
        palette = colors(theme)
        assert palette.risk_color("low") != palette.safety_color("safe")  # a low risk is never 'safe' green
        assert palette.safety_color("safe") != palette.safety_color("danger")
