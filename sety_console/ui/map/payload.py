"""Contract models → the compact JSON rows the page draws (arrays, not full model JSON).

Row layouts are shared with `web/*.js`; change both sides together.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from typing import Any

from sety_console.api.models import (
    DangerZone,
    HeatmapResponse,
    Incident,
    IncidentStatus,
    RouteSafety,
    SafeZone,
)
from sety_console.core.map_text import (
    LatLng,
    category_label,
    enum_label,
    format_distance,
    format_hours,
    format_time,
)
from sety_console.core.sla_text import sla_summary

from .palette import category_key

IncidentRow = tuple[Any, ...]
"""(id, lat, lng, severity, category, active, title, detail, responder) — see `incident_row`."""

_EN_ROUTE = frozenset({IncidentStatus.assigned, IncidentStatus.responding})
log = logging.getLogger(__name__)


def _r(value: float) -> float:
    """Six decimals of a degree is 11 cm: plenty, and it keeps the JSON small."""
    return round(value, 6)


def on_earth(lat: float, lng: float) -> bool:
    """A point the map can draw (responses are tolerant: a server could send anything)."""
    return math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180


def incident_row(incident: Incident) -> IncidentRow:
    """One incident marker: position, colour, glyph, tooltip words and its responder.

    `responder` is `[unit label, lat, lng, en_route]` when the responder's position is known and
    the incident is still open; `en_route` (a line to the incident) while assigned or responding.
    """
    loc = incident.location
    severity = "unknown" if incident.severity.is_unknown else incident.severity.value
    title = incident.title or f"{category_label(incident.category)} incident"
    category = category_label(incident.category)
    detail_parts = [
        f"{enum_label(incident.severity)} · {category} · {enum_label(incident.status)}",
        loc.address or loc.landmark or "",
        f"Reported {format_time(incident.created_at)}" + (" · drill" if incident.is_drill else ""),
        sla_summary(incident, format_time),
    ]
    detail = "\n".join(part for part in detail_parts if part)
    return (
        incident.incident_id,
        _r(loc.lat),
        _r(loc.lng),
        severity,
        category_key(incident.category),
        1 if incident.status.is_active else 0,
        title,
        detail,
        _responder(incident),
    )


def _responder(incident: Incident) -> list[Any] | None:
    responder = incident.responder
    if responder is None or responder.position is None or not incident.status.is_active:
        return None
    if not on_earth(responder.position.lat, responder.position.lng):
        return None
    label = responder.unit or responder.name or "Responder"
    en_route = 1 if incident.status in _EN_ROUTE else 0
    return [label, _r(responder.position.lat), _r(responder.position.lng), en_route]


def zone_rows(zones: Iterable[DangerZone]) -> list[list[Any]]:
    """Rows of the zones the map can draw; a zone with an impossible centre is left out (logged)."""
    rows = []
    for zone in zones:
        if on_earth(zone.center.lat, zone.center.lng):
            rows.append(zone_row(zone))
        else:
            log.warning(
                "Danger zone %s has an impossible centre %s; not drawn", zone.zone_id, zone.center.coordinates
            )
    return rows


def zone_row(zone: DangerZone) -> list[Any]:
    """(id, name, lat, lng, radius_m, polygon [[lat, lng]…] | None, risk, score, count, dominant,
    peak hours text, last incident text). A polygon with an impossible point is drawn as a circle."""
    polygon = [[_r(lat), _r(lng)] for lng, lat in zone.polygon] if zone.polygon else None
    if polygon and not all(on_earth(lat, lng) for lat, lng in polygon):
        polygon = None
    risk = "unknown" if zone.risk_level.is_unknown else zone.risk_level.value
    return [
        zone.zone_id,
        zone.name or zone.zone_id,
        _r(zone.center.lat),
        _r(zone.center.lng),
        zone.radius_meters,
        polygon,
        risk,
        zone.risk_score,
        zone.incident_count,
        category_label(zone.dominant_category),
        format_hours(zone.peak_hours),
        format_time(zone.last_incident_at),
    ]


def heat_payload(heatmap: HeatmapResponse | None) -> dict[str, Any]:
    """`{"points": [[lat, lng, weight]…]}` with weights 0–1 (from `count / max_count` if absent)."""
    if heatmap is None:
        return {"points": []}
    top = heatmap.max_count or max((p.count for p in heatmap.points), default=1) or 1
    points = []
    for point in heatmap.points:
        if not on_earth(point.coordinates[1], point.coordinates[0]):
            continue
        weight = point.weight if point.weight > 0 else point.count / top
        points.append([_r(point.coordinates[1]), _r(point.coordinates[0]), round(min(weight, 1.0), 3)])
    return {"points": points}


def safe_zones_payload(zones: Sequence[SafeZone]) -> dict[str, Any]:
    """`{"zones": [[name, kind, lat, lng, distance text, open 24 h]…]}`."""
    rows = [
        [
            zone.name,
            "unknown" if zone.kind.is_unknown else zone.kind.value,
            _r(zone.location.lat),
            _r(zone.location.lng),
            format_distance(zone.distance_meters),
            1 if zone.open_24h else 0,
        ]
        for zone in zones
        if on_earth(zone.location.lat, zone.location.lng)
    ]
    return {"zones": rows}


def route_payload(route: RouteSafety | None) -> dict[str, Any] | None:
    """Segments `[lat1, lng1, lat2, lng2, score, level, zone ids]`, the riskiest index, crossed ids."""
    if route is None:
        return None
    crossed = {z.zone_id for z in route.danger_zones_crossed}
    crossed.update(zone_id for seg in route.segments for zone_id in seg.danger_zone_ids)
    segments = [
        [
            _r(seg.start.lat),
            _r(seg.start.lng),
            _r(seg.end.lat),
            _r(seg.end.lng),
            seg.score,
            "unknown" if seg.level.is_unknown else seg.level.value,
            list(seg.danger_zone_ids),
        ]
        for seg in route.segments
        if on_earth(seg.start.lat, seg.start.lng) and on_earth(seg.end.lat, seg.end.lng)
    ]
    return {"segments": segments, "riskiest": route.riskiest_segment_index, "crossed": sorted(crossed)}


def route_points_payload(
    origin: LatLng | None, destination: LatLng | None, waypoints: Sequence[LatLng]
) -> dict[str, Any]:
    return {
        "origin": list(origin) if origin else None,
        "destination": list(destination) if destination else None,
        "waypoints": [list(p) for p in waypoints],
    }
