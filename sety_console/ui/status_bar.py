"""The status bar: connection and staleness, rate budget, pending actions, environment, operator."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QSizePolicy, QStatusBar, QWidget

from sety_console.core.local_time import to_local


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
        self.outbox = QLabel("")
        self.environment = QLabel("")
        self.operator = QLabel("")
        self.sound = QLabel("No alarm sound")
        self.sound.setObjectName("SoundProblem")
        self.sound.setStyleSheet("color: #f85149; font-weight: 700;")
        self.sound.hide()
        self.notice = QLabel("")
        self.notice.setStyleSheet("font-weight: 600;")
        self._notice_timer = QTimer(self, singleShot=True)
        self._notice_timer.timeout.connect(self._clear_notice)
        for label in (self.connection, self.notice):  # long sentences wrap: never cut, never wider
            label.setWordWrap(True)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.notice.hide()
        self.addWidget(self.dot)
        self.addWidget(self.connection, 1)
        self.addWidget(self.notice, 1)
        for label in (self.sound, self.freshness, self.budget, self.outbox, self.environment, self.operator):
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
        self.budget.setText(f"API {used}/{limit} this minute" if limit else "API budget unknown")
        self.budget.setToolTip("Requests used in the current one-minute window of this API key")

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

    def set_environment(self, text: str) -> None:
        self.environment.setText(text)

    def set_operator(self, name: str) -> None:
        self.operator.setText(f"Operator: {name}" if name else "Operator: (not set)")
