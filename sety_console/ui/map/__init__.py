"""The map workspace: a Leaflet map (folium base page, QWebChannel diffs) and its side panels.

Names are imported on first use (PEP 562), so that `ui.map.tile_scheme` can be imported at
start-up, before the QApplication exists, without loading folium and the widgets.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .area_panel import AreaPanel
    from .layers_panel import LayersPanel
    from .page import BasemapConfig
    from .route_panel import RoutePanel
    from .state import LAYERS
    from .view import MapView
    from .workspace import MapWorkspace

_WHERE = {
    "AreaPanel": "area_panel",
    "BasemapConfig": "page",
    "LAYERS": "state",
    "LayersPanel": "layers_panel",
    "MapView": "view",
    "MapWorkspace": "workspace",
    "RoutePanel": "route_panel",
}
__all__ = ["LAYERS", "AreaPanel", "BasemapConfig", "LayersPanel", "MapView", "MapWorkspace", "RoutePanel"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_WHERE[name]}", __name__), name)
