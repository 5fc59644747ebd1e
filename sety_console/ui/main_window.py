"""The main window: environment badge, workspace switcher, alarm banner, docks, status bar, menus."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QMargins, QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDesktopServices,
    QGuiApplication,
    QKeySequence,
    QPixmap,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from sety_console import __version__
from sety_console.ui.shortcuts_overlay import Shortcut, ShortcutsOverlay, action_keys, menu_shortcuts
from sety_console.ui.status_bar import ConsoleStatusBar
from sety_console.ui.window_fit import client_rect, first_frame, fit_rect, screen_key
from sety_console.ui.workspace_host import UnavailableWorkspace, WorkspaceHost

TRAINING_BADGE = "Training environment — every incident is a drill"
TRAINING_EXPLANATION = (
    "This key works in the sandbox or test environment: the server makes every incident a drill "
    "and nobody is dispatched for real."
)


@dataclass
class Workspace:
    key: str
    title: str
    page: QWidget
    host: WorkspaceHost | None
    unavailable_reason: str | None
    shortcuts: Callable[[], Sequence[Shortcut]]
    action: QAction
    explanation: QWidget | None = None


class MainWindow(QMainWindow):
    """Top-level window; workspaces are added by the composition root (`app.py`)."""

    workspace_changed = Signal(str)
    environment_changed = Signal(bool)
    """Emitted by `set_environment` with whether the server forces every incident to be a drill."""
    closing = Signal()
    theme_requested = Signal(str)
    connection_settings_requested = Signal()
    settings_requested = Signal()

    def __init__(self, *, settings: QSettings, log_dir: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self.setWindowTitle("Sety Console")
        screen = self.screen()
        if screen is not None:  # never larger than the screen, even before the first show
            self.setGeometry(first_frame(screen.availableGeometry()))
        self._settings = settings
        self._log_dir = log_dir
        self.close_guard: Callable[[], bool] | None = None
        """Asked before closing (pending actions); False keeps the window open."""
        self._workspaces: dict[str, Workspace] = {}
        self.shortcuts_overlay: ShortcutsOverlay | None = None
        """The `?` overlay while it is open."""
        self.drills_forced = False
        """True once `set_environment` says the server makes every incident a drill."""
        self._stack = QStackedWidget()
        self.alarm_banner = QLabel()
        self.alarm_banner.setObjectName("AlarmBanner")
        self.alarm_banner.setWordWrap(True)  # a long alarm takes two lines, never widens the window
        self.alarm_banner.hide()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.alarm_banner)
        layout.addWidget(self._stack, 1)
        self.setCentralWidget(central)
        self.status = ConsoleStatusBar()
        self.setStatusBar(self.status)
        self._build_toolbar()
        self._build_menus()

    # --- construction -------------------------------------------------------------------------

    def _build_toolbar(self) -> None:
        bar = QToolBar("Workspaces")
        bar.setObjectName("WorkspaceBar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.environment_badge = QLabel("")
        self.environment_badge.setObjectName("EnvironmentBadge")
        self.environment_badge.setContentsMargins(10, 3, 10, 3)  # the theme's padding is lost in a toolbar
        bar.addWidget(self.environment_badge)
        bar.addSeparator()
        self._workspace_group = QActionGroup(self)
        self._workspace_group.setExclusive(True)
        self._toolbar = bar
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = self.file_menu = menu.addMenu("&File")
        file_menu.addAction("Settings…").triggered.connect(self.settings_requested.emit)
        file_menu.addAction("Connection…").triggered.connect(self.connection_settings_requested.emit)
        file_menu.addSeparator()
        quit_action = self._quit_action = file_menu.addAction("Quit")
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))  # the platform theme may bind no Quit key
        quit_action.triggered.connect(self.close)
        self.view_menu = menu.addMenu("&View")
        reset = self.view_menu.addAction("Reset layout")
        reset.triggered.connect(self.reset_layout)
        theme_menu = self.view_menu.addMenu("Theme")
        for name in ("dark", "light"):
            action = theme_menu.addAction(name.capitalize())
            action.triggered.connect(lambda _=False, n=name: self.theme_requested.emit(n))
        self.view_menu.addSeparator()
        help_menu = self._help_menu = menu.addMenu("&Help")
        shortcuts = help_menu.addAction("Keyboard shortcuts")
        shortcuts.setShortcuts([QKeySequence("F1"), QKeySequence("?")])
        shortcuts.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        shortcuts.triggered.connect(self.show_shortcuts)
        logs = help_menu.addAction("Open log folder")
        logs.triggered.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(self._log_dir)))
        about = help_menu.addAction("About Sety Console")
        about.triggered.connect(
            lambda: QMessageBox.about(
                self, "Sety Console", f"Sety Console {__version__}\nDispatcher console."
            )
        )

    def add_file_action(self, text: str, slot: Callable[[], object]) -> QAction:
        """An item in the File menu, above Quit (the composition root adds what needs a session)."""
        action = QAction(text, self)
        action.triggered.connect(slot)
        self.file_menu.insertAction(self._quit_action, action)
        return action

    def add_menu(self, menu: QMenu | str) -> QMenu:
        """Put `menu` (or a new menu with that title) in the menu bar, before Help."""
        added = QMenu(menu, self) if isinstance(menu, str) else menu
        self.menuBar().insertMenu(self._help_menu.menuAction(), added)
        return added

    # --- workspaces ---------------------------------------------------------------------------

    def add_workspace(
        self,
        key: str,
        title: str,
        page: QWidget,
        *,
        unavailable_reason: str | None = None,
        shortcuts: Callable[[], Sequence[Shortcut]] = lambda: (),
    ) -> None:
        """Add a workspace page (a `WorkspaceHost` or any widget); see `set_availability`."""
        host = page if isinstance(page, WorkspaceHost) else None
        index = len(self._workspaces)
        self._stack.addWidget(page)
        action = QAction(title, self, checkable=True)
        action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
        action.triggered.connect(lambda _=False, k=key: self.show_workspace(k))
        self._workspace_group.addAction(action)
        self._toolbar.addAction(action)
        self.view_menu.addAction(action)
        self._workspaces[key] = Workspace(key, title, page, host, None, shortcuts, action)
        self.set_availability(key, unavailable_reason)
        if host is not None:
            host.restore_layout(self._settings)

    def set_availability(self, key: str, reason: str | None) -> None:
        """None: the workspace works; otherwise its page is replaced by `reason`, in words."""
        workspace = self._workspaces[key]
        showing = self._stack.currentWidget() in (workspace.page, workspace.explanation)
        workspace.unavailable_reason = reason
        if reason is not None:
            if workspace.explanation is not None:
                self._stack.removeWidget(workspace.explanation)
                workspace.explanation.deleteLater()
            workspace.explanation = UnavailableWorkspace(workspace.title, reason)
            self._stack.addWidget(workspace.explanation)
        shortcut = workspace.action.shortcut().toString()
        suffix = f" — not available: {reason}" if reason else ""
        workspace.action.setToolTip(f"{workspace.title} ({shortcut}){suffix}")
        workspace.action.setText(workspace.title if reason is None else f"{workspace.title} (unavailable)")
        if showing:
            self.show_workspace(key)

    def show_workspace(self, key: str) -> None:
        workspace = self._workspaces[key]
        explanation = workspace.explanation if workspace.unavailable_reason else None
        self._stack.setCurrentWidget(explanation or workspace.page)
        workspace.action.setChecked(True)
        self.workspace_changed.emit(key)

    def current_workspace(self) -> str | None:
        current = self._stack.currentWidget()
        return next((k for k, w in self._workspaces.items() if current in (w.page, w.explanation)), None)

    def workspace(self, key: str) -> Workspace | None:
        return self._workspaces.get(key)

    def available_workspaces(self) -> list[str]:
        return [k for k, w in self._workspaces.items() if w.unavailable_reason is None]

    def reset_layout(self) -> None:
        for workspace in self._workspaces.values():
            if workspace.host is not None:
                workspace.host.reset_layout()

    # --- environment, alarms, help ------------------------------------------------------------

    def set_environment(self, environment: str, text: str) -> None:
        """`environment` is live, test or sandbox; the badge colour follows it."""
        from sety_console.core.rules import drills_forced  # (the api models load after the first paint)

        self.drills_forced = drills_forced(environment)
        if self.drills_forced:  # said once, here, instead of on every row
            self.environment_badge.setText(TRAINING_BADGE)
            self.environment_badge.setToolTip(f"{text}. {TRAINING_EXPLANATION}")
        else:
            self.environment_badge.setText(text)
            self.environment_badge.setToolTip(text)
        self.environment_badge.setProperty("environment", environment)
        self.environment_badge.style().unpolish(self.environment_badge)
        self.environment_badge.style().polish(self.environment_badge)
        self.environment_badge.updateGeometry()  # bold text of the new style: measure it again
        self.setWindowTitle(f"Sety Console — {text}")
        self.status.set_environment(text)
        self.environment_changed.emit(self.drills_forced)

    def set_alarm_banner(self, text: str | None, flash: bool = False) -> None:
        if not text:
            self.alarm_banner.hide()
            return
        self.alarm_banner.setText(text)
        self.alarm_banner.setProperty("flash", "true" if flash else "false")
        self.alarm_banner.style().unpolish(self.alarm_banner)
        self.alarm_banner.style().polish(self.alarm_banner)
        self.alarm_banner.show()

    def shortcut_groups(self) -> list[tuple[str, Sequence[Shortcut]]]:
        """Everywhere (read from the menus), then the shown workspace, then the other available ones."""
        spaces = list(self._workspaces.values())
        switch = [w.action for w in spaces]
        everywhere: list[Shortcut] = []
        if spaces:
            names = ", ".join(w.title.lower() for w in spaces)
            everywhere.append((" / ".join(action_keys(a) for a in switch), f"Switch workspace: {names}"))
        everywhere += menu_shortcuts(self.menuBar(), skip=switch)
        current = self.current_workspace()
        ordered = sorted(spaces, key=lambda w: w.key != current)
        shown = [(w.title, w.shortcuts()) for w in ordered if w.unavailable_reason is None]
        return [("Everywhere", everywhere), *shown]

    def show_shortcuts(self) -> None:
        """Open the overlay (window-modal; Esc, `?` or Close closes it)."""
        overlay = self.shortcuts_overlay = ShortcutsOverlay(self.shortcut_groups(), self)
        overlay.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        overlay.finished.connect(lambda _result: setattr(self, "shortcuts_overlay", None))
        overlay.open()

    # --- size and persistence -----------------------------------------------------------------

    def keep_on_screen(self) -> None:
        """Shrink and move the window (frame included) inside its screen's available area."""
        screen = self.screen()
        if screen is None or self.isMaximized() or self.isFullScreen():
            return
        frame, inner = self.frameGeometry(), self.geometry()
        fitted = fit_rect(frame, screen.availableGeometry())
        if fitted != frame:
            margins = QMargins(
                inner.left() - frame.left(),
                inner.top() - frame.top(),
                frame.right() - inner.right(),
                frame.bottom() - inner.bottom(),
            )
            self.setGeometry(client_rect(fitted, margins))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.keep_on_screen()
        QTimer.singleShot(300, self.keep_on_screen)  # again once a window manager has added its frame

    def restore_window(self) -> None:
        """The size and place this workstation last used on this screen (each screen its own)."""
        geometry = self._settings.value(f"window/geometry/{screen_key(self.screen())}")
        if geometry is None:
            geometry = self._settings.value("window/geometry")  # before sizes were kept per screen
        if geometry is not None:
            self.restoreGeometry(geometry)
        self.keep_on_screen()

    def snapshot(self) -> QPixmap:
        """What the operator sees: the screen's pixels under the window on a real display (so a
        window larger than its screen shows cut), the window's own rendering offscreen."""
        screen = self.screen()
        if screen is None or QGuiApplication.platformName() == "offscreen":
            return self.grab()
        frame = self.frameGeometry()
        return screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.close_guard is not None and not self.close_guard():
            event.ignore()
            return
        self._settings.setValue(f"window/geometry/{screen_key(self.screen())}", self.saveGeometry())
        for workspace in self._workspaces.values():
            if workspace.host is not None:
                workspace.host.save_layout(self._settings)
        self._settings.sync()
        self.closing.emit()
        super().closeEvent(event)
