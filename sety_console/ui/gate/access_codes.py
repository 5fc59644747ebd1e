"""Pre-registration: the create form beside the list of codes by status, with revoke."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sety_console.api.models import AccessCode, AccessCodeStatus
from sety_console.core.actions import ActionKind, ActionState, OutboxEntry
from sety_console.core.gate_wording import clause, format_when, is_already_done, not_saved, outbox_words
from sety_console.core.storage import StorageError
from sety_console.core.wording import error_text
from sety_console.ui.common.slots import async_slot
from sety_console.ui.session_signals import SessionSignals

from .code_form import CodeForm
from .gate_session import GateSession
from .pager import Pager
from .style import BUTTON_PT, Look, Tone
from .table_model import PageModel, TableColumn

log = logging.getLogger(__name__)
REVOKE_KEY = "Ctrl+Del"
REFRESH_KEY = "Ctrl+R"
CONFIRM_SECONDS = 5.0
MESSAGE_LOOK = Look(BUTTON_PT, bold=True)
STATUS_CHOICES: dict[str, list[str] | None] = {
    "Active": [AccessCodeStatus.active.value],
    "Used": [AccessCodeStatus.used.value],
    "Expired": [AccessCodeStatus.expired.value],
    "Revoked": [AccessCodeStatus.revoked.value],
    "All": None,
}
_STATUS_TONES = {
    AccessCodeStatus.active: Tone.GOOD,
    AccessCodeStatus.revoked: Tone.BAD,
    AccessCodeStatus.expired: Tone.WARN,
    AccessCodeStatus.used: Tone.DONE,
}


class AccessCodesPanel(QWidget):
    """Create codes (left) and list them by status with revoke (right). Ctrl+R reloads the list."""

    revoked = Signal(object)  # OutboxEntry

    def __init__(
        self,
        session: GateSession,
        *,
        signals: SessionSignals | None = None,
        page_size: int = 25,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._page_size = page_size
        self._clock = clock
        self._revokes: dict[str, OutboxEntry] = {}
        self._armed: tuple[str, float] | None = None
        self._page = 1
        signals = signals or SessionSignals(session, self)
        self.form = CodeForm(session, signals=signals, parent=self)
        self.form.code_created.connect(lambda _code: self.reload())
        signals.outbox_changed.connect(self._on_outbox)
        self.model: PageModel[AccessCode] = PageModel(self._columns(), self)
        self._build()

    def _columns(self) -> list[TableColumn[AccessCode]]:
        return [
            TableColumn("Code", lambda c: c.code),
            TableColumn("Visitor", lambda c: c.visitor_name),
            TableColumn(
                "Host · unit", lambda c: f"{c.host_name} · {c.host_unit}" if c.host_unit else c.host_name
            ),
            TableColumn("Valid from", lambda c: format_when(c.valid_from)),
            TableColumn("Valid until", lambda c: format_when(c.valid_until)),
            TableColumn("Uses", lambda c: f"{c.uses} of {c.max_uses}"),
            TableColumn("Status", self._status_text, self._status_tone),
        ]

    def _build(self) -> None:
        self.status_filter = QComboBox(self)
        self.status_filter.addItems(list(STATUS_CHOICES))
        self.status_filter.setAccessibleName("Codes with status")
        self.status_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.pager = Pager(self)
        self.pager.page_requested.connect(self.load_page)
        self.revoke_button = QPushButton(f"Revoke selected  [{REVOKE_KEY}]", self)
        Look(BUTTON_PT, bold=True).apply(self.revoke_button)
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self._layout()
        for key, slot in (
            (REVOKE_KEY, self.revoke_selected),
            (REFRESH_KEY, self.reload),
            ("PgUp", self.pager.previous),
            ("PgDown", self.pager.next),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("Codes:", self))
        top.addWidget(self.status_filter)
        top.addStretch(1)
        top.addWidget(self.revoke_button)
        right = QWidget(self)
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.table, 1)
        column.addWidget(self.pager)
        column.addWidget(self.message)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.form)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([360, 640])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    # ------------------------------------------------------------------ loading

    def reload(self) -> None:
        self.load_page(1)

    @async_slot(int)
    async def load_page(self, page: int) -> None:
        """Fetch one page of codes with the chosen status."""
        statuses = STATUS_CHOICES[self.status_filter.currentText()]
        try:
            result = await self._session.list_access_codes(status=statuses, page=page, limit=self._page_size)
        except Exception as error:  # shown to the guard; the list keeps what it had
            self._say(f"Could not load the codes: {error_text(error)}", Tone.WARN)
            return
        self._page = page
        self.model.set_rows(result.data)
        self.pager.show_pagination(result.pagination)
        self._say("", Tone.IDLE)

    # ------------------------------------------------------------------ revoke

    def selected_code(self) -> AccessCode | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    @async_slot()
    async def revoke_selected(self) -> OutboxEntry | None:
        """First press asks for confirmation; a second press within 5 s revokes through the outbox."""
        code = self.selected_code()
        if code is None:
            self._say("Select a code first (arrows in the list).", Tone.WARN)
            return None
        if code.status is not AccessCodeStatus.active:
            self._say(
                f"Code {code.code} is {code.status.label.lower()}; only active codes can be revoked.",
                Tone.WARN,
            )
            return None
        now = time.monotonic()
        if self._armed is None or self._armed[0] != code.code_id or now - self._armed[1] > CONFIRM_SECONDS:
            self._armed = (code.code_id, now)
            self._say(
                f"Press {REVOKE_KEY} again to revoke code {code.code} of {code.visitor_name}.", Tone.WARN
            )
            return None
        self._armed = None
        try:
            entry = await self._session.revoke_access_code(code.code_id)
        except StorageError as error:
            self._say(not_saved(error), Tone.BAD)
            return None
        self._revokes[code.code_id] = entry
        self._repaint(code.code_id)
        self._say(f"Revoking code {code.code}: {outbox_words(entry)}.", Tone.PENDING)
        self.revoked.emit(entry)
        return entry

    def _on_outbox(self, entry: OutboxEntry) -> None:
        if entry.kind is not ActionKind.REVOKE_ACCESS_CODE or entry.target_id not in self._revokes:
            return
        self._revokes[entry.target_id] = entry
        if is_already_done(entry):
            self._mark_revoked(entry)
            self._say(f"✓ Code revoked. {entry.error or ''}".strip(), Tone.GOOD)
        elif entry.state is ActionState.FAILED:
            self._say(f"✗ Not revoked: {clause(entry.error)}.", Tone.BAD)
        self._repaint(entry.target_id)

    def _mark_revoked(self, entry: OutboxEntry) -> None:
        for row, code in enumerate(self.model.rows()):
            if code.code_id == entry.target_id:
                fresh = AccessCode.model_validate(entry.result) if entry.result else None
                self.model.replace_row(
                    row, fresh or code.model_copy(update={"status": AccessCodeStatus.revoked})
                )

    def _repaint(self, code_id: str | None) -> None:
        for row, code in enumerate(self.model.rows()):
            if code.code_id == code_id:
                self.model.replace_row(row, code)

    def _status_text(self, code: AccessCode) -> str:
        entry = self._revokes.get(code.code_id)
        if entry is not None and entry.is_open:
            return f"Revoking: {outbox_words(entry)}"
        if self._not_yet_valid(code):
            return f"Not yet valid — from {format_when(code.valid_from, self._clock())}"
        return code.status.label

    def _not_yet_valid(self, code: AccessCode) -> bool:
        """An active code whose window has not opened: the server says `active`, the gate refuses it."""
        starts = code.valid_from
        return code.status is AccessCodeStatus.active and starts is not None and starts > self._clock()

    def _status_tone(self, code: AccessCode) -> Tone:
        entry = self._revokes.get(code.code_id)
        if entry is not None and entry.is_open:
            return Tone.PENDING
        if self._not_yet_valid(code):
            return Tone.WARN
        return _STATUS_TONES.get(code.status, Tone.IDLE)

    def _say(self, text: str, tone: Tone) -> None:
        self.message.setText(text)
        MESSAGE_LOOK.apply(self.message, tone if text else None)
