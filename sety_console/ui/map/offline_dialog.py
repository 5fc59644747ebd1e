"""'Prepare this area for offline use': choose zoom levels, see what it costs, download with a
progress bar, cancel at any time. The download runs on a worker thread (HTTP and SQLite); progress
comes back through a queued signal. Resuming is free: tiles already prepared are skipped.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sety_console.tiles.library import TileLibrary, server_name
from sety_console.tiles.prepare import MAX_TILES, PrepareResult, bulk_refusal, size_estimate
from sety_console.tiles.tilemath import BBox, count_tiles

DEFAULT_ZOOMS = (10, 15)
PROBLEM_STYLE = "color: #c62828; font-weight: 600;"


class OfflineDialog(QDialog):
    """Downloads the service area's street tiles into an offline pack."""

    progressed = Signal(int, int)
    finished_with = Signal(object)
    """The `PrepareResult` when the download ended (done, cancelled, stopped or refused)."""

    def __init__(
        self,
        library: TileLibrary,
        server: str,
        service_area: BBox,
        *,
        attribution: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Prepare this area for offline use")
        self.library = library
        self.server = server
        self.service_area = service_area
        self.attribution = attribution
        self._cancel = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sety-offline")
        self._job: Future[PrepareResult] | None = None
        self.result_value: PrepareResult | None = None
        self._build()
        app = QCoreApplication.instance()
        if app is not None:  # quitting mid-download stops it (what is done stays for next time)
            app.aboutToQuit.connect(self._cancel.set)
        self.progressed.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self.finished_with.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self._update_estimate()

    def _build(self) -> None:
        west, south, east, north = self.service_area
        intro = QLabel(
            f"Downloads the street tiles of the service area ({south:.2f}–{north:.2f} N, "
            f"{west:.2f}–{east:.2f} E) so the map keeps its streets when the network is down. "
            f"They are kept in {self.library.packs_dir}."
        )
        intro.setWordWrap(True)
        self.server_label = QLabel(self.server or "(none set)")
        self.server_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.zoom_from, self.zoom_to = QSpinBox(), QSpinBox()
        for box, value in ((self.zoom_from, DEFAULT_ZOOMS[0]), (self.zoom_to, DEFAULT_ZOOMS[1])):
            box.setRange(1, 19)
            box.setValue(value)
            box.valueChanged.connect(self._update_estimate)
        zooms = QHBoxLayout()
        zooms.addWidget(self.zoom_from)
        zooms.addWidget(QLabel("to"))
        zooms.addWidget(self.zoom_to)
        zooms.addWidget(QLabel("(10: whole city · 15: streets · 17: house numbers)"))
        zooms.addStretch(1)
        self.estimate = QLabel("")
        form = QFormLayout()
        form.addRow("Tile server", self.server_label)
        form.addRow("Zoom levels", zooms)
        form.addRow("Download", self.estimate)
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(PROBLEM_STYLE)
        self.progress = QProgressBar()
        self.progress.setFormat("%v of %m tiles")
        self.progress.setValue(0)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.start_button = QPushButton("Start download")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.buttons = QDialogButtonBox()
        self.buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        widgets: tuple[QWidget, ...] = (self.problem, self.progress, self.status, self.buttons)
        for widget in widgets:
            layout.addWidget(widget)
        self.resize(620, self.sizeHint().height())

    def zooms(self) -> range:
        return range(self.zoom_from.value(), self.zoom_to.value() + 1)

    def _update_estimate(self) -> None:
        refusal = bulk_refusal(self.server)
        tiles = count_tiles(self.service_area, self.zooms())
        self.estimate.setText(f"{tiles:,} tiles, {size_estimate(tiles)}" if tiles else "—")
        if refusal:
            self.problem.setText(refusal)
        elif not tiles:
            self.problem.setText("The first zoom level must not be above the last.")
        elif tiles > MAX_TILES:
            self.problem.setText(f"At most {MAX_TILES:,} tiles at once: choose fewer zoom levels.")
        else:
            self.problem.setText("")
        self._set_running(self.running)

    @property
    def running(self) -> bool:
        return self._job is not None and not self._job.done()

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running and not self.problem.text())
        self.cancel_button.setEnabled(running)
        self.close_button.setEnabled(not running)
        self.zoom_from.setEnabled(not running)
        self.zoom_to.setEnabled(not running)

    def start(self) -> None:
        """Begin (or resume) the download on a worker thread."""
        if self.running or self.problem.text():
            return
        self._cancel.clear()
        zooms = self.zooms()
        self.progress.setRange(0, count_tiles(self.service_area, zooms))
        self.progress.setValue(0)
        self.status.setText(f"Downloading from {server_name(self.server)}…")
        self._job = self._pool.submit(self._run, zooms)
        self._set_running(True)

    def _run(self, zooms: range) -> PrepareResult:
        last = [0]

        def progress(done: int, total: int) -> None:
            if done - last[0] >= 10 or done == total:  # a signal per 10 tiles is plenty for a bar
                last[0] = done
                self.progressed.emit(done, total)

        try:
            result = self.library.prepare(
                self.server,
                self.service_area,
                zooms,
                attribution=self.attribution,
                progress=progress,
                cancelled=self._cancel.is_set,
            )
        except Exception as exc:  # never leave the dialog spinning
            result = PrepareResult.refused(f"The download failed: {exc}")
        self.finished_with.emit(result)
        return result

    def cancel(self) -> None:
        """Stop after the tile being fetched; what is done stays (a later start resumes)."""
        if self.running:
            self._cancel.set()
            self.status.setText("Cancelling…")

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)

    def _on_finished(self, result: PrepareResult) -> None:
        self.result_value = result
        self.status.setText(result.message)
        if result.complete:
            self.progress.setValue(self.progress.maximum())
        self._job = None
        self._set_running(False)

    def reject(self) -> None:
        if self.running:  # Escape or the window's close button mid-download: cancel, keep the dialog
            self.cancel()
            return
        self._pool.shutdown(wait=False)
        super().reject()
