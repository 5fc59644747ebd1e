"""Claims on the queue (a control-room hub): who has each incident, and taking or releasing one.

The "Taken by" column follows the hub's claims as they are pushed; Ctrl+T takes the selected incident
(or releases it when it is already yours); a right-click offers take, release, or take over from the
operator who has it (after a confirmation). A refused claim (409) says who has the incident.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from sety_console.api.errors import ConflictError, SetyError
from sety_console.api.hub_models import ClaimRecord
from sety_console.ui.common.slots import run_task

from .claim_text import claim_cell, taken_words
from .queue_cells import INCIDENT_ID_ROLE
from .queue_view import IncidentQueue


class ClaimActions(Protocol):
    """What the hub session offers (`HubSession`)."""

    async def claim(self, incident_id: str, *, force: bool = False) -> ClaimRecord: ...

    async def release(self, incident_id: str) -> None: ...


class QueueClaims(QObject):
    """Shows the hub's claims in `queue` and takes or releases incidents through `actions`."""

    message = Signal(str)
    """What happened, in words (taken, released, refused and by whom)."""

    def __init__(
        self,
        queue: IncidentQueue,
        actions: ClaimActions,
        me: Callable[[], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent or queue)
        self.queue = queue
        self._actions = actions
        self._me = me
        self._claims: dict[str, ClaimRecord] = {}
        queue.show_claims(True)
        self.toggle_action = QAction("Take or release the incident", queue)
        self.toggle_action.setShortcut(QKeySequence("Ctrl+T"))
        self.toggle_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.toggle_action.triggered.connect(self.toggle_selected)
        queue.addAction(self.toggle_action)
        table = queue.table
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._context_menu)

    # --- following the hub ------------------------------------------------------------------------

    def show_all(self, claims: Mapping[str, ClaimRecord]) -> None:
        """Every claim now (after a snapshot or a reconnect)."""
        for incident_id in set(self._claims) - set(claims):
            self.on_claim(incident_id, None)
        for incident_id, claim in claims.items():
            self.on_claim(incident_id, claim)

    def on_claim(self, incident_id: str, claim: ClaimRecord | None) -> None:
        """One incident taken (or released, None)."""
        if claim is None:
            self._claims.pop(incident_id, None)
        else:
            self._claims[incident_id] = claim
        cell = claim_cell(claim, self._me()) if claim is not None else None
        self.queue.model().set_claim(incident_id, cell)

    def claim_of(self, incident_id: str) -> ClaimRecord | None:
        return self._claims.get(incident_id)

    # --- operator actions -------------------------------------------------------------------------

    def toggle_selected(self) -> None:
        """Ctrl+T: take the selected incident, or release it when it is yours."""
        incident_id = self.queue.current_id()
        if incident_id is None:
            self.message.emit("Select an incident to take it.")
            return
        claim = self._claims.get(incident_id)
        if claim is not None and claim.operator == self._me():
            run_task(self.release(incident_id), "releasing the incident")
        else:
            run_task(self.take(incident_id), "taking the incident")

    async def take(self, incident_id: str, *, force: bool = False) -> None:
        try:
            record = await self._actions.claim(incident_id, force=force)
        except ConflictError as error:
            known = self._claims.get(incident_id)
            who = taken_words(known) if known is not None else error.message
            self.message.emit(f"{who} — right-click the incident to take it over.")
            return
        except SetyError as error:
            self.message.emit(f"The incident could not be taken: {error}")
            return
        self.on_claim(incident_id, record)
        self.message.emit(f"You have taken incident {incident_id}; the other workstations see it now.")

    async def release(self, incident_id: str) -> None:
        try:
            await self._actions.release(incident_id)
        except SetyError as error:
            self.message.emit(f"The incident could not be released: {error}")
            return
        self.on_claim(incident_id, None)
        self.message.emit(f"You released incident {incident_id}; anyone may take it.")

    def _context_menu(self, position: QPoint) -> None:
        index = self.queue.table.indexAt(position)
        incident_id = index.data(INCIDENT_ID_ROLE) if index.isValid() else None
        if not isinstance(incident_id, str):
            return
        self.queue.select(incident_id)
        menu = self.menu_for(incident_id)
        menu.exec(self.queue.table.viewport().mapToGlobal(position))
        menu.deleteLater()

    def menu_for(self, incident_id: str) -> QMenu:
        """Take / release / take over, as fits who has the incident now."""
        menu = QMenu(self.queue)
        claim = self._claims.get(incident_id)
        if claim is None:
            menu.addAction("Take this incident\tCtrl+T", lambda: run_task(self.take(incident_id), "taking"))
        elif claim.operator == self._me():
            menu.addAction("Release this incident\tCtrl+T", lambda: self._release_later(incident_id))
        else:
            menu.addAction(f"Take over from {claim.operator}…", lambda: self._confirm_take_over(incident_id))
        return menu

    def _release_later(self, incident_id: str) -> None:
        run_task(self.release(incident_id), "releasing the incident")

    def _confirm_take_over(self, incident_id: str) -> None:
        claim = self._claims.get(incident_id)
        if claim is None:
            run_task(self.take(incident_id), "taking the incident")
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Take over this incident?",
            f"{taken_words(claim)}. Take it over? {claim.operator} sees at once that you have it.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self.queue,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(
            lambda code: (
                run_task(self.take(incident_id, force=True), "taking over the incident")
                if code == QMessageBox.StandardButton.Yes
                else None
            )
        )
        box.open()
