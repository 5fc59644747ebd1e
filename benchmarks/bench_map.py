"""Map update cost: a full push and a 100-incident diff through the bridge, against a page reload.

Measures, headless, on one loaded MapView (1600×1000):
* full_push_ms / full_push_p95_ms: set 10,000 heat points + 500 danger zones + 2,000 incidents on an
  emptied map, from the first Python call to the page's "rendered" acknowledgement (encoding,
  transfer, Leaflet work and the frame that shows it); median and 95th percentile of 7 runs;
* diff_ms: the median of 20 diffs of 100 incidents each (moved and restyled), call to acknowledgement
  (the page acknowledges in the animation frame that draws the diff: "drawn", not "received"); each
  diff starts on a map at rest, 250 ms after the previous one was drawn, as live polls do (about one
  a second) — back to back, a diff would also wait for the previous diff's frame to be painted;
* reload_baseline_ms: the median of 3 rounds of building a folium page with the same data baked in,
  writing it and loading it into a web view (until the page ran its scripts);
* page_loads: how many times the live view loaded its page (goal: 1, it never reloads).

Goals: full push ≤ 500 ms, diff ≤ 30 ms. Prints one JSON line; progress goes to stderr.
Run: .venv/bin/python benchmarks/bench_map.py
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import folium  # noqa: E402
from folium.plugins import HeatMap, MarkerCluster  # noqa: E402
from PySide6.QtCore import QEvent, QEventLoop, QTimer, QUrl  # noqa: E402
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from sety_console.api.models import DangerZone, HeatmapResponse, Incident  # noqa: E402
from sety_console.ui.map import MapView  # noqa: E402
from sety_console.ui.map.page import ASSETS, BasemapConfig, folium_map  # noqa: E402
from sety_console.ui.map.palette import risk_color, severity_color  # noqa: E402
from tests.ui.map import synthetic  # noqa: E402

log = logging.getLogger("bench_map")
HEAT_POINTS, ZONES, INCIDENTS, DIFF_SIZE = 10_000, 500, 2_000, 100
DIFF_RUNS, FULL_RUNS, RELOAD_RUNS, BACK_TO_BACK_RUNS = 20, 7, 3, 10
AT_REST_S = 0.25


def wait_until(app: QApplication, condition: Callable[[], Any], timeout: float = 60.0) -> None:
    """Spin Qt until `condition()`; sleeps in Qt's event wait, never busy-loops (2 cores)."""
    tick = QTimer()  # wakes the wait at least every 50 ms
    tick.start(50)
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the page did not answer in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
    tick.stop()


def rest(app: QApplication, seconds: float) -> None:
    """Let Qt and the page run for `seconds` (the previous frame finishes, the page goes idle)."""
    end = time.monotonic() + seconds
    wait_until(app, lambda: time.monotonic() >= end, seconds + 5)


def wait_rendered(view: MapView, seq: int, timeout_ms: int = 60_000) -> None:
    """Block in a local event loop until the page acknowledges batch `seq`."""
    loop = QEventLoop()

    def acknowledged(done: int) -> None:
        if done >= seq:
            loop.quit()

    view.rendered.connect(acknowledged)
    QTimer.singleShot(timeout_ms, loop.quit)
    if view.rendered_seq < seq:
        loop.exec()
    if view.rendered_seq < seq:
        raise TimeoutError(f"batch {seq} was not acknowledged in {timeout_ms} ms")


def percentile(values: list[float], share: float) -> float:
    """The `share` percentile, nearest rank (p95 of 7 runs is the slowest one)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def timed_push(view: MapView, push: Callable[[], None]) -> float:
    """Milliseconds from the first Python call to the page's rendered acknowledgement."""
    started = time.perf_counter()
    push()
    wait_rendered(view, view.flush())
    return (time.perf_counter() - started) * 1000


def baked_page(
    heat: HeatmapResponse, zones: list[DangerZone], incidents: list[Incident], page_dir: Path
) -> Path:
    """The reload alternative: the same data baked into a folium page (markers, circles, heat)."""
    fmap = folium_map(BasemapConfig())
    cluster = MarkerCluster()  # type: ignore[no-untyped-call]  # folium's plugins leave __init__ unannotated
    cluster.default_js = [("markercluster", f"{ASSETS}/leaflet.markercluster.js")]
    cluster.default_css = [("markercluster_css", f"{ASSETS}/MarkerCluster.css")]
    for incident in incidents:
        folium.CircleMarker(
            [incident.location.lat, incident.location.lng],
            radius=8,
            color="white",
            fill_color=severity_color(incident.severity),
            fill_opacity=1,
            tooltip=incident.title,
        ).add_to(cluster)
    cluster.add_to(fmap)
    for zone in zones:
        folium.Circle(
            [zone.center.lat, zone.center.lng],
            radius=zone.radius_meters,
            color=risk_color(zone.risk_level),
            fill=True,
            popup=f"{zone.name}: {zone.incident_count} incidents",
        ).add_to(fmap)
    points = [[p.coordinates[1], p.coordinates[0], p.weight] for p in heat.points]
    layer = HeatMap(points, radius=22)  # type: ignore[no-untyped-call]  # folium's plugins leave __init__ unannotated
    layer.default_js = [("leaflet-heat.js", f"{ASSETS}/leaflet-heat.js")]
    layer.add_to(fmap)
    path = page_dir / "baked.html"
    fmap.save(str(path))
    return path


def reload_baseline_ms(
    app: QApplication, data: tuple[HeatmapResponse, list[DangerZone], list[Incident]], page_dir: Path
) -> float:
    web = QWebEngineView()
    web.resize(1600, 1000)
    web.show()
    runs = []
    for _ in range(RELOAD_RUNS):
        done: list[bool] = []
        web.loadFinished.connect(done.append)
        started = time.perf_counter()
        web.load(QUrl.fromLocalFile(str(baked_page(*data, page_dir))))
        wait_until(app, partial(bool, done))
        web.loadFinished.disconnect(done.append)
        answered: list[Any] = []
        web.page().runJavaScript(
            "document.querySelectorAll('.leaflet-interactive').length", 0, answered.append
        )
        wait_until(app, partial(bool, answered))
        runs.append((time.perf_counter() - started) * 1000)
        log.info("reload baseline run: %.0f ms (%s drawn elements)", runs[-1], answered[0])
    web.close()
    web.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return statistics.median(runs)


def main() -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s: %(message)s")
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    page_dir = Path(tempfile.mkdtemp(prefix="sety-bench-map-"))
    view = MapView(page_dir=page_dir)
    view.resize(1600, 1000)
    view.show()
    wait_until(app, lambda: view.is_ready)
    heat = synthetic.heatmap(HEAT_POINTS)
    zones = synthetic.zones(ZONES)
    incidents = synthetic.incidents(INCIDENTS)

    def full() -> None:
        view.set_heatmap(heat)
        view.set_zones(zones)
        view.set_incidents(incidents)

    def empty() -> None:
        view.set_heatmap(None)
        view.set_zones([])
        view.set_incidents([])

    fulls = []
    for run in range(FULL_RUNS):
        if run:
            timed_push(view, empty)
        rest(app, AT_REST_S)
        fulls.append(timed_push(view, full))
        log.info("full push %d: %.0f ms (page applied it in %.0f ms)", run, fulls[-1], view.last_apply_ms)
    rest(app, 1.0)  # the last full push's heatmap and clusters finish drawing
    diffs = []
    for run in range(DIFF_RUNS):
        start = (run * DIFF_SIZE) % (INCIDENTS - DIFF_SIZE)
        changed = synthetic.moved(incidents[start : start + DIFF_SIZE], seed=100 + run)
        rest(app, AT_REST_S)  # live diffs come about once a second, to a map that is not still drawing
        diffs.append(timed_push(view, partial(view.apply_incidents, changed)))
        log.info("diff %d: %.1f ms, page apply %.1f ms", run, diffs[-1], view.last_apply_ms)
    log.info("diffs: %s ms; p95 %.1f ms", ", ".join(f"{d:.1f}" for d in diffs), percentile(diffs, 0.95))
    rushed = []
    for run in range(BACK_TO_BACK_RUNS):  # for comparison: each diff sent the moment the last was acked
        changed = synthetic.moved(incidents[run * DIFF_SIZE : (run + 1) * DIFF_SIZE], seed=500 + run)
        rushed.append(timed_push(view, partial(view.apply_incidents, changed)))
    log.info("back-to-back diffs (not the goal's measure): median %.1f ms", statistics.median(rushed))
    baseline = reload_baseline_ms(app, (heat, zones, incidents), page_dir)
    result = {
        "full_push_ms": round(statistics.median(fulls), 1),
        "full_push_p95_ms": round(percentile(fulls, 0.95), 1),
        "diff_ms": round(statistics.median(diffs), 1),
        "reload_baseline_ms": round(baseline, 1),
        "page_loads": view.page_loads,
    }
    view.close()
    view.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # pages go before their profile
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
