"""Quitting with actions not yet on the server: say how many, and let the operator wait for them."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

from PySide6.QtWidgets import QMessageBox, QWidget

from sety_console.core.actions import ActionKind
from sety_console.core.session import ConsoleSession
from sety_console.ui.common.slots import run_task

log = logging.getLogger(__name__)
WAIT_POLL_S = 0.5
KIND_WORDS = {
    ActionKind.CREATE_INCIDENT: ("new incident", "new incidents"),
    ActionKind.CANCEL_INCIDENT: ("cancellation", "cancellations"),
    ActionKind.ADD_NOTE: ("note", "notes"),
    ActionKind.CHECK_IN: ("check-in", "check-ins"),
    ActionKind.CHECK_OUT: ("checkout", "checkouts"),
    ActionKind.CREATE_ACCESS_CODE: ("access code", "access codes"),
    ActionKind.REVOKE_ACCESS_CODE: ("code revocation", "code revocations"),
}


def pending_words(kinds: Counter[ActionKind]) -> str:
    """'2 notes and 1 cancellation'."""
    parts = [f"{n} {KIND_WORDS[k][n != 1] if k in KIND_WORDS else 'action'}" for k, n in kinds.items()]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


class QuitGuard:
    """`may_close()` for the main window: True to close now, False to stay open (cancel, or waiting)."""

    def __init__(self, window: QWidget, session: ConsoleSession) -> None:
        self.window = window
        self.session = session
        self._waiting: asyncio.Task[None] | None = None

    def pending(self) -> Counter[ActionKind]:
        return Counter(entry.kind for entry in self.session.outbox.open_entries())

    def may_close(self) -> bool:
        kinds = self.pending()
        if not kinds:
            return True
        count = sum(kinds.values())
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Actions not sent yet")
        box.setText(
            f"{count} action{'s are' if count != 1 else ' is'} not on the server yet: {pending_words(kinds)}."
        )
        box.setInformativeText(
            "If you quit now they stay saved on this computer and are sent the next time Sety Console "
            "starts. Or wait here until the server has them."
        )
        wait = box.addButton("Wait until sent", QMessageBox.ButtonRole.AcceptRole)
        quit_now = box.addButton("Quit now", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(wait)
        box.exec()
        if box.clickedButton() is quit_now:
            log.info("quitting with %d action(s) pending; they are sent at the next start", count)
            return True
        if box.clickedButton() is wait and self._waiting is None:
            self._waiting = run_task(self._close_when_sent(), "waiting for pending actions")
        return False

    async def _close_when_sent(self) -> None:
        status = getattr(self.window, "status", None)
        while self.pending():
            if status is not None:
                status.tell(f"Quitting once {sum(self.pending().values())} action(s) reach the server…", 2)
            await asyncio.sleep(WAIT_POLL_S)
        self.window.close()
