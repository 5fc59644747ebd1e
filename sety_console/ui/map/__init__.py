"""The map workspace: a Leaflet map (folium base page, QWebChannel diffs) and its side panels."""

from .area_panel import AreaPanel
from .layers_panel import LayersPanel
from .page import BasemapConfig
from .route_panel import RoutePanel
from .state import LAYERS
from .view import MapView
from .workspace import MapWorkspace

__all__ = ["LAYERS", "AreaPanel", "BasemapConfig", "LayersPanel", "MapView", "MapWorkspace", "RoutePanel"]
