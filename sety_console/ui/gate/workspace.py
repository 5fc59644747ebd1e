"""The gate workspace: code entry and who is inside on one page; walk-in, pre-registration, log, stats."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QScrollArea, QSplitter, QTabWidget, QVBoxLayout, QWidget

from sety_console.ui.session_signals import SessionSignals

from .access_codes import AccessCodesPanel
from .access_log import AccessLogPanel
from .code_entry import CodeEntryPanel, ResetDelays
from .follow_visitors import FollowVisitors
from .gate_session import GateSession
from .inside import CHECKOUT_KEY, DISMISS_KEY, SEARCH_KEY, InsideList
from .inside_model import utc_now
from .stats import StatsPanel
from .walk_in import WalkInForm

TABS: dict[str, tuple[str, str]] = {  # name: (tab title, key)
    "gate": ("Gate", "F2"),
    "walk_in": ("Walk-in", "F3"),
    "codes": ("Pre-register", "F4"),
    "log": ("Access log", "F5"),
    "stats": ("Stats", "F6"),
}

SHORTCUTS: list[tuple[str, str]] = [
    ("F2", "Gate: scan or type a visitor's code"),
    ("Enter", "Check the code; on a VALID answer, Enter again checks the visitor in"),
    ("Ctrl+Enter", "Server unreachable: queue the check-in anyway (checked when it is back)"),
    ("Esc", "Clear the answer for the next visitor"),
    (SEARCH_KEY, "Search who is inside (Down or Enter moves into the list)"),
    (CHECKOUT_KEY, "Check out the selected visitor, with the checkout note if one is typed"),
    (DISMISS_KEY, "Dismiss a failed check-in or checkout after reading it"),
    ("F3", "Walk-in / manual check-in (Enter: next field, Ctrl+Enter: check in)"),
    ("F4", "Pre-register: create an access code (Ctrl+Enter), list and revoke codes"),
    ("Ctrl+Shift+C", "Copy the code just created"),
    ("Ctrl+Del", "Revoke the selected code (press twice to confirm)"),
    ("F5", "Access log: Enter in a filter searches"),
    ("Ctrl+E", "Export the access log as CSV (every page the filters match)"),
    ("PgUp / PgDown", "Previous / next page of codes or of the access log"),
    ("Ctrl+R", "Reload codes, access log or statistics"),
    ("F6", "Statistics: visits by hour, day and gate; average stay; overstays"),
]


class GateWorkspace(QWidget):
    """Everything a guard needs at a gate, usable with the keyboard only (see `shortcuts()`).

    Args: `session` (a `GateSession`, normally the `ConsoleSession`); `gate_name` (this workstation's
    gate, recorded on check-ins and checkouts; the shell keeps it in QSettings and calls
    `set_gate_name`); `clock` and `delays` for tests.
    Signals: `checked_in(OutboxEntry)`, `checked_out(OutboxEntry)`, `message(str)` (for the status bar).
    """

    checked_in = Signal(object)
    checked_out = Signal(object)
    message = Signal(str)

    def __init__(
        self,
        session: GateSession,
        gate_name: str = "",
        *,
        clock: Callable[[], datetime] = utc_now,
        delays: ResetDelays | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("gateWorkspace")
        self.signals = SessionSignals(session, self)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        gate_page = QSplitter(Qt.Orientation.Horizontal, self.tabs)
        self.code_entry = CodeEntryPanel(
            session, gate_name, signals=self.signals, delays=delays, parent=gate_page
        )
        self.inside = InsideList(
            session, gate_name, signals=self.signals, clock=clock, shortcut_scope=gate_page, parent=gate_page
        )
        gate_page.addWidget(self.code_entry)
        gate_page.addWidget(self.inside)
        gate_page.setStretchFactor(0, 2)
        gate_page.setStretchFactor(1, 3)
        gate_page.setChildrenCollapsible(False)
        self._gate_page = gate_page
        self._split_done = False
        self.walk_in = WalkInForm(session, gate_name, signals=self.signals)
        self.codes = AccessCodesPanel(session, signals=self.signals)
        self.log = AccessLogPanel(session)
        self.stats = StatsPanel(session)
        self._pages: dict[str, QWidget] = {
            "gate": gate_page,
            "walk_in": _scrolled(self.walk_in),
            "codes": self.codes,
            "log": self.log,
            "stats": self.stats,
        }
        self._loaded: set[str] = set()
        self.follow = FollowVisitors(
            {"log": lambda: self.log.load_page(self.log.pager.page), "stats": self.stats.refresh},
            self._followed_tab,
            parent=self,
        )
        for name, page in self._pages.items():
            title, key = TABS[name]
            self.tabs.addTab(page, f"{title}  [{key}]")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs)
        self._wire()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Digits pressed while the inside list has the keyboard go to the code input (scanners)."""
        if watched is self.inside.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if plain and event.text().isdigit():
                self.code_entry.take_keystroke(event.text())
                return True
        return super().eventFilter(watched, event)

    def _wire(self) -> None:
        self.inside.table.installEventFilter(self)
        self.code_entry.checked_in.connect(self.checked_in)
        self.walk_in.checked_in.connect(self.checked_in)
        self.inside.checked_out.connect(self.checked_out)
        self.inside.checked_out.connect(lambda _entry: self.code_entry.reclaim_focus(force=True))
        self.inside.message.connect(self.message)
        self.signals.visitors_changed.connect(self.follow.on_visitors)
        self.tabs.currentChanged.connect(self._on_tab)
        for name, (_title, key) in TABS.items():
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda name=name: self.show_tab(name))

    # ------------------------------------------------------------------ public

    @property
    def gate_name(self) -> str:
        return self.code_entry.gate_name

    def set_gate_name(self, name: str) -> None:
        """This workstation's gate: recorded on every check-in and as the exit gate of checkouts."""
        self.code_entry.set_gate_name(name)
        self.walk_in.set_gate_name(name)
        self.inside.set_gate_name(name)

    @staticmethod
    def shortcuts() -> list[tuple[str, str]]:
        """(key, description) pairs for the shell's "?" overlay."""
        return list(SHORTCUTS)

    def show_tab(self, name: str) -> None:
        """Switch to `gate`, `walk_in`, `codes`, `log` or `stats` and put the keyboard where work starts."""
        self.tabs.setCurrentWidget(self._pages[name])
        self._on_tab(self.tabs.currentIndex())

    def current_tab(self) -> str:
        page = self.tabs.currentWidget()
        return next(name for name, widget in self._pages.items() if widget is page)

    def refresh(self) -> None:
        """Load the server lists now (codes, access log, statistics); the inside list is always live."""
        self.codes.reload()
        self.log.apply_filters()
        self.stats.refresh()
        self._loaded.update(("codes", "log", "stats"))
        self.follow.loaded("log")
        self.follow.loaded("stats")

    def detach(self) -> None:
        """Stop listening to the session (the shell calls it before dropping the workspace)."""
        self.signals.detach()

    # ------------------------------------------------------------------ focus

    def _on_tab(self, _index: int) -> None:
        name = self.current_tab()
        if name not in self._loaded and name in ("codes", "log", "stats"):
            self._loaded.add(name)
            {"codes": self.codes.reload, "log": self.log.apply_filters, "stats": self.stats.refresh}[name]()
            self.follow.loaded(name)
        self.follow.on_shown()
        if name == "gate":
            self.code_entry.reclaim_focus(force=True)
        elif name == "walk_in":
            self.walk_in.focus_first()
        elif name == "codes":
            self.codes.form.focus_first()
        elif name == "log":
            self.log.search.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._split_done:  # code entry 40 %, the list 60 %, whatever the size hints say
            self._split_done = True
            width = max(self.width(), 800)
            share = 0.4 if width >= 1500 else 0.37  # a laptop screen: the list needs its host column
            self._gate_page.setSizes([int(width * share), width - int(width * share)])
        if self.current_tab() == "gate":
            self.code_entry.reclaim_focus()
        self.follow.on_shown()

    def _followed_tab(self) -> str | None:
        """The access log or the statistics while on screen (see `FollowVisitors`), else None."""
        name = self.current_tab()
        return name if name in ("log", "stats") and self.isVisible() else None


def _scrolled(widget: QWidget) -> QScrollArea:
    """A form in a scroll area, so a 600-pixel-high screen still reaches every field."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(widget)
    widget.setMaximumWidth(760)
    return area
