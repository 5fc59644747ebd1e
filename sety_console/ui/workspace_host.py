"""One workspace page: a nested main window whose docks move, float to another monitor and come back.

Each workspace keeps its own dock layout per workstation (QSettings) and can reset it to the
layout it was built with.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QVBoxLayout, QWidget

ALL_DOCK_FEATURES = (
    QDockWidget.DockWidgetFeature.DockWidgetMovable
    | QDockWidget.DockWidgetFeature.DockWidgetFloatable
    | QDockWidget.DockWidgetFeature.DockWidgetClosable
)


class WorkspaceHost(QMainWindow):
    """Holds a workspace's central widget and docks; remembers and restores their layout."""

    LAYOUT_VERSION = 1

    def __init__(self, key: str, central: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"workspace-{key}")
        self.setWindowFlags(Qt.WindowType.Widget)
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
        )
        self.setCentralWidget(central)
        self._default_state: QByteArray | None = None

    def add_dock(
        self,
        name: str,
        title: str,
        widget: QWidget,
        area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea,
    ) -> QDockWidget:
        """Add a movable, floatable dock; `name` must be stable (it keys the saved layout)."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{self.key}-{name}")
        dock.setFeatures(ALL_DOCK_FEATURES)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def docks(self) -> list[QDockWidget]:
        return self.findChildren(QDockWidget)

    def freeze_default(self) -> None:
        """Remember the layout as built, for View → Reset layout."""
        self._default_state = self.saveState(self.LAYOUT_VERSION)

    def save_layout(self, settings: QSettings) -> None:
        settings.setValue(f"layout/{self.key}", self.saveState(self.LAYOUT_VERSION))

    def restore_layout(self, settings: QSettings) -> bool:
        state = settings.value(f"layout/{self.key}")
        if isinstance(state, QByteArray) and not state.isEmpty():
            return bool(self.restoreState(state, self.LAYOUT_VERSION))
        return False

    def reset_layout(self) -> None:
        """Back to the built layout: every dock docked and visible where it started."""
        for dock in self.docks():
            dock.setFloating(False)
            dock.show()
        if self._default_state is not None:
            self.restoreState(self._default_state, self.LAYOUT_VERSION)


class UnavailableWorkspace(QWidget):
    """Shown instead of a workspace the key may not use, saying why."""

    def __init__(self, title: str, reason: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        heading = QLabel(f"{title} is not available")
        heading.setStyleSheet("font-size: 18pt; font-weight: 700;")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body = QLabel(reason)
        body.setWordWrap(True)
        body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body.setStyleSheet("font-size: 12pt;")
        layout.addWidget(heading)
        layout.addWidget(body)
        layout.addStretch(2)
