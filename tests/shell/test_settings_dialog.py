"""File → Settings…: operator name, gate and tile server, checked before saving."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from sety_console.config import Settings
from sety_console.ui.settings_dialog import SettingsDialog


def test_settings_are_checked_then_applied(qtbot: QtBot) -> None:
    settings = Settings(operator_name="Funke Adeyemi", gate_name="Main Gate")
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.operator.setText("  ")
    assert "operator's name" in dialog.problems()
    dialog.operator.setText("Kunle Ade")
    dialog.tile_url.setText("https://tiles.example.org/tiles.png")
    assert "{z}, {x} and {y}" in dialog.problems()
    dialog.tile_url.setText("https://tiles.example.org/{z}/{x}/{y}.png")
    dialog.gate.setText("North Gate")
    assert dialog.problems() == ""
    dialog.apply_to(settings)
    assert (settings.operator_name, settings.gate_name) == ("Kunle Ade", "North Gate")
    assert settings.tile_url == "https://tiles.example.org/{z}/{x}/{y}.png"
