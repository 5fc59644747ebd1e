"""Alarms the operator cannot miss: a repeating sound and a flashing banner until acknowledged.

`AlarmController` polls the core's `AlertBook` once a second (SLA clocks move between polls),
plays the sound chosen per category (SLA breaches have their own) every few seconds while
something audible rings, flashes the banner, and raises a desktop notification for each new
alarm when the window is not active. Acknowledge (F8), snooze and mute go back to the core,
which records who did it and when.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from sety_console.core.alerts import Alert, AlertBook, AlertError, AlertReason
from sety_console.core.local_time import to_local
from sety_console.core.rules import SlaUrgency
from sety_console.core.sla_text import breach_reason, describe_sla
from sety_console.ui.sound import SoundPlayer

log = logging.getLogger(__name__)


def alarm_sound(alert: Alert, sounds: dict[str, str]) -> str:
    """The sound setting's name for this alert: SLA breach, else by category, else default."""
    sla = {AlertReason.SLA_BREACH, AlertReason.SLA_AT_RISK} & set(alert.reasons)
    if sla and AlertReason.NEW_HIGH_PRIORITY not in alert.reasons:
        return sounds.get("sla", "sla")
    key = alert.incident.category.value if not alert.incident.category.is_unknown else "default"
    return sounds.get(key, sounds.get("default", "default"))


def describe(alert: Alert, now: datetime | None = None) -> str:
    """One line for the banner: what rings and why, in the console's SLA words."""
    incident = alert.incident
    what = f"{incident.severity.label.upper()} {incident.category.label.upper()}"
    location = incident.location
    where = location.address or location.landmark or f"{location.lat:.5f}, {location.lng:.5f}"
    words = describe_sla(incident, now or datetime.now(UTC))
    if not {AlertReason.SLA_BREACH, AlertReason.SLA_AT_RISK} & set(alert.reasons):
        why = "new"
    elif words.urgency is SlaUrgency.BREACHED:
        why = f"SLA {_lower(words.headline)}: {_lower(words.detail)}"
    elif AlertReason.SLA_AT_RISK in alert.reasons and words.urgency is SlaUrgency.AT_RISK:
        why = f"SLA at risk: {words.detail}"
    else:
        why = f"SLA breached: {breach_reason(incident) or 'a target was missed'}"
    return f"{what} ({why}) — {incident.subject.name or 'unknown caller'}, {where}"


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


class AlarmController(QObject):
    """Drives sound, banner and notifications from the alert book."""

    banner_changed = Signal(object, bool)  # text or None, flash phase
    ringing_changed = Signal(object)  # list[Alert]
    message = Signal(str)  # a refusal worth telling the operator (e.g. snoozing a critical one)

    def __init__(
        self,
        alerts: AlertBook,
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
        self._alerts = alerts
        self._now = now
        self._operator = operator
        self._sounds = sounds
        self._repeat = max(2, repeat_seconds)
        self._window = window
        self.player = player or SoundPlayer(self)
        self.ringing: list[Alert] = []
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
        """Re-read what rings now (also called when the alert book changes)."""
        ringing = self._alerts.ringing(self._now())
        if [a.incident_id for a in ringing] != [
            a.incident_id for a in self.ringing
        ] or ringing != self.ringing:
            self.ringing = ringing
            self.ringing_changed.emit(ringing)
            self._notify_new(ringing)
        self._publish_banner()

    def _tick(self) -> None:
        self._half_seconds += 1
        self._flash = not self._flash
        if self._half_seconds % 2 == 0:
            self.refresh()
            self._since_sound += 1
            audible = [a for a in self.ringing if a.audible]
            if audible and self._since_sound >= self._repeat:
                self._since_sound = 0
                self.player.play(alarm_sound(audible[0], self._sounds))
            if not audible:
                self._since_sound = self._repeat
        self._publish_banner()

    def _publish_banner(self) -> None:
        if not self.ringing:
            self.banner_changed.emit(None, False)
            return
        top = self.ringing[0]
        more = f"  ·  {len(self.ringing) - 1} more ringing" if len(self.ringing) > 1 else ""
        muted = "  ·  sound muted" if not top.audible else ""
        hint = "F8 acknowledge" + ("  ·  Shift+F8 snooze 5 min" if top.can_snooze else "")
        self.banner_changed.emit(f"⚠  {describe(top, self._now())}{more}{muted}   [{hint}]", self._flash)

    def _notify_new(self, ringing: list[Alert]) -> None:
        fresh = [a for a in ringing if a.incident_id not in self._notified]
        self._notified = {a.incident_id for a in ringing}
        if fresh and self._tray is not None and not self._window.isActiveWindow():
            self._tray.show()
            self._tray.showMessage(
                "Sety Console — alarm", describe(fresh[0], self._now()), QSystemTrayIcon.MessageIcon.Critical
            )

    # --- operator actions -------------------------------------------------------------------

    def acknowledge(self, incident_id: str | None = None) -> str | None:
        """Acknowledge `incident_id`, or the most urgent ringing alarm; returns the id acknowledged."""
        target = incident_id or (self.ringing[0].incident_id if self.ringing else None)
        if target is None:
            return None
        self._alerts.acknowledge(target, self._operator(), self._now())
        self.refresh()
        return target

    def snooze(self, minutes: int, incident_id: str | None = None) -> None:
        target = incident_id or next((a.incident_id for a in self.ringing if a.can_snooze), None)
        if target is None:
            self.message.emit("Nothing to snooze: critical alarms can only be acknowledged.")
            return
        try:
            self._alerts.snooze(target, minutes, self._operator(), self._now())
        except AlertError as exc:
            self.message.emit(str(exc))
        self.refresh()

    def mute(self, minutes: int) -> None:
        try:
            self._alerts.mute(minutes, self._operator(), self._now())
        except AlertError as exc:
            self.message.emit(str(exc))
        self.refresh()

    def unmute(self) -> None:
        self._alerts.unmute(self._operator(), self._now())
        self.refresh()

    def is_ringing(self, incident_id: str) -> bool:
        return any(a.incident_id == incident_id for a in self.ringing)

    def log_lines(self, incident_id: str) -> list[str]:
        """Who acknowledged or snoozed this incident's alarms, and when (for the detail view)."""
        lines = []
        for record in self._alerts.history(incident_id):
            when = to_local(record.at).strftime("%H:%M:%S")
            until = f" until {to_local(record.until):%H:%M}" if record.until else ""
            lines.append(f"{when} — alarm {record.action.value}{until} by {record.by}")
        return lines
