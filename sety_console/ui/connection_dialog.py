"""File → Connection… (and the first run): the Sety API directly (address + key), or a control-room hub
(its address or addresses + this operator's token), checked against the server before it is saved."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from sety_console.ui.common.slots import async_slot

DIRECT, HUB = "direct", "hub"
Checker = Callable[[str, str, str], Awaitable[str | None]]
"""(mode, address, key) → None when the server accepted both, else a sentence saying what is wrong."""
DEFAULT_API_URL = "https://intel-api.sety.io/v1/external"
_INTRO = {
    DIRECT: (
        "Enter your Sety API address and key. The key is saved in this computer's keyring, never in a "
        "file. Leave this dialog with Cancel to use the local sandbox with demo data."
    ),
    HUB: (
        "Enter the control-room hub's address (a standby hub's after a comma) and the operator token its "
        "administrator gave you. Acknowledgements and who has taken each incident are shared with every "
        "workstation on the hub. The token is saved in this computer's keyring, never in a file."
    ),
}
_LABELS = {DIRECT: ("API address", "API key"), HUB: ("Hub address(es)", "Operator token")}
_PLACEHOLDERS = {
    DIRECT: ("https://intel-api.sety.io/v1/external", "sety_live_… or sety_test_…"),
    HUB: ("https://hub.example:8443, https://standby.example:8443", "sety_hub_…"),
}


class ConnectionDialog(QDialog):
    """Asks how to connect; OK is accepted only after `checker` succeeds."""

    def __init__(
        self,
        checker: Checker,
        *,
        url: str = "",
        hub_urls: str = "",
        mode: str = DIRECT,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to Sety")
        self.setMinimumWidth(600)
        self._checker = checker
        self._texts = {DIRECT: url or DEFAULT_API_URL, HUB: hub_urls}
        self.direct = QRadioButton("Sety API directly (this workstation's own key)")
        self.via_hub = QRadioButton("Control-room hub (shared alarms, one key for the room)")
        modes = QButtonGroup(self)
        for button in (self.direct, self.via_hub):
            modes.addButton(button)
        choice = QVBoxLayout()
        choice.addWidget(self.direct)
        choice.addWidget(self.via_hub)
        self.intro = QLabel("")
        self.intro.setWordWrap(True)
        self.url = QLineEdit()
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.result_label = QLabel("")
        self.result_label.setWordWrap(True)
        self.form = QFormLayout()
        self.form.addRow(_LABELS[DIRECT][0], self.url)
        self.form.addRow(_LABELS[DIRECT][1], self.key)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._check_then_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(choice)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)
        self._mode = ""
        (self.via_hub if mode == HUB else self.direct).setChecked(True)
        self._show_mode(HUB if mode == HUB else DIRECT)
        self.direct.toggled.connect(lambda on: self._show_mode(DIRECT) if on else None)
        self.via_hub.toggled.connect(lambda on: self._show_mode(HUB) if on else None)

    @property
    def mode(self) -> str:
        """`direct` or `hub`."""
        return self._mode

    def _show_mode(self, mode: str) -> None:
        """Switch the fields' meaning; each mode keeps the address typed for it."""
        if self._mode:
            self._texts[self._mode] = self.url.text()
        if mode != self._mode:
            self.key.clear()
        self._mode = mode
        self.intro.setText(_INTRO[mode])
        for row, text in enumerate(_LABELS[mode]):
            item = self.form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            label = item.widget() if item is not None else None
            if isinstance(label, QLabel):
                label.setText(text)
        self.url.setText(self._texts[mode])
        self.url.setPlaceholderText(_PLACEHOLDERS[mode][0])
        self.key.setPlaceholderText(_PLACEHOLDERS[mode][1])
        self.result_label.clear()
        self.adjustSize()  # the other mode's sentences may take more lines

    @async_slot()
    async def _check_then_accept(self) -> None:
        url, key = self.url.text().strip(), self.key.text().strip()
        self.buttons.setEnabled(False)
        self.result_label.setText("Checking the hub…" if self._mode == HUB else "Checking the connection…")
        try:
            problem = await self._checker(self._mode, url, key)
        finally:
            self.buttons.setEnabled(True)
        if problem:
            self.result_label.setText(problem)
            return
        self.accept()
