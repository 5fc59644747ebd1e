"""The map's base page: built once with folium, offline assets beside it, written to the user cache.

Folium lays out an empty Leaflet map (basemap, scale bar) that links only local copies of Leaflet,
Leaflet.markercluster, Leaflet.heat and jQuery (QT-NOTES §3); a `MacroElement` child of the map
hands the map to `SetyMap.init` (web/map.js). Every later change arrives through the bridge.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import folium
import platformdirs
from branca.element import CssLink, Element, JavascriptLink, MacroElement
from folium.template import Template

from sety_console.assets import asset_path

from .palette import js_config

log = logging.getLogger(__name__)

DEFAULT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_ATTRIBUTION = "&copy; OpenStreetMap contributors"
DEFAULT_CENTER = (6.5244, 3.3792)  # Lagos
DEFAULT_SERVICE_AREA = (3.10, 6.35, 3.75, 6.75)
"""(min_lng, min_lat, max_lng, max_lat): Lagos, as `Settings.service_area`."""
DEFAULT_ZOOM = 12
COAST_ATTRIBUTION = "Coastline: GSHHG (LGPL)"
ASSETS = "assets"

_VENDOR_JS = ("leaflet.js", "jquery.min.js", "leaflet-heat.js")
_VENDOR_CSS = ("leaflet.css",)
_OWN_JS = (
    "coastline.js",
    "map.js",
    "legend.js",
    "labels.js",
    "basemap.js",
    "units.js",
    "rings.js",
    "incidents.js",
    "intel.js",
)
_OWN_CSS = ("map.css",)
_QWEBCHANNEL = "qwebchannel.js"
_ICONS_CSS = "icons.css"


@dataclass(frozen=True, slots=True)
class BasemapConfig:
    """The raster basemap: a `{z}/{x}/{y}` tile URL template (empty: none) and its attribution."""

    tile_url: str = DEFAULT_TILE_URL
    attribution: str = DEFAULT_ATTRIBUTION
    max_zoom: int = 19


def default_page_dir() -> Path:
    return Path(platformdirs.user_cache_dir("sety-console", appauthor=False)) / "map"


class _SetyInit(MacroElement):
    """Emitted after the map and its tile layer: gives web/map.js a stable handle on both."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        SetyMap.init({{ this._parent.get_name() }}, {{ this.tile_layer }}, {{ this.config }});
        {% endmacro %}
        """
    )

    def __init__(self, tile_layer: str, config: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "SetyInit"
        self.tile_layer = tile_layer
        self.config = config


def folium_map(basemap: BasemapConfig, center: tuple[float, float] = DEFAULT_CENTER) -> folium.Map:
    """An empty folium map linking only the local assets (relative to the page, under `assets/`)."""
    fmap = folium.Map(
        location=list(center),
        zoom_start=DEFAULT_ZOOM,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
        # Zooms jump instead of gliding: a live map moved by code (select, fit a route) must not
        # have a running zoom animation snap it back, and software-rendered machines save CPU.
        zoom_animation=False,
    )
    fmap.default_js = [(name, f"{ASSETS}/{name}") for name in _VENDOR_JS]
    fmap.default_css = [(name, f"{ASSETS}/{name}") for name in _VENDOR_CSS]
    if basemap.tile_url:
        folium.TileLayer(
            basemap.tile_url,
            attr=basemap.attribution or " ",
            name="basemap",
            max_zoom=basemap.max_zoom,
            subdomains="abc",
        ).add_to(fmap)
    return fmap


def _script_json(value: object) -> str:
    """JSON safe to embed in a <script> element."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def _stable_ids(element: Element) -> None:
    """Folium names elements with random ids; fixed ones make the same settings give the same file."""
    for index, child in enumerate(element._children.values()):
        child._id = f"sety{index}"
        _stable_ids(child)


def build_page_html(basemap: BasemapConfig, service_area: tuple[float, ...] = DEFAULT_SERVICE_AREA) -> str:
    """The page's HTML: folium's base map plus our scripts and the `SetyMap.init` call."""
    west, south, east, north = service_area
    fmap = folium_map(basemap, ((south + north) / 2, (west + east) / 2))
    tiles = next((c for c in fmap._children.values() if isinstance(c, folium.TileLayer)), None)
    root = fmap.get_root()
    header = root.header  # type: ignore[attr-defined]
    # Folium adds its links to the header while rendering, after anything added here; adding them
    # first (folium re-adds them under the same names, keeping their place) puts Leaflet before us.
    # Positions by left/top instead of 3D transforms: each translate3d makes a compositing layer,
    # and hundreds of them (tiles, unit markers) made every frame slow without a GPU.
    header.add_child(Element("<script>window.L_DISABLE_3D = true;</script>"), name="sety_no3d")
    for name, url in fmap.default_js:
        header.add_child(JavascriptLink(url), name=name)
    for name, url in fmap.default_css:
        header.add_child(CssLink(url), name=name)
    for name in (_QWEBCHANNEL, *_OWN_JS):
        header.add_child(Element(f'<script src="{ASSETS}/{name}"></script>'), name=name)
    for name in (_ICONS_CSS, *_OWN_CSS):
        header.add_child(Element(f'<link rel="stylesheet" href="{ASSETS}/{name}"/>'), name=name)
    config = {
        **js_config(),
        "maxZoom": basemap.max_zoom,
        "attributionPrefix": "Leaflet",
        "serviceArea": list(service_area),
        "coastAttribution": COAST_ATTRIBUTION,
    }
    _stable_ids(root)
    init = _SetyInit(tiles.get_name() if tiles else "null", _script_json(config))
    init._id = "sety"
    fmap.add_child(init)
    html = root.render()
    return html.replace("<head>", "<head>\n    <title>Sety map</title>", 1)


def _write_if_changed(path: Path, data: bytes) -> None:
    """Atomic, and skipped when the file already holds `data` (another console may be reading it)."""
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _copy_tree(source: Path, target: Path) -> None:
    for item in source.iterdir():
        if item.is_dir():
            _copy_tree(item, target / item.name)
        elif not item.name.startswith(("LICENSE", "README")):
            _write_if_changed(target / item.name, item.read_bytes())


def _icons_css() -> bytes:
    """Category glyphs as background images (data URIs) recoloured white, and dark brown on the
    medium (yellow) pins. Plain images, not CSS masks: masks made every moved pin slow to paint."""
    icons = asset_path("icons", "categories")
    rules = []
    for item in sorted(icons.iterdir(), key=lambda t: t.name):
        if item.name.endswith(".svg"):
            svg = item.read_text(encoding="utf-8")
            name = item.name[:-4]
            for selector, colour in ((f".cat-{name}", "#ffffff"), (f".sev-medium .cat-{name}", "#3e2723")):
                recoloured = svg.replace('fill="#263238"', f'fill="{colour}"').encode()
                data = base64.b64encode(recoloured).decode("ascii")
                rules.append(f'{selector} {{ background-image: url("data:image/svg+xml;base64,{data}"); }}')
    return ("\n".join(rules) + "\n").encode()


def _qwebchannel_js() -> bytes:
    from PySide6.QtCore import QFile, QIODevice

    source = QFile(":/qtwebchannel/qwebchannel.js")
    if not source.open(QIODevice.OpenModeFlag.ReadOnly):
        raise RuntimeError("Qt's qwebchannel.js is missing: is PySide6 (with QtWebChannel) installed?")
    try:
        return bytes(source.readAll().data())
    finally:
        source.close()


def install_assets(directory: Path) -> None:
    """Copy the vendored Leaflet files, our page scripts and Qt's qwebchannel.js under `directory`."""
    import PySide6.QtWebChannel  # noqa: F401  (registers the :/qtwebchannel resource)

    assets = directory / ASSETS
    _copy_tree(asset_path("leaflet"), assets)
    _copy_tree(asset_path("map"), assets)
    _write_if_changed(assets / _ICONS_CSS, _icons_css())
    _write_if_changed(assets / _QWEBCHANNEL, _qwebchannel_js())


_built: dict[tuple[BasemapConfig, Path, tuple[float, ...]], Path] = {}


def ensure_page(
    basemap: BasemapConfig | None = None,
    directory: Path | None = None,
    service_area: tuple[float, ...] = DEFAULT_SERVICE_AREA,
) -> Path:
    """The page file for `basemap`, built and written once per process; returns its path."""
    basemap = basemap or BasemapConfig()
    directory = directory or default_page_dir()
    key = (basemap, directory, tuple(service_area))
    if key not in _built:
        install_assets(directory)
        html = build_page_html(basemap, tuple(service_area)).encode("utf-8")
        page = directory / f"map-{hashlib.sha256(html).hexdigest()[:12]}.html"
        _write_if_changed(page, html)
        log.info("Map page written to %s", page)
        _built[key] = page
    return _built[key]
