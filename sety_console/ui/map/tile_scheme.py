"""Tiles through the console: the map page asks `sety-tiles://<server>/{z}/{x}/{y}` and this handler
answers from the tile library (offline packs, the MBTiles cache, then the tile server).

Every lookup runs on a worker thread (SQLite reads and writes, HTTP); the answer comes back to the
GUI thread through a queued signal, which replies to the page. The fetcher inside the library was
built by the composition root: nothing here talks HTTP itself.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QObject, Qt, Signal
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from sety_console.tiles.library import TileLibrary
from sety_console.tiles.source import NetworkState, TileAnswer, TileSource
from sety_console.tiles.tilemath import TileKey

log = logging.getLogger(__name__)

SCHEME = b"sety-tiles"
WORKERS = 4
"""Tiles looked up at once: a view needs 12–30, and tile servers ask for few connections."""


def register_tile_scheme() -> None:
    """Declare the scheme to QtWebEngine; call before the QApplication exists (app.py does).

    Without it the scheme still works (the page may reach non-file URLs), with a warning from Qt.
    """
    if QWebEngineUrlScheme.schemeByName(SCHEME).name() == SCHEME:
        return
    scheme = QWebEngineUrlScheme(SCHEME)
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setFlags(QWebEngineUrlScheme.Flag.SecureScheme | QWebEngineUrlScheme.Flag.CorsEnabled)
    QWebEngineUrlScheme.registerScheme(scheme)


def parse_tile_path(path: str) -> TileKey | None:
    """`/z/x/y` (an extension on y allowed) → TileKey; None if it is not one."""
    parts = path.strip("/").split("/")
    if len(parts) != 3:
        return None
    try:
        key = TileKey(int(parts[0]), int(parts[1]), int(parts[2].split(".", 1)[0]))
    except ValueError:
        return None
    return key if key.is_valid() else None


class TileSchemeHandler(QWebEngineUrlSchemeHandler):
    """Answers the page's tile requests; one per browser profile."""

    served = Signal(str)
    """Where an answered tile came from: a `TileOrigin` value, or "none"."""
    network_changed = Signal(object)
    """The tile server's `NetworkState` changed (reachable, or unreachable since when)."""
    _answered = Signal(int, object)

    def __init__(self, library: TileLibrary, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self._pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="sety-tiles")
        self._servers: dict[str, str] = {}
        self._sources: dict[str, TileSource] = {}
        self._opening = threading.Lock()
        self._jobs: dict[int, QWebEngineUrlRequestJob] = {}
        self._next_job = 0
        self._network = NetworkState(None)
        self._closed = False
        self._answered.connect(self._reply, Qt.ConnectionType.QueuedConnection)

    def page_template(self, url: str) -> str:
        """The tile URL the page uses for the tile server `url` (a `{z}/{x}/{y}` template)."""
        token = "t" + hashlib.sha256(url.encode()).hexdigest()[:16]
        self._servers[token] = url
        return f"{SCHEME.decode()}://{token}/{{z}}/{{x}}/{{y}}"

    @property
    def network(self) -> NetworkState:
        return self._network

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        url = job.requestUrl()
        key = parse_tile_path(url.path())
        server = self._servers.get(url.host())
        if key is None or server is None or self._closed:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        self._next_job += 1
        job_id = self._next_job
        self._jobs[job_id] = job
        job.destroyed.connect(partial(self._forget, job_id))
        self._pool.submit(self._look_up, job_id, url.host(), server, key)

    def _forget(self, job_id: int, *_args: Any) -> None:
        self._jobs.pop(job_id, None)

    def _source(self, token: str, server: str) -> TileSource:
        with self._opening:
            source = self._sources.get(token)
            if source is None:
                source = self._sources[token] = self.library.source(server)
            return source

    def _look_up(self, job_id: int, token: str, server: str, key: TileKey) -> None:
        """Worker thread: packs, cache, server; the answer goes back to the GUI thread."""
        answer: TileAnswer | None = None
        network = self._network
        try:
            source = self._source(token, server)
            answer = source.get(key)
            network = source.network
        except Exception:
            log.exception("Tile %s could not be looked up", key)
        if not self._closed:
            self._answered.emit(job_id, (answer, network))

    def _reply(self, job_id: int, result: tuple[TileAnswer | None, NetworkState]) -> None:
        answer, network = result
        if network != self._network:
            self._network = network
            self.network_changed.emit(network)
        job = self._jobs.pop(job_id, None)
        if job is None:
            return
        try:
            if answer is None:
                job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
                self.served.emit("none")
                return
            body = QBuffer(job)
            body.setData(QByteArray(answer.data))
            body.open(QIODevice.OpenModeFlag.ReadOnly)
            job.reply(answer.content_type.encode(), body)
            self.served.emit(answer.origin.value)
        except RuntimeError:  # the page gave up on the tile (scrolled away) while it was looked up
            pass

    def reopen(self) -> None:
        """Open the tile files afresh at the next request (a pack was just prepared or added)."""
        self._pool.submit(self._reopen)

    def _reopen(self) -> None:
        with self._opening:
            sources = list(self._sources.values())
            self._sources.clear()
        for source in sources:
            source.close()

    def close(self) -> None:
        """Stop answering; close the tile files on a worker (they may be mid-write)."""
        if self._closed:
            return
        self._closed = True
        sources = list(self._sources.values())
        self._sources.clear()
        for source in sources:
            self._pool.submit(source.close)
        self._pool.shutdown(wait=False, cancel_futures=False)


_handlers: dict[int, TileSchemeHandler] = {}


def install_tile_handler(profile: QWebEngineProfile, library: TileLibrary) -> TileSchemeHandler:
    """The profile's tile handler, installed on first use (profiles live as long as the process)."""
    handler = _handlers.get(id(profile))
    if handler is None or handler.library is not library:
        if handler is not None:
            profile.removeUrlSchemeHandler(handler)
            handler.close()
        handler = TileSchemeHandler(library, profile)
        profile.installUrlSchemeHandler(SCHEME, handler)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(handler.close)
        _handlers[id(profile)] = handler
    return handler
