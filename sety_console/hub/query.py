"""Strict parsing of the list queries the hub answers from its picture, and whether it can.

Same rules as Sety's (the contract): unknown or repeated parameters, bad enums, out-of-range `page` /
`limit` and `from_date` after `to_date` answer 400 naming the parameter; dates are a day or an RFC 3339
date-time with a zone; windows are inclusive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum

from sety_console.api.models import ACTIVE_STATUSES, Category, Incident, IncidentStatus, Severity

from .errors import bad_request

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
DATE_MESSAGE = "must be a date (YYYY-MM-DD) or an RFC 3339 date-time"
COVERED = timedelta(hours=12, minutes=2)
"""The hub's poller holds every open incident and every one created or updated in the last 12 hours
(its resync window and its retention of closed ones): a query reaching back no further than that (with
two minutes of slack for a console's own 12-hour resync) is answered from the picture."""


def single_values(items: Iterable[tuple[str, str]], allowed: set[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in items:
        if key not in allowed:
            raise bad_request(key, "unknown query parameter")
        if key in values:
            raise bad_request(key, "give this parameter once (separate several values with commas)")
        values[key] = value
    return values


def page_and_limit(values: dict[str, str]) -> tuple[int, int]:
    page, limit = _int(values, "page", 1), _int(values, "limit", 20)
    if page < 1:
        raise bad_request("page", "must be greater than or equal to 1")
    if not 1 <= limit <= 100:
        raise bad_request("limit", "must be between 1 and 100")
    return page, limit


def _int(values: dict[str, str], name: str, default: int) -> int:
    if name not in values:
        return default
    try:
        return int(values[name])
    except ValueError:
        raise bad_request(name, "must be a valid integer") from None


def _enum_list(values: dict[str, str], name: str, enum: type[Enum]) -> frozenset[str] | None:
    if name not in values:
        return None
    parts = values[name].split(",")
    known = {member.value for member in enum}
    for part in parts:
        if part not in known:
            raise bad_request(name, f"must be one of {', '.join(sorted(known))}")
    if len(set(parts)) != len(parts):
        raise bad_request(name, "must not repeat a value")
    return frozenset(parts)


def _moment(values: dict[str, str], name: str, at: time | None) -> datetime | None:
    value = values.get(name)
    if value is None:
        return None
    if at is not None and _DATE_ONLY.match(value):
        try:
            return datetime.combine(date.fromisoformat(value), at, tzinfo=UTC)
        except ValueError:
            raise bad_request(name, DATE_MESSAGE) from None
    if not _DATE_TIME.match(value):
        raise bad_request(
            name, DATE_MESSAGE if at is not None else "must be an RFC 3339 date-time with a zone"
        )
    try:
        return datetime.fromisoformat(value.upper().replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        raise bad_request(name, DATE_MESSAGE) from None


@dataclass(frozen=True, slots=True)
class IncidentQuery:
    statuses: frozenset[str] | None
    categories: frozenset[str] | None
    severities: frozenset[str] | None
    from_date: datetime | None
    to_date: datetime | None
    updated_since: datetime | None
    page: int
    limit: int

    @classmethod
    def parse(cls, items: Iterable[tuple[str, str]]) -> IncidentQuery:
        allowed = {"status", "category", "severity", "from_date", "to_date", "updated_since", "page", "limit"}
        values = single_values(items, allowed)
        page, limit = page_and_limit(values)
        start = _moment(values, "from_date", time(0, 0))
        end = _moment(values, "to_date", time(23, 59, 59, 999000))
        if start is not None and end is not None and start > end:
            raise bad_request("from_date", "must not be later than to_date")
        return cls(
            statuses=_enum_list(values, "status", IncidentStatus),
            categories=_enum_list(values, "category", Category),
            severities=_enum_list(values, "severity", Severity),
            from_date=start,
            to_date=end,
            updated_since=_moment(values, "updated_since", None),
            page=page,
            limit=limit,
        )

    def covered(self, now: datetime) -> bool:
        """True when the picture holds every incident this query can match."""
        horizon = now - COVERED
        if self.updated_since is not None and self.updated_since >= horizon:
            return True
        if self.from_date is not None and self.from_date >= horizon:
            return True
        return self.statuses is not None and self.statuses <= ACTIVE_STATUSES

    def matches(self, incident: Incident) -> bool:
        if self.statuses is not None and incident.status.value not in self.statuses:
            return False
        if self.categories is not None and incident.category.value not in self.categories:
            return False
        if self.severities is not None and incident.severity.value not in self.severities:
            return False
        if self.from_date is not None and incident.created_at < self.from_date:
            return False
        if self.to_date is not None and incident.created_at > self.to_date:
            return False
        return self.updated_since is None or incident.updated_at >= self.updated_since
