"""Alarms the operator cannot miss: a repeating sound and a flashing banner until acknowledged.

`AlarmController` re-reads the core's `AlarmBook` every second (SLA clocks move between polls), shows
the highest-priority unacknowledged alarm on the banner (`shown`), plays the sound chosen per category
(SLA breaches have their own) while something audible rings, and raises a desktop notification for each
new alarm when the window is not active. F8 and Shift+F8 act on exactly the banner's alarm
(`acknowledge_shown`, `shelve_shown`); the alarm list acts on any one. Every action goes back to the
core, which records who did it and when.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from sety_console.core.alarm_book import AlarmBook, AlarmError
from sety_console.core.alarm_model import Alarm, AlarmReason
from sety_console.core.alarm_text import alarm_line
from sety_console.core.hub_alarms import NotSharedYet
from sety_console.core.local_time import to_local
from sety_console.core.storage import StorageError
from sety_console.ui.common.slots import run_task
from sety_console.ui.sound import SoundPlayer

log = logging.getLogger(__name__)


def alarm_sound(alarm: Alarm, sounds: dict[str, str]) -> str:
    """The sound setting's name for this alarm: SLA breach or risk, else by category, else default."""
    if alarm.reason in (AlarmReason.SLA_BREACHED, AlarmReason.SLA_AT_RISK):
        return sounds.get("sla", "sla")
    key = alarm.incident.category.value if not alarm.incident.category.is_unknown else "default"
    return sounds.get(key, sounds.get("default", "default"))


class AlarmController(QObject):
    """Drives sound, banner, the alarm list and notifications from the alarm book."""

    banner_changed = Signal(object, bool)  # text or None, flash phase
    alarms_changed = Signal(object)  # list[Alarm]: every alarm, for the list and the map
    acted_on = Signal(str)  # the incident an F8 / Shift+F8 acted on (the shell selects it)
    message = Signal(str)  # a refusal or a failure worth telling the operator

    def __init__(
        self,
        book: AlarmBook,
        *,
        now: Callable[[], datetime],
        operator: Callable[[], str],
        sounds: dict[str, str],
        repeat_seconds: int,
        window: QWidget,
        player: SoundPlayer | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._book = book
        self._now = now
        self._operator = operator
        self._sounds = sounds
        self._repeat = max(2, repeat_seconds)
        self._window = window
        self.player = player or SoundPlayer(self)
        self.ringing: list[Alarm] = []
        self.alarms: list[Alarm] = []
        self.shown: Alarm | None = None
        """The alarm on the banner: what F8 acknowledges and Shift+F8 shelves."""
        self._notified: set[str] = set()
        self._since_sound = self._repeat  # ring at once for the first alarm
        self._flash = False
        self._tray = (
            QSystemTrayIcon(window.windowIcon(), self) if QSystemTrayIcon.isSystemTrayAvailable() else None
        )
        self._timer = QTimer(self, interval=500)
        self._timer.timeout.connect(self._tick)
        self._half_seconds = 0

    def start(self) -> None:
        self.refresh()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def refresh(self) -> None:
        """Re-read the alarms (also called when the alarm book changes)."""
        now = self._now()
        alarms = self._book.alarms(now)
        if alarms != self.alarms:
            self.alarms = alarms
            self.alarms_changed.emit(alarms)
        self.ringing = [a for a in alarms if a.rings]
        self._notify_new(self.ringing, now)
        self._publish_banner()

    def _tick(self) -> None:
        self._half_seconds += 1
        self._flash = not self._flash
        if self._half_seconds % 2 == 0:
            self.refresh()
            self._since_sound += 1
            audible = self.ringing and not self._book.is_muted(self._now())
            if audible and self._since_sound >= self._repeat:
                self._since_sound = 0
                self.player.play(alarm_sound(self.ringing[0], self._sounds))
            if not audible:
                self._since_sound = self._repeat
        self._publish_banner()

    def _publish_banner(self) -> None:
        self.shown = self.ringing[0] if self.ringing else None
        if self.shown is None:
            self.banner_changed.emit(None, False)
            return
        top, now = self.shown, self._now()
        more = f"  ·  {len(self.ringing) - 1} more ringing" if len(self.ringing) > 1 else ""
        muted = "  ·  sound muted" if self._book.is_muted(now) else ""
        hint = "F8 acknowledge" + ("  ·  Shift+F8 shelve 5 min" if top.can_shelve else "")
        self.banner_changed.emit(f"⚠  {alarm_line(top, now)}{more}{muted}   [{hint}]", self._flash)

    def _notify_new(self, ringing: list[Alarm], now: datetime) -> None:
        fresh = [a for a in ringing if a.incident_id not in self._notified]
        self._notified = {a.incident_id for a in ringing}
        if fresh and self._tray is not None and not self._window.isActiveWindow():
            self._tray.show()
            self._tray.showMessage(
                "Sety Console — alarm", alarm_line(fresh[0], now), QSystemTrayIcon.MessageIcon.Critical
            )

    # --- operator actions -------------------------------------------------------------------

    def acknowledge_shown(self) -> None:
        """F8: acknowledge exactly the banner's alarm (nothing when the banner is empty)."""
        if self.shown is None:
            self.message.emit("No alarm is ringing.")
            return
        incident_id = self.shown.incident_id
        self.acted_on.emit(incident_id)
        run_task(self.acknowledge(incident_id), "acknowledging the alarm")

    def shelve_shown(self, minutes: int) -> None:
        """Shift+F8: shelve exactly the banner's alarm (a critical one is refused, in words)."""
        if self.shown is None:
            self.message.emit("No alarm is ringing.")
            return
        incident_id = self.shown.incident_id
        self.acted_on.emit(incident_id)
        run_task(self.shelve(incident_id, minutes), "shelving the alarm")

    async def acknowledge(self, incident_id: str) -> None:
        await self._act(lambda now: self._book.acknowledge(incident_id, self._operator(), now))

    async def shelve(self, incident_id: str, minutes: int) -> None:
        await self._act(lambda now: self._book.shelve(incident_id, minutes, self._operator(), now))

    async def unshelve(self, incident_id: str) -> None:
        await self._act(lambda now: self._book.unshelve(incident_id, self._operator(), now))

    async def mute(self, minutes: int) -> None:
        await self._act(lambda now: self._book.mute(minutes, self._operator(), now))

    async def unmute(self) -> None:
        await self._act(lambda now: self._book.unmute(self._operator(), now))

    async def _act(self, action: Callable[[datetime], Awaitable[object]]) -> None:
        try:
            await action(self._now())
        except AlarmError as exc:
            self.message.emit(str(exc))
        except NotSharedYet as exc:  # on a control-room hub that did not answer: kept, sent again later
            self.message.emit(f"Done on this workstation, but {exc}")
        except StorageError as exc:
            self.message.emit(f"Done on this console, but it could not be saved: {exc}")
        self.refresh()

    def is_ringing(self, incident_id: str) -> bool:
        return any(a.incident_id == incident_id for a in self.ringing)

    def alarm_of(self, incident_id: str) -> Alarm | None:
        return next((a for a in self.alarms if a.incident_id == incident_id), None)

    def log_lines(self, incident_id: str) -> list[str]:
        """Who acknowledged or shelved this incident's alarm, and when (for the detail view)."""
        lines = []
        for record in self._book.history(incident_id):
            when = to_local(record.at).strftime("%H:%M:%S")
            until = f" until {to_local(record.until):%H:%M}" if record.until else ""
            where = f" at {record.workstation}" if record.workstation else ""
            lines.append(f"{when} — alarm {record.action.value}{until} by {record.by}{where}")
        return lines
