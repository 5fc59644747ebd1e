"""Alarm sounds per category (and for SLA breaches), chosen from the bundled sounds and tried out."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sety_console.assets import asset_path
from sety_console.ui.sound import SoundPlayer

ALARM_KINDS = {
    "sos": "SOS",
    "vehicle": "Vehicle",
    "location_threat": "Location threat",
    "medical": "Medical",
    "sla": "SLA breached",
    "default": "Anything else",
}


def bundled_sounds() -> list[str]:
    """Names of the sounds shipped in resources/sounds."""
    return sorted(p.stem for p in asset_path("sounds").glob("*.wav"))


class AlarmSoundsDialog(QDialog):
    """Edits a copy of `sounds` (kind → sound name); `chosen()` after accept."""

    def __init__(self, sounds: dict[str, str], player: SoundPlayer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Alarm sounds")
        self._player = player
        self.boxes: dict[str, QComboBox] = {}
        form = QFormLayout()
        names = bundled_sounds()
        for kind, label in ALARM_KINDS.items():
            box = QComboBox(self)
            box.addItems(names)
            box.setCurrentText(sounds.get(kind, sounds.get("default", "default")))
            play = QPushButton("Play", self)
            play.clicked.connect(lambda _=False, b=box: self._player.play(b.currentText()))
            row = QHBoxLayout()
            row.addWidget(box, 1)
            row.addWidget(play)
            form.addRow(label, row)
            self.boxes[kind] = box
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def chosen(self) -> dict[str, str]:
        return {kind: box.currentText() for kind, box in self.boxes.items()}
