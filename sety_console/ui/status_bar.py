"""The status bar: connection and staleness, rate budget, pending actions, environment, operator, and
on a control-room hub the link to it ("via hub") and alarm actions it has not recorded yet."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QSizePolicy, QStatusBar, QWidget

from sety_console.core.local_time import to_local

CONNECTION_MIN_WIDTH = 300
"""Pixels the connection sentence always keeps (it wraps onto more lines rather than vanish)."""
LEVEL_STYLE = {
    "online": "",
    "degraded": "color: #d29922; font-weight: 700;",
    "offline": "color: #f85149; font-weight: 700;",
}


def _restyle(label: QLabel) -> None:
    label.style().unpolish(label)
    label.style().polish(label)


class ConsoleStatusBar(QStatusBar):
    """Always-visible facts an operator needs before trusting the screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self.dot = QLabel("●")
        self.dot.setObjectName("ConnectionDot")
        self.connection = QLabel("Connecting…")
        self.freshness = QLabel("")
        self.budget = QLabel("")
        self.via_hub = False
        """On a control-room hub the budget shown is this operator's at the hub (the hub alone spends
        the organisation's Sety key)."""
        self.outbox = QLabel("")
        self.environment = QLabel("")
        self.operator = QLabel("")
        self.sound = QLabel("No alarm sound")
        self.sound.setObjectName("SoundProblem")
        self.sound.setStyleSheet("color: #f85149; font-weight: 700;")
        self.sound.hide()
        self.hub_link = QLabel("")
        self.hub_link.setObjectName("HubLink")
        self.hub_link.hide()
        self.unshared = QLabel("")
        self.unshared.setObjectName("UnsharedAlarmActions")
        self.unshared.setStyleSheet(LEVEL_STYLE["offline"])
        self.unshared.hide()
        self.notice = QLabel("")
        self.notice.setStyleSheet("font-weight: 600;")
        self._notice_timer = QTimer(self, singleShot=True)
        self._notice_timer.timeout.connect(self._clear_notice)
        for label in (self.connection, self.notice):  # long sentences wrap: never cut, never wider
            label.setWordWrap(True)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.connection.setMinimumWidth(CONNECTION_MIN_WIDTH)  # the facts beside it never squeeze it away
        self.notice.hide()
        self.addWidget(self.dot)
        self.addWidget(self.connection, 1)
        self.addWidget(self.notice, 1)
        permanent = (self.sound, self.unshared, self.hub_link, self.freshness, self.budget, self.outbox)
        for label in (*permanent, self.environment, self.operator):
            self.addPermanentWidget(label)

    def tell(self, text: str, seconds: int = 8) -> None:
        """A passing message beside the connection state (never over it, unlike `showMessage`)."""
        self.notice.setText(text)
        self.notice.setToolTip(text)
        self.notice.setVisible(bool(text))
        self._notice_timer.start(seconds * 1000)

    def _clear_notice(self) -> None:
        self.notice.clear()
        self.notice.hide()  # the connection state gets the whole width back

    def set_connection(self, state: str, message: str) -> None:
        """`state` is online, degraded, offline, unauthorized, suspended or forbidden."""
        self.dot.setProperty("state", state)
        _restyle(self.dot)
        self.connection.setText(message)
        self.connection.setToolTip(message)

    def set_freshness(self, fresh_as_of: datetime | None) -> None:
        text = f"Data as of {to_local(fresh_as_of):%H:%M:%S}" if fresh_as_of else "No data yet"
        self.freshness.setText(text)

    def set_budget(self, used: int | None, limit: int | None) -> None:
        source = "Hub" if self.via_hub else "API"
        self.budget.setText(f"{source} {used}/{limit} this minute" if limit else f"{source} budget unknown")
        self.budget.setToolTip(
            "Requests this workstation made to the control-room hub in the current minute; the hub alone "
            "spends the organisation's Sety budget"
            if self.via_hub
            else "Requests used in the current one-minute window of this API key"
        )

    def set_outbox(self, pending: int, failed: int) -> None:
        parts = []
        if pending:
            parts.append(f"{pending} action{'s' if pending != 1 else ''} waiting to be sent")
        if failed:
            parts.append(f"{failed} refused")
        self.outbox.setText(" · ".join(parts) if parts else "All actions sent")
        self.outbox.setStyleSheet("color: #f85149; font-weight: 700;" if failed else "")

    def set_sound_problem(self, problem: str | None) -> None:
        """A warning that stays while alarm sounds cannot be heard (the reason in its tooltip)."""
        self.sound.setVisible(bool(problem))
        self.sound.setToolTip(f"{problem} Alarms → Test sound tries again." if problem else "")

    def set_hub_link(self, text: str, level: str, tooltip: str = "") -> None:
        """ "Via hub host:port" (level online), or why the hub is not reachable (degraded / offline)."""
        self.hub_link.setText(text)
        self.hub_link.setToolTip(tooltip or text)
        self.hub_link.setProperty("level", level)
        self.hub_link.setStyleSheet(LEVEL_STYLE.get(level, ""))
        self.hub_link.setVisible(bool(text))

    def set_unshared(self, count: int) -> None:
        """Alarm actions done here that the hub has not recorded yet (the other workstations do not know)."""
        actions = "alarm action" if count == 1 else "alarm actions"
        self.unshared.setText(f"{count} {actions} not yet shared — retrying" if count else "")
        self.unshared.setToolTip(
            "Done on this workstation, but the control-room hub has not recorded it yet, so the other "
            "workstations do not know. It is kept and sent again until the hub has it."
        )
        self.unshared.setVisible(count > 0)

    def set_environment(self, text: str) -> None:
        self.environment.setText(text)

    def set_operator(self, name: str) -> None:
        self.operator.setText(f"Operator: {name}" if name else "Operator: (not set)")
