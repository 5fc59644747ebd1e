"""Alarm sounds that never crash or block, and that say so when they cannot be heard.

QtMultimedia needs PulseAudio libraries that a headless machine may not have, so it is imported lazily;
without it a system player (`paplay`, `aplay`, `afplay`) is started as a detached QProcess, and without
one of those Qt's beep is all there is. Whatever fails — no audio device, no player, a player that exits
with an error — becomes `problem` (a sentence, or None when the last sound played), announced by
`problem_changed`, so the console can keep a warning on screen instead of pretending.
"""

from __future__ import annotations

import logging
import shutil
from typing import Any

from PySide6.QtCore import QObject, QProcess, QUrl, Signal
from PySide6.QtWidgets import QApplication

from sety_console.assets import asset_path

log = logging.getLogger(__name__)
PLAYERS = ("paplay", "aplay", "afplay")
NO_PLAYER = (
    "No audio player on this computer (PulseAudio's paplay or ALSA's aplay): alarms only flash on screen."
)


class SoundPlayer(QObject):
    """Plays one bundled sound by name (`sos`, `vehicle`, `sla`, `default`)."""

    problem_changed = Signal(object)  # str | None
    tested = Signal(str)  # the result of `test()`, in words

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._effects: dict[str, Any] = {}
        self._qt_audio = self._load_qt_audio()
        self._player = None if self._qt_audio else next(filter(None, map(shutil.which, PLAYERS)), None)
        self._process: QProcess | None = None
        self._testing = False
        self.muted = False
        self.plays = 0  # how many sounds were started (tests and diagnostics)
        self.problem: str | None = None
        if not self._qt_audio and not self._player:
            self._set_problem(NO_PLAYER)
        elif self._qt_audio and not self._qt_audio.QMediaDevices.audioOutputs():
            self._set_problem("No audio output device is connected: alarms only flash on screen.")

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
                self._play_qt(path)
            elif self._player:
                self._play_process(path)
            else:
                QApplication.beep()
                self._done(NO_PLAYER)
        except Exception as exc:  # sound is a courtesy: never let it take the console down
            log.exception("Could not play %s", name)
            self._done(f"The alarm sound could not be played ({exc}).")

    def test(self) -> None:
        """Alarms → Test sound: play the default sound; `tested` says what happened."""
        self._testing = True
        self.play("default")

    # --- backends -----------------------------------------------------------------------------

    def _play_qt(self, path: Any) -> None:
        assert self._qt_audio is not None
        effect = self._effects.get(str(path))
        if effect is None:
            effect = self._qt_audio.QSoundEffect(self)
            effect.statusChanged.connect(lambda e=effect: self._on_effect_status(e))
            effect.setSource(QUrl.fromLocalFile(str(path)))
            self._effects[str(path)] = effect
        effect.play()
        if effect.status() == self._qt_audio.QSoundEffect.Status.Ready:
            self._done(None)

    def _on_effect_status(self, effect: Any) -> None:
        status = effect.status()
        if status == self._qt_audio.QSoundEffect.Status.Error:
            self._done("The alarm sound could not be played (the audio output refused it).")
        elif status == self._qt_audio.QSoundEffect.Status.Ready:
            self._done(None)

    def _play_process(self, path: Any) -> None:
        if self._process is not None and self._process.state() != QProcess.ProcessState.NotRunning:
            return  # the previous repetition is still playing
        process = QProcess(self)
        process.finished.connect(lambda code, _status, p=process: self._on_finished(p, code))
        process.errorOccurred.connect(lambda _error, p=process: self._on_error(p))
        self._process = process
        process.start(self._player or "", [str(path)])

    def _on_finished(self, process: QProcess, code: int) -> None:
        if code == 0:
            self._done(None)
            return
        said = bytes(process.readAllStandardError().data()).decode(errors="replace").strip()
        detail = said.splitlines()[-1] if said else f"exit status {code}"
        self._done(f"The alarm sound did not play: {self._player} failed ({detail}).")

    def _on_error(self, process: QProcess) -> None:
        if process.error() == QProcess.ProcessError.FailedToStart:
            self._done(f"The alarm sound did not play: {self._player} could not be started.")

    def _done(self, problem: str | None) -> None:
        self._set_problem(problem)
        if self._testing:
            self._testing = False
            where = {"qtmultimedia": "the audio output"}.get(self.backend, self.backend)
            self.tested.emit(
                f"Test sound played through {where}." if problem is None else f"No sound: {problem}"
            )

    def _set_problem(self, problem: str | None) -> None:
        if problem != self.problem:
            self.problem = problem
            if problem:
                log.warning("%s", problem)
            self.problem_changed.emit(problem)
