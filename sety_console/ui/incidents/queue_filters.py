"""What the incident queue shows: status group, category, severity, drills and a search text.

`QueueFilters` is a small immutable value (serialisable to a dict for the supervisor's saved
views); `FilterFields` is what the predicate needs of one incident, computed once per change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, NamedTuple

from sety_console.api.models import TERMINAL_STATUSES, Category, Incident, Severity
from sety_console.core.wording import category_name

UNKNOWN_KEY = "unknown"
"""Filter key of every category or severity value this version does not know."""

_KNOWN_CATEGORIES = frozenset(Category)
_KNOWN_SEVERITIES = frozenset(Severity)
_NON_DIGITS = re.compile(r"\D+")
_PHONE_LIKE = re.compile(r"^[\d\s()+\-.]+$")
_MIN_PHONE_DIGITS = 3


class StatusGroup(StrEnum):
    """Which lifecycle states are listed."""

    ACTIVE = "active"
    """Not resolved or cancelled. A status this version does not know counts as active: better shown."""
    ALL = "all"
    CLOSED = "closed"


class FilterPart(StrEnum):
    """The parts of `QueueFilters` (values are its field names)."""

    STATUS = "status"
    CATEGORIES = "categories"
    SEVERITIES = "severities"
    DRILLS = "drills"
    SEARCH = "search"


class DrillFilter(StrEnum):
    SHOWN = "shown"
    HIDDEN = "hidden"
    ONLY = "only"


class FilterFields(NamedTuple):
    """The parts of one incident the filters look at, precomputed (a tuple: cheap to build)."""

    terminal: bool
    category: str
    severity: str
    is_drill: bool
    haystack: str
    """Casefolded name, phone, email, reference, address, landmark, id and title, joined."""
    phone_digits: str


def filter_fields(incident: Incident) -> FilterFields:
    """Precompute what the queue filters need of `incident`."""
    subject, location = incident.subject, incident.location
    # Enum members are str subclasses: set membership is a hash lookup, no property calls.
    category, severity = incident.category, incident.severity
    parts = (
        subject.name,
        subject.phone,
        subject.email,
        subject.reference,
        location.address,
        location.landmark,
        incident.incident_id,
        incident.title,
    )
    return FilterFields(
        incident.status in TERMINAL_STATUSES,
        str.__str__(category) if category in _KNOWN_CATEGORIES else UNKNOWN_KEY,
        str.__str__(severity) if severity in _KNOWN_SEVERITIES else UNKNOWN_KEY,
        incident.is_drill,
        "\x1f".join([p for p in parts if p]).casefold(),
        _digits(subject.phone),
    )


def _digits(phone: str | None) -> str:
    if not phone:
        return ""
    if phone[0] == "+" and phone[1:].isdigit():  # E.164, the usual case: no regex needed
        return phone[1:]
    return _NON_DIGITS.sub("", phone)


@dataclass(frozen=True, slots=True)
class QueueFilters:
    """The queue's filter state. Empty `categories`/`severities` mean "all"."""

    status: StatusGroup = StatusGroup.ACTIVE
    categories: frozenset[str] = field(default_factory=frozenset)
    severities: frozenset[str] = field(default_factory=frozenset)
    drills: DrillFilter = DrillFilter.SHOWN
    search: str = ""

    def with_changes(self, **changes: Any) -> QueueFilters:
        """A copy with some fields replaced (`filters.with_changes(search="lekki")`)."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-friendly form (sorted lists), for saved views."""
        return {
            "status": self.status.value,
            "categories": sorted(self.categories),
            "severities": sorted(self.severities),
            "drills": self.drills.value,
            "search": self.search,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QueueFilters:
        """Inverse of `to_dict`; missing keys get defaults, bad values raise ValueError in plain words."""
        return cls(
            status=_enum(StatusGroup, data.get("status", StatusGroup.ACTIVE.value), "status"),
            categories=_string_set(data.get("categories", ()), "categories"),
            severities=_string_set(data.get("severities", ()), "severities"),
            drills=_enum(DrillFilter, data.get("drills", DrillFilter.SHOWN.value), "drills"),
            search=str(data.get("search", "")),
        )

    def predicate(self) -> Callable[[FilterFields], bool]:
        """A fast test of one incident's `FilterFields` against these filters."""
        status, drills = self.status, self.drills
        categories, severities = self.categories, self.severities
        terms = _search_terms(self.search)

        def matches(row: FilterFields) -> bool:
            if status is StatusGroup.ACTIVE and row.terminal:
                return False
            if status is StatusGroup.CLOSED and not row.terminal:
                return False
            if categories and row.category not in categories:
                return False
            if severities and row.severity not in severities:
                return False
            if drills is DrillFilter.HIDDEN and row.is_drill:
                return False
            if drills is DrillFilter.ONLY and not row.is_drill:
                return False
            return all(_term_matches(term, digits, row) for term, digits in terms)

        return matches

    def matches(self, incident: Incident) -> bool:
        """Whether `incident` passes (convenience; the model uses `predicate` on cached fields)."""
        return self.predicate()(filter_fields(incident))

    def part_checks(self) -> dict[FilterPart, Callable[[FilterFields], bool]]:
        """For each part of these filters that can hide an incident: does one incident pass it?"""
        checks: dict[FilterPart, Callable[[FilterFields], bool]] = {}
        if self.status is StatusGroup.ACTIVE:
            checks[FilterPart.STATUS] = lambda row: not row.terminal
        elif self.status is StatusGroup.CLOSED:
            checks[FilterPart.STATUS] = lambda row: row.terminal
        if self.categories:
            checks[FilterPart.CATEGORIES] = lambda row: row.category in self.categories
        if self.severities:
            checks[FilterPart.SEVERITIES] = lambda row: row.severity in self.severities
        if self.drills is not DrillFilter.SHOWN:
            only = self.drills is DrillFilter.ONLY
            checks[FilterPart.DRILLS] = lambda row: row.is_drill == only
        terms = _search_terms(self.search)
        if terms:
            checks[FilterPart.SEARCH] = lambda row: all(_term_matches(t, d, row) for t, d in terms)
        return checks

    def hiding(self, row: FilterFields) -> list[FilterPart]:
        """The parts of these filters that hide the incident of `row` (none: it is shown)."""
        return [part for part, passes in self.part_checks().items() if not passes(row)]

    def without(self, parts: Iterable[FilterPart]) -> QueueFilters:
        """These filters with `parts` opened up to everything (status: All)."""
        opened: dict[str, Any] = {
            FilterPart.STATUS: StatusGroup.ALL,
            FilterPart.CATEGORIES: frozenset(),
            FilterPart.SEVERITIES: frozenset(),
            FilterPart.DRILLS: DrillFilter.SHOWN,
            FilterPart.SEARCH: "",
        }
        return replace(self, **{part.value: opened[part] for part in parts})

    def part_label(self, part: FilterPart) -> str:
        """`the “Active” filter`, `the search “kel”` …: a part of these filters, for a sentence."""
        if part is FilterPart.STATUS:
            return f"the “{self.status.value.capitalize()}” filter"
        if part is FilterPart.SEARCH:
            return f"the search “{self.search.strip()}”"
        if part is FilterPart.DRILLS:
            return "“Drills only”" if self.drills is DrillFilter.ONLY else "“Drills hidden”"
        chosen = self.categories if part is FilterPart.CATEGORIES else self.severities
        what = "category" if part is FilterPart.CATEGORIES else "severity"
        return f"the {what} filter ({', '.join(_choice_name(part, key) for key in sorted(chosen))})"


def _choice_name(part: FilterPart, key: str) -> str:
    if key == UNKNOWN_KEY:
        return "Unknown"
    return category_name(Category(key)) if part is FilterPart.CATEGORIES else Severity(key).label


def count_hidden(filters: QueueFilters, hidden: Iterable[FilterFields]) -> dict[FilterPart, int]:
    """How many of the `hidden` incidents each part of `filters` hides (one may count under several)."""
    checks = filters.part_checks()
    counts = dict.fromkeys(checks, 0)
    for row in hidden:
        for part, passes in checks.items():
            if not passes(row):
                counts[part] += 1
    return {part: count for part, count in counts.items() if count}


def _search_terms(text: str) -> list[tuple[str, str]]:
    """(casefolded term, its digits if the whole search looks like a phone number) for each word."""
    text = text.strip()
    if not text:
        return []
    if _PHONE_LIKE.match(text):
        # A leading trunk 0 ("0805…") is dropped so a local number finds "+234805…".
        digits = _NON_DIGITS.sub("", text).lstrip("0")
        if len(digits) >= _MIN_PHONE_DIGITS:
            # "0805 234 5678" is one phone number, not three words.
            return [(text.casefold(), digits)]
    return [(word, "") for word in text.casefold().split()]


def _term_matches(term: str, digits: str, row: FilterFields) -> bool:
    if term in row.haystack:
        return True
    return bool(digits) and digits in row.phone_digits


def _enum(kind: type[StatusGroup] | type[DrillFilter], value: Any, name: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise ValueError(f"saved view: {name} must be one of {allowed}, not {value!r}") from None


def _string_set(values: Any, name: str) -> frozenset[str]:
    if isinstance(values, str) or not all(isinstance(v, str) for v in values):
        raise ValueError(f"saved view: {name} must be a list of names, not {values!r}")
    return frozenset(values)
