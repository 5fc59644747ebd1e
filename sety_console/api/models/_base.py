"""Building blocks shared by every contract model.

Two families live on top of these blocks (see the contract README):

* **response models** (`ResponseModel`) are tolerant: unknown fields are ignored, unknown enum
  values are kept, timestamps are parsed leniently and normalised to aware UTC; only list envelopes
  (`data` + `pagination`) are required, and numbers must be finite;
* **request models** (`RequestModel`) are strict: unknown fields are refused, constraints are
  enforced, and `body()` omits every field that was not set.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Self, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
)

__all__ = [
    "Coordinates",
    "Known",
    "LngLat",
    "Omittable",
    "OpenEnum",
    "RequestModel",
    "RequestTimestamp",
    "ResponseModel",
    "Timestamp",
    "format_timestamp",
    "is_replay",
    "mark_replay",
]


def format_timestamp(value: datetime) -> str:
    """The contract's wire form of a timestamp: `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    v = value.astimezone(UTC)  # not strftime: "%Y" drops the leading zeros of years before 1000
    return (
        f"{v.year:04d}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}."
        f"{v.microsecond // 1000:03d}Z"
    )


def _to_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


_SERIALIZE_TIMESTAMP = PlainSerializer(format_timestamp, return_type=str, when_used="json")

Timestamp = Annotated[datetime, AfterValidator(_to_utc), _SERIALIZE_TIMESTAMP]
"""A lenient response timestamp: with or without milliseconds, `Z`, an offset or none (UTC)."""

RequestTimestamp = Annotated[AwareDatetime, AfterValidator(_to_utc), _SERIALIZE_TIMESTAMP]
"""A request timestamp: must carry a zone (`Z` or an offset); normalised to UTC."""


class OpenEnum(StrEnum):
    """A contract enum that keeps values it does not know.

    An unknown value becomes a pseudo-member named ``unknown`` whose ``value`` is the raw
    string, so it round-trips unchanged, never crashes the console, and is neither active
    nor terminal in any rule that compares against known members.
    """

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = "unknown"
        member._value_ = value
        return member

    @property
    def is_unknown(self) -> bool:
        """True when the server sent a value this version of the contract does not list."""
        return self._name_ == "unknown"

    @property
    def label(self) -> str:
        """Words for a person: `on_scene` → `On scene`; unknown → `Unknown (raw value)`."""
        if self.is_unknown:
            return f"Unknown ({self.value})"
        text = self.value.replace("_", " ").replace(".", " ")
        return text[:1].upper() + text[1:]


E = TypeVar("E", bound=OpenEnum)


def _reject_unknown(value: OpenEnum) -> OpenEnum:
    if value.is_unknown:
        allowed = ", ".join(m.value for m in type(value))
        raise ValueError(f"must be one of {allowed}")
    return value


Known = Annotated[E, AfterValidator(_reject_unknown)]
"""An enum field of a request model: only the contract's values are accepted."""

V = TypeVar("V")


def _not_null(value: Any) -> Any:
    if value is None:
        raise ValueError("may be left out but must not be null")
    return value


Omittable = Annotated[V | None, AfterValidator(_not_null)]
"""A request field that may be left out but, when sent, must not be `null`."""


def _coordinates(value: Any) -> Any:
    if isinstance(value, (list, tuple)) and len(value) > 2:
        return tuple(value[:2])  # tolerate a trailing altitude from a newer server
    return value


Coordinates = Annotated[tuple[float, float], BeforeValidator(_coordinates)]
"""`[lng, lat]` as the server sent it (ranges not enforced: responses are tolerated)."""


def _check_lng_lat(value: tuple[float, float]) -> tuple[float, float]:
    lng, lat = value
    if not -180 <= lng <= 180:
        raise ValueError("longitude must be between -180 and 180")
    if not -90 <= lat <= 90:
        raise ValueError("latitude must be between -90 and 90")
    return value


LngLat = Annotated[tuple[float, float], AfterValidator(_check_lng_lat)]
"""`[lng, lat]` in a request: exactly two numbers within range."""

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ResponseModel(BaseModel):
    """A model the server sends: tolerant of anything a newer server may add."""

    model_config = ConfigDict(
        extra="ignore",
        populate_by_name=True,
        serialize_by_alias=True,
        use_enum_values=False,
        allow_inf_nan=False,  # JSON has no NaN or Infinity: a number that is one is a broken answer
    )

    _replayed: bool = PrivateAttr(default=False)


class RequestModel(BaseModel):
    """A model the client sends and the sandbox validates: strict and minimal on the wire."""

    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        serialize_by_alias=True,
        str_strip_whitespace=False,
        allow_inf_nan=False,
    )

    def body(self) -> dict[str, Any]:
        """The JSON body: fields that were set and are not null, nothing else."""
        return self.model_dump(mode="json", exclude_unset=True, exclude_none=True, by_alias=True)


def is_replay(answer: BaseModel) -> bool:
    """True when the server answered a repeated `Idempotency-Key` with its stored first answer."""
    return bool(getattr(answer, "_replayed", False))


def mark_replay(answer: BaseModel) -> None:
    """Record that `answer` came with `Idempotent-Replayed: true` (the client does this)."""
    if isinstance(answer, ResponseModel):
        answer._replayed = True


def page_limit() -> Any:
    """Field definition of a response page size (no range enforced on responses)."""
    return Field(default=20)
