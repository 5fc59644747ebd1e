"""Alarm sounds that never crash or block, with or without an audio device.

QtMultimedia needs PulseAudio libraries that a headless machine may not have, so it is
imported lazily; without it a system player (`paplay`, `aplay`, `afplay`) is started as a
detached QProcess, and without one of those Qt's beep is used.
"""

from __future__ import annotations

import logging
import shutil
from typing import Any

from PySide6.QtCore import QObject, QProcess, QUrl
from PySide6.QtWidgets import QApplication

from sety_console.assets import asset_path

log = logging.getLogger(__name__)
PLAYERS = ("paplay", "aplay", "afplay")


class SoundPlayer(QObject):
    """Plays one bundled sound by name (`sos`, `vehicle`, `sla`, `default`)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._effects: dict[str, Any] = {}
        self._qt_audio = self._load_qt_audio()
        self._player = None if self._qt_audio else next(filter(None, map(shutil.which, PLAYERS)), None)
        self._process: QProcess | None = None
        self.muted = False
        self.plays = 0  # how many sounds were started (tests and diagnostics)

    @staticmethod
    def _load_qt_audio() -> Any:
        try:
            from PySide6 import QtMultimedia
        except ImportError as exc:
            log.info("QtMultimedia unavailable (%s); using a system player or a beep", exc)
            return None
        return QtMultimedia

    @property
    def backend(self) -> str:
        if self._qt_audio:
            return "qtmultimedia"
        return self._player or "beep"

    def play(self, name: str) -> None:
        """Start the sound and return at once; a missing sound falls back to `default`."""
        if self.muted:
            return
        path = asset_path("sounds", f"{name}.wav")
        if not path.exists():
            path = asset_path("sounds", "default.wav")
        self.plays += 1
        try:
            if self._qt_audio:
                effect = self._effects.get(str(path))
                if effect is None:
                    effect = self._qt_audio.QSoundEffect(self)
                    effect.setSource(QUrl.fromLocalFile(str(path)))
                    self._effects[str(path)] = effect
                effect.play()
            elif self._player:
                if self._process is None or self._process.state() == QProcess.ProcessState.NotRunning:
                    self._process = QProcess(self)
                    self._process.start(self._player, [str(path)])
            else:
                QApplication.beep()
        except Exception:  # sound is a courtesy: never let it take the console down
            log.exception("Could not play %s", name)
