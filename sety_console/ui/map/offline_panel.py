"""'Offline streets' tab: what the basemap is drawn from now, and the way to prepare for an outage."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from sety_console.core.local_time import display_zone, local_text
from sety_console.tiles.source import NetworkState


class OfflinePanel(QWidget):
    """Tile-server status in words, and 'Prepare this area for offline use…'."""

    prepare_requested = Signal()

    def __init__(self, *, available: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.prepare_button = QPushButton("Prepare this area for offline use…")
        self.prepare_button.setEnabled(available)
        self.prepare_button.setToolTip(
            "Download the service area's street tiles now, so the map keeps its streets without network."
        )
        self.prepare_button.clicked.connect(self.prepare_requested)
        about = QLabel(
            "Street tiles are kept on this computer as they are seen, so the streets stay when the "
            "network drops. To have the whole service area ready before an outage, prepare it here. "
            "Where no tiles exist, the map shows the coastline and the names of the areas."
        )
        about.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.prepare_button)
        layout.addWidget(about)
        layout.addStretch(1)
        self.show_network(None if available else NetworkState(None, reason="no tile cache"))

    def show_network(self, state: NetworkState | None) -> None:
        if state is None or state.reason == "no tile cache":
            text = "Street tiles come straight from the tile server; nothing is kept for outages."
        elif state.up is None:
            text = "Street tiles are cached on this computer as they are seen."
        elif state.up:
            text = "Tile server reachable; street tiles are cached as they are seen."
        else:
            since = local_text(
                datetime.fromtimestamp(state.down_since or 0, UTC), display_zone(), date_part=False
            )
            text = (
                f"Tile server unreachable since {since}: streets are shown where this computer has "
                "kept them; elsewhere the coastline and area names."
            )
        self.status.setText(text)

    def status_text(self) -> str:
        return self.status.text()
