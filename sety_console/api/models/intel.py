"""Threat intelligence: danger zones, heatmap, safety scores, area analytics, route safety."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from ._base import Coordinates, ResponseModel, Timestamp
from .common import CategoryCounts, GeoPoint, PaginatedResponse, Period, SeverityCounts, StatusCounts
from .enums import Category, RiskLevel, SafetyLevel, SafeZoneKind, Trend

LatLngString = Annotated[str, StringConstraints(pattern=r"^-?[0-9]{1,2}(\.[0-9]+)?,-?[0-9]{1,3}(\.[0-9]+)?$")]
"""A point written `"lat,lng"`, as route queries take it."""


class DangerZone(ResponseModel):
    zone_id: str
    name: str = ""
    center: GeoPoint
    radius_meters: float = 0.0
    polygon: list[Coordinates] | None = None
    risk_level: RiskLevel = RiskLevel.low
    risk_score: int = 0
    incident_count: int = 0
    dominant_category: Category | None = None
    categories: CategoryCounts = Field(default_factory=CategoryCounts)
    peak_hours: list[int] = Field(default_factory=list)
    last_incident_at: Timestamp | None = None
    updated_at: Timestamp | None = None


class DangerZoneSummary(ResponseModel):
    zone_id: str
    name: str = ""
    risk_level: RiskLevel = RiskLevel.low


class DangerZonePage(PaginatedResponse[DangerZone]):
    pass


class SafetyFactor(ResponseModel):
    name: str
    impact: int = 0
    description: str = ""


class SafetyScore(ResponseModel):
    """0–100, 100 the safest."""

    score: int
    level: SafetyLevel = SafetyLevel.moderate
    location: GeoPoint | None = None
    radius_km: float | None = None
    incident_count: int = 0
    recent_incidents_7d: int = 0
    factors: list[SafetyFactor] = Field(default_factory=list)
    computed_at: Timestamp | None = None


class IncidentAnalytics(ResponseModel):
    total: int = 0
    by_category: CategoryCounts = Field(default_factory=CategoryCounts)
    by_severity: SeverityCounts = Field(default_factory=SeverityCounts)
    by_status: StatusCounts = Field(default_factory=StatusCounts)
    average_response_seconds: float | None = None
    resolution_rate: float | None = None


class TimeAnalysis(ResponseModel):
    """Counts by UTC hour (24) and weekday (7, Monday = 0)."""

    by_hour: list[int] = Field(default_factory=lambda: [0] * 24)
    by_weekday: list[int] = Field(default_factory=lambda: [0] * 7)
    riskiest_hours: list[int] = Field(default_factory=list)
    safest_hours: list[int] = Field(default_factory=list)


class LocationComparison(ResponseModel):
    area_average_score: int = 0
    city_average_score: int = 0
    percentile: int = 0
    trend: Trend = Trend.stable
    change_percent: float | None = None


class RiskPrediction(ResponseModel):
    next_24h_risk: RiskLevel = RiskLevel.low
    probability: float = 0.0
    expected_incidents: float = 0.0
    confidence: float = 0.0
    factors: list[str] = Field(default_factory=list)


class Hotspot(ResponseModel):
    center: GeoPoint
    incident_count: int = 0
    dominant_category: Category | None = None


class RecurringPattern(ResponseModel):
    category: Category
    weekday: int
    hour: int
    count: int = 0


class IncidentPatterns(ResponseModel):
    hotspots: list[Hotspot] = Field(default_factory=list)
    recurring: list[RecurringPattern] = Field(default_factory=list)
    common_categories: list[Category] = Field(default_factory=list)


class SafeZone(ResponseModel):
    name: str
    kind: SafeZoneKind
    location: GeoPoint
    distance_meters: float = 0.0
    open_24h: bool = False


class SafeZones(ResponseModel):
    zones: list[SafeZone] = Field(default_factory=list)


class DangerAnalytics(ResponseModel):
    location: GeoPoint | None = None
    radius_km: float | None = None
    period_days: int = 90
    safety_score: SafetyScore
    incident_analytics: IncidentAnalytics = Field(default_factory=IncidentAnalytics)
    time_analysis: TimeAnalysis = Field(default_factory=TimeAnalysis)
    comparison: LocationComparison = Field(default_factory=LocationComparison)
    prediction: RiskPrediction = Field(default_factory=RiskPrediction)
    patterns: IncidentPatterns = Field(default_factory=IncidentPatterns)
    safe_zones: SafeZones = Field(default_factory=SafeZones)


class HeatmapPoint(ResponseModel):
    coordinates: Coordinates
    weight: float = 0.0
    count: int = 1


class HeatmapResponse(ResponseModel):
    points: list[HeatmapPoint] = Field(default_factory=list)
    max_count: int = 0
    total_incidents: int = 0
    bbox: list[float] | None = None
    grid_meters: int | None = None
    period: Period | None = None
    generated_at: Timestamp | None = None


class RouteSegment(ResponseModel):
    start: GeoPoint
    end: GeoPoint
    score: int = 0
    level: SafetyLevel = SafetyLevel.moderate
    danger_zone_ids: list[str] = Field(default_factory=list)


class RouteSafety(ResponseModel):
    overall_score: int
    level: SafetyLevel = SafetyLevel.moderate
    distance_meters: float = 0.0
    segments: list[RouteSegment] = Field(default_factory=list)
    danger_zones_crossed: list[DangerZoneSummary] = Field(default_factory=list)
    riskiest_segment_index: int | None = None
    recommendation: str = ""
    computed_at: Timestamp | None = None


__all__ = [
    "CategoryCounts",
    "DangerAnalytics",
    "DangerZone",
    "DangerZonePage",
    "DangerZoneSummary",
    "HeatmapPoint",
    "HeatmapResponse",
    "Hotspot",
    "IncidentAnalytics",
    "IncidentPatterns",
    "LatLngString",
    "LocationComparison",
    "Period",
    "RecurringPattern",
    "RiskPrediction",
    "RouteSafety",
    "RouteSegment",
    "SafeZone",
    "SafeZones",
    "SafetyFactor",
    "SafetyScore",
    "SeverityCounts",
    "StatusCounts",
    "TimeAnalysis",
]
