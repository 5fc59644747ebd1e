"""Composition root: builds the client, the core and the windows on one qasync loop."""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    """Open the main window (a placeholder until the control-room workspace lands)."""
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance() or QApplication([])
    label = QLabel("Sety Console\n\nThe control-room workspace is being built.")
    label.resize(640, 360)
    if args.screenshot:
        label.grab().save(args.screenshot)
        return 0
    label.show()
    return int(app.exec())
