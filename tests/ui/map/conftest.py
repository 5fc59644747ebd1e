"""Map test helpers: one loaded map workspace per module, and ways to wait for and ask the page."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QEventLoop, QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from sety_console.ui.map import MapView, MapWorkspace

PAGE_TIMEOUT_S = 30.0


def wait_until(condition: Callable[[], Any], timeout: float = 10.0, what: str = "condition") -> Any:
    """Spin Qt until `condition()` is truthy (sync tests only, QT-NOTES §4); sleeps between events."""
    app = QApplication.instance()
    assert app is not None
    tick = QTimer()  # wakes the wait below at least every 20 ms, even when nothing else happens
    tick.start(20)
    end = time.monotonic() + timeout
    try:
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() > end:
                raise TimeoutError(f"timed out after {timeout:g} s waiting for {what}")
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 20)
    finally:
        tick.stop()


def pause(seconds: float) -> None:
    """Let Qt and the page run for `seconds` (animations, compositor frames)."""
    end = time.monotonic() + seconds
    wait_until(lambda: time.monotonic() > end, seconds + 1, "a pause")


def js(view: MapView, expression: str) -> Any:
    """Evaluate `expression` in the page; the result travels as JSON (QT-NOTES §4 gotcha)."""
    out: list[str] = []
    view.web_view.page().runJavaScript(f"JSON.stringify({expression})", 0, out.append)
    wait_until(lambda: out, 10, f"JS {expression!r}")
    return json.loads(out[0]) if out[0] else None


def settle(view: MapView) -> dict[str, Any]:
    """Push what is pending, wait for the page's rendered acknowledgement, return its state."""
    seq = view.flush()
    wait_until(lambda: view.rendered_seq >= seq, 10, f"rendered ack {seq}")
    state: dict[str, Any] = js(view, "SetyMap.state()")
    return state


def click_at(
    view: MapView, lat: float, lng: float, button: Qt.MouseButton = Qt.MouseButton.LeftButton
) -> None:
    """A real mouse click on the map at (lat, lng)."""
    x, y = js(view, f"(p => [p.x, p.y])(SetyMap.map.latLngToContainerPoint([{lat}, {lng}]))")
    target = view.web_view.focusProxy()
    assert target is not None
    QTest.mouseClick(target, button, Qt.KeyboardModifier.NoModifier, QPoint(round(x), round(y)))


def click_marker(view: MapView, lat: float, lng: float) -> None:
    """Click the pin at (lat, lng) once it is drawn there."""
    x, y = js(view, f"(p => [p.x, p.y])(SetyMap.map.latLngToContainerPoint([{lat}, {lng}]))")
    probe = f"Boolean(document.elementFromPoint({x}, {y}).closest('.sety-pin'))"
    wait_until(lambda: js(view, probe), 5, "the pin to settle under the pointer")
    click_at(view, lat, lng)


@pytest.fixture(scope="module")
def workspace(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MapWorkspace]:
    """One workspace whose page loads once for the whole module (each load costs ~1 s)."""
    ws = MapWorkspace(page_dir=tmp_path_factory.mktemp("map-page"))
    ws.resize(1600, 1000)
    ws.show()
    wait_until(lambda: ws.map_view.is_ready, PAGE_TIMEOUT_S, "the map page")
    yield ws
    ws.close()
    ws.deleteLater()
    # The page must go before its profile does (at exit): run the deferred delete now.
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qapp.processEvents()


@pytest.fixture
def view(workspace: MapWorkspace) -> MapView:
    return workspace.map_view
