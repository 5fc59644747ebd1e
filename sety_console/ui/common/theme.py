"""Dark (control room) and light themes: Fusion style, a matching QPalette and a small stylesheet."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from sety_console.assets import asset_path

THEMES = ("dark", "light")
BASE_POINT_SIZE = 10.5

_DARK = {
    QPalette.ColorRole.Window: "#15181d",
    QPalette.ColorRole.WindowText: "#dde3ea",
    QPalette.ColorRole.Base: "#171a20",
    QPalette.ColorRole.AlternateBase: "#1b1f26",
    QPalette.ColorRole.Text: "#dde3ea",
    QPalette.ColorRole.Button: "#262c36",
    QPalette.ColorRole.ButtonText: "#e6ebf1",
    QPalette.ColorRole.Highlight: "#2f4f7f",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#262c36",
    QPalette.ColorRole.ToolTipText: "#e6ebf1",
    QPalette.ColorRole.PlaceholderText: "#6b7685",
    QPalette.ColorRole.Link: "#6ea8fe",
}
_LIGHT = {
    QPalette.ColorRole.Window: "#f4f6f9",
    QPalette.ColorRole.WindowText: "#1a222d",
    QPalette.ColorRole.Base: "#ffffff",
    QPalette.ColorRole.AlternateBase: "#f5f7fa",
    QPalette.ColorRole.Text: "#1a222d",
    QPalette.ColorRole.Button: "#e9edf2",
    QPalette.ColorRole.ButtonText: "#16202c",
    QPalette.ColorRole.Highlight: "#bcd4fb",
    QPalette.ColorRole.HighlightedText: "#0b1220",
    QPalette.ColorRole.ToolTipBase: "#ffffff",
    QPalette.ColorRole.ToolTipText: "#16202c",
    QPalette.ColorRole.PlaceholderText: "#7a8594",
    QPalette.ColorRole.Link: "#1f5fbf",
}


def apply_theme(app: QApplication, name: str) -> str:
    """Apply `dark` or `light` (anything else falls back to dark); returns the applied name."""
    name = name if name in THEMES else "dark"
    app.setStyle("Fusion")
    font = QFont(app.font())
    font.setPointSizeF(BASE_POINT_SIZE)  # set on the app, not in the stylesheet, so widgets' setFont wins
    app.setFont(font)
    palette = QPalette()
    for role, color in (_DARK if name == "dark" else _LIGHT).items():
        palette.setColor(role, QColor(color))
    app.setPalette(palette)
    app.setStyleSheet(asset_path("themes", f"{name}.qss").read_text(encoding="utf-8"))
    app.setProperty("sety_theme", name)
    return name


def current_theme() -> str:
    app = QApplication.instance()
    value = app.property("sety_theme") if app is not None else None
    return value if isinstance(value, str) else "dark"
