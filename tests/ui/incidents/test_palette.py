"""The semantic palette: every meaning has a colour in both themes; unknown values have one too."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from sety_console.api.models import RiskLevel, SafetyLevel, Severity
from sety_console.core.rules import SlaUrgency
from sety_console.ui.common.palette import colors


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_every_value_has_a_valid_colour(theme: str) -> None:
    palette = colors(theme)
    assert palette.theme == theme
    for value in [*Severity, *RiskLevel, *SafetyLevel]:
        color = (
            palette.severity_color(value.value)
            if isinstance(value, Severity)
            else palette.risk_color(value.value)
        )
        assert QColor(color).isValid()
    for urgency in SlaUrgency:
        assert QColor(palette.sla_swatch(urgency).fg).isValid()
    assert palette.sla_swatch(SlaUrgency.BREACHED).bg is not None  # breached is a filled cell
    assert palette.severity_color("apocalyptic") == palette.severity["unknown"]
    assert palette.risk_color("apocalyptic") == palette.risk["unknown"]


def test_critical_and_breached_stand_out_from_the_background() -> None:
    for theme in ("dark", "light"):
        palette = colors(theme)
        base = QColor(palette.base)
        for color in (palette.severity_color("critical"), palette.sla_swatch(SlaUrgency.BREACHED).bg):
            assert color is not None
            distance = abs(QColor(color).lightness() - base.lightness()) + abs(
                QColor(color).hue() - base.hue()
            )
            assert distance > 60, (theme, color)


def test_unknown_theme_falls_back_to_dark() -> None:
    assert colors("solarized") is colors("dark")
