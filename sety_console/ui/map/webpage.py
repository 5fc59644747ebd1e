"""The web page hosting the map: one shared profile (tile disk cache, honest user agent), page
console messages routed to logging, and links opened in the system browser, never in the map."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile

from sety_console import __version__

log = logging.getLogger(__name__)

TILE_CACHE_BYTES = 200 * 1024 * 1024
_profiles: dict[Path, QWebEngineProfile] = {}

_LEVELS = {
    QWebEnginePage.JavaScriptConsoleMessageLevel.InfoMessageLevel: logging.DEBUG,
    QWebEnginePage.JavaScriptConsoleMessageLevel.WarningMessageLevel: logging.WARNING,
    QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel: logging.ERROR,
}


def map_profile(storage: Path) -> QWebEngineProfile:
    """The map's browser profile: tiles cached on disk under `storage`, so a basemap seen once
    still shows when the network drops; the user agent names the console (tile usage policies)."""
    profile = _profiles.get(storage)
    if profile is None:
        # One storage name per storage place: Qt shares data between profiles of the same name.
        name = "sety-map-" + hashlib.sha256(str(storage).encode()).hexdigest()[:10]
        profile = QWebEngineProfile(name, QCoreApplication.instance())
        profile.setPersistentStoragePath(str(storage / "storage"))
        profile.setCachePath(str(storage / "http-cache"))
        profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.DiskHttpCache)
        profile.setHttpCacheMaximumSize(TILE_CACHE_BYTES)
        profile.setHttpUserAgent(f"{profile.httpUserAgent()} SetyConsole/{__version__}")
        _profiles[storage] = profile
    return profile


class MapPage(QWebEnginePage):
    """Stays on its own file: any other navigation (an attribution link) opens outside the console."""

    def __init__(self, profile: QWebEngineProfile, parent: QObject | None = None) -> None:
        super().__init__(profile, parent)

    def acceptNavigationRequest(
        self, url: QUrl | str, nav_type: QWebEnginePage.NavigationType, is_main_frame: bool
    ) -> bool:
        url = QUrl(url)
        if url.isLocalFile() or url.scheme() in ("data", "about", "qrc"):
            return True
        if nav_type == QWebEnginePage.NavigationType.NavigationTypeLinkClicked and url.scheme() in (
            "http",
            "https",
        ):
            QDesktopServices.openUrl(url)
        else:
            log.warning("Map page: blocked navigation to %s", url.toString())
        return False

    def javaScriptConsoleMessage(
        self, level: QWebEnginePage.JavaScriptConsoleMessageLevel, message: str, line: int, source: str
    ) -> None:
        name = source.rsplit("/", 1)[-1] or "page"
        log.log(_LEVELS.get(level, logging.INFO), "map page %s:%d: %s", name, line, message)
