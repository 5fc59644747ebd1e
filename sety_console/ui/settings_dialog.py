"""This workstation's settings: who is signed in, which gate it guards, where map tiles come from."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from sety_console.config import Settings


class SettingsDialog(QDialog):
    """Edits operator name, gate name and tile server; `apply_to(settings)` after accept."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.operator = QLineEdit(settings.operator_name)
        self.operator.setPlaceholderText("Your name, as notes and acknowledgements show it")
        self.gate = QLineEdit(settings.gate_name)
        self.tile_url = QLineEdit(settings.tile_url)
        self.tile_url.setPlaceholderText("https://tiles.example.org/{z}/{x}/{y}.png")
        self.attribution = QLineEdit(settings.tile_attribution)
        self.offline_url = QLineEdit(settings.offline_tile_url)
        self.offline_url.setPlaceholderText(
            "A server whose policy allows bulk downloads (not tile.openstreetmap.org)"
        )
        self.problem = QLabel("")
        self.problem.setStyleSheet("color: #f85149; font-weight: 600;")
        form = QFormLayout()
        form.addRow("Operator name", self.operator)
        form.addRow("This workstation's gate", self.gate)
        form.addRow("Map tiles URL", self.tile_url)
        form.addRow("Map tiles attribution", self.attribution)
        form.addRow("Tiles for offline use", self.offline_url)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._check_then_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def problems(self) -> str:
        """What must be fixed before saving, in words; empty when nothing."""
        if not self.operator.text().strip():
            return "Enter the operator's name: it signs notes and acknowledgements."
        if not self.gate.text().strip():
            return "Enter this workstation's gate name."
        url = self.tile_url.text().strip()
        if url and not all(part in url for part in ("{z}", "{x}", "{y}")):
            return "The tiles URL needs {z}, {x} and {y} (or leave it empty for no basemap)."
        offline = self.offline_url.text().strip()
        if offline and not all(part in offline for part in ("{z}", "{x}", "{y}")):
            return "The offline tiles URL needs {z}, {x} and {y} (or leave it empty)."
        return ""

    def _check_then_accept(self) -> None:
        self.problem.setText(self.problems())
        if not self.problem.text():
            self.accept()

    def apply_to(self, settings: Settings) -> None:
        settings.operator_name = self.operator.text().strip()
        settings.gate_name = self.gate.text().strip()
        settings.tile_url = self.tile_url.text().strip()
        settings.tile_attribution = self.attribution.text().strip()
        settings.offline_tile_url = self.offline_url.text().strip()
