"""First-run connection dialog: API URL and key, checked against the server before it is saved."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from sety_console.ui.common.slots import async_slot

Checker = Callable[[str, str], Awaitable[str | None]]
"""(url, key) → None when the server accepted both, else a sentence saying what is wrong."""


class ConnectionDialog(QDialog):
    """Asks for the API URL and key; OK is accepted only after `checker` succeeds."""

    def __init__(self, checker: Checker, *, url: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to Sety")
        self._checker = checker
        intro = QLabel(
            "Enter your Sety API address and key. The key is saved in this computer's keyring, "
            "never in a file. Leave this dialog with Cancel to use the local sandbox with demo data."
        )
        intro.setWordWrap(True)
        self.url = QLineEdit(url or "https://intel-api.sety.io/v1/external")
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText("sety_live_… or sety_test_…")
        self.result_label = QLabel("")
        self.result_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow("API address", self.url)
        form.addRow("API key", self.key)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._check_then_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)

    @async_slot()
    async def _check_then_accept(self) -> None:
        url, key = self.url.text().strip(), self.key.text().strip()
        self.buttons.setEnabled(False)
        self.result_label.setText("Checking the connection…")
        try:
            problem = await self._checker(url, key)
        finally:
            self.buttons.setEnabled(True)
        if problem:
            self.result_label.setText(problem)
            return
        self.accept()
