"""Writing arguments the way the contract wants them in paths and query strings.

* lists: comma-separated (`status=created,dispatching`); an empty list is left out;
* datetimes: `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC (a naive datetime is refused); dates: `YYYY-MM-DD`;
* enums: their value; numbers: plain decimals (`6.5244`, never `6.5244e-05`);
* None: left out;
* route points: `(lat, lng)` tuples written `"lat,lng"`, several joined with `|`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from typing import TypeAlias, TypeVar
from urllib.parse import quote

from .errors import RequestValidationError
from .models import format_timestamp

__all__ = ["LatLng", "OneOrMany", "check_point", "lat_lng", "path_segment", "query"]

T = TypeVar("T")

OneOrMany: TypeAlias = T | Sequence[T]
"""A filter taking one value or several (sent comma-separated)."""

LatLng = tuple[float, float]
"""A point as `(latitude, longitude)`, the order route and score queries use."""

Scalar = str | int | float | date | Enum
QueryValue = Scalar | Sequence[Scalar] | None


def query(**values: QueryValue) -> dict[str, str]:
    """The query string parameters, by their contract names; None and empty lists are left out."""
    _check_paging(values.get("page"), values.get("limit"))
    params: dict[str, str] = {}
    for name, value in values.items():
        written = _write(name, value)
        if written:
            params[name] = written
    return params


def _write(name: str, value: QueryValue) -> str | None:
    if value is None:
        return None
    if isinstance(value, (str, int, float, date, Enum)):
        return _scalar(name, value)
    return ",".join(_scalar(name, item) for item in value) or None


def _scalar(name: str, value: Scalar) -> str:
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise RequestValidationError(f"{name} must carry a time zone (for example UTC)", field=name)
        return format_timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return _decimal(name, value)
    return str(value)


def _decimal(name: str, value: float) -> str:
    if not math.isfinite(value):
        raise RequestValidationError(f"{name} must be a finite number", field=name)
    text = f"{value:.7f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _check_paging(page: QueryValue, limit: QueryValue) -> None:
    if page is not None and not (isinstance(page, int) and page >= 1):
        raise RequestValidationError("page must be a whole number, 1 or more", field="page")
    if limit is not None and not (isinstance(limit, int) and 1 <= limit <= 100):
        raise RequestValidationError("limit must be a whole number between 1 and 100", field="limit")


def check_point(lat: float | None, lng: float | None) -> None:
    """Refuse a latitude without a longitude (or the reverse) and values out of range."""
    if (lat is None) != (lng is None):
        raise RequestValidationError("lat and lng must be given together", field="lat")
    if lat is not None and lng is not None:
        if not -90 <= lat <= 90:
            raise RequestValidationError("lat must be between -90 and 90", field="lat")
        if not -180 <= lng <= 180:
            raise RequestValidationError("lng must be between -180 and 180", field="lng")


def lat_lng(point: LatLng, name: str) -> str:
    """A `(lat, lng)` point written `"lat,lng"`."""
    try:
        lat, lng = point
    except (TypeError, ValueError):
        raise RequestValidationError(f"{name} must be a (lat, lng) pair", field=name) from None
    check_point(lat, lng)
    return f"{_decimal(name, float(lat))},{_decimal(name, float(lng))}"


def path_segment(value: str, name: str) -> str:
    """An id made safe for a URL path (`/` and the like are escaped); an empty id is refused."""
    if not isinstance(value, str) or not value.strip():
        raise RequestValidationError(f"{name} must be a non-empty id", field=name)
    return quote(value, safe="")
