"""Threat intelligence computed from the incident history: zones, heatmap, scores, analytics, routes.

Pure functions of the points the server hands in (`IncidentPoint`, one per non-drill incident) and
the `now` it passes: the same inputs always give the same answer, and every answer is the contract's
response model, ready to serialise.
"""

from .analytics import danger_analytics
from .bands import risk_level, safety_level
from .geo import bbox_around
from .heatmap import heatmap
from .records import IncidentPoint
from .route import route_safety
from .safe_places import nearby_safe_zones
from .score import safety_score
from .zones import danger_zones, zones_near

__all__ = [
    "IncidentPoint",
    "bbox_around",
    "danger_analytics",
    "danger_zones",
    "heatmap",
    "nearby_safe_zones",
    "risk_level",
    "route_safety",
    "safety_level",
    "safety_score",
    "zones_near",
]
