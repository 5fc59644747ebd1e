"""Per-category alarm sounds: every kind can pick any bundled sound, and try it."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from sety_console.ui.alarm_sounds_dialog import ALARM_KINDS, AlarmSoundsDialog, bundled_sounds
from sety_console.ui.sound import SoundPlayer


def test_every_kind_offers_every_bundled_sound_and_plays_it(qtbot: QtBot) -> None:
    assert {"sos", "vehicle", "sla", "default"} <= set(bundled_sounds())
    player = SoundPlayer()
    dialog = AlarmSoundsDialog({"sos": "vehicle", "default": "default"}, player)
    qtbot.addWidget(dialog)
    assert set(dialog.boxes) == set(ALARM_KINDS)
    assert dialog.boxes["sos"].currentText() == "vehicle"
    assert dialog.boxes["medical"].currentText() == "default"  # falls back to the default sound
    dialog.boxes["medical"].setCurrentText("sla")
    assert dialog.chosen()["medical"] == "sla"
    plays = player.plays
    play_buttons = [b for b in dialog.findChildren(QPushButton) if b.text() == "Play"]
    assert len(play_buttons) == len(ALARM_KINDS)
    play_buttons[0].click()
    assert player.plays == plays + 1
