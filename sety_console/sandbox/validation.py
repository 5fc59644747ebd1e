"""Strict request parsing: raw JSON bodies and query strings checked with pydantic, errors as 400s.

Routes never let FastAPI validate (which would answer 422): they read the raw body and the raw
query string *after* authentication, so the contract's error precedence holds, and turn the first
pydantic error into `{code: 400, message: "<field>: <what is wrong>", field: "<field>"}`.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Annotated, Any, TypeVar

from fastapi import Request
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
)
from pydantic_core import ErrorDetails

from .errors import ApiError, bad_request

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

_FIELD_PREFIX = re.compile(r"^([A-Za-z_][A-Za-z0-9_.]*): (.+)$", re.DOTALL)
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def parse_body(raw: bytes, model: type[M], *, required: bool = True) -> M:
    """Validate a raw JSON body strictly (unknown fields, wrong types and ranges all answer 400)."""
    if not raw.strip():
        if required:
            raise ApiError(400, "A JSON request body is required")
        raw = b"{}"
    try:
        return model.model_validate_json(raw, strict=True)
    except ValidationError as exc:
        raise _to_api_error(exc.errors()[0], unknown="unknown field") from None


def parse_query(request: Request, model: type[M]) -> M:
    """Validate the query string against a strict query model (unknown parameters answer 400)."""
    values: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in values:
            raise bad_request(key, "give this parameter once (separate several values with commas)")
        values[key] = value
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise _to_api_error(exc.errors()[0], unknown="unknown query parameter", indices=False) from None


def no_query(request: Request) -> None:
    """For operations without query parameters: any parameter answers 400."""
    for key in request.query_params:
        raise bad_request(key, "unknown query parameter")


def _to_api_error(error: ErrorDetails, *, unknown: str, indices: bool = True) -> ApiError:
    kind = error["type"]
    path = [str(p) for p in error["loc"] if not _is_type_tag(p) and (indices or not isinstance(p, int))]
    field = ".".join(path) or None
    message = str(error["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if kind == "extra_forbidden":
        message = unknown
    elif kind == "missing":
        message = "is required"
    elif kind == "json_invalid":
        return ApiError(400, "The request body is not valid JSON")
    elif kind in {"model_type", "model_attributes_type", "dict_type"} and field is None:
        return ApiError(400, "The request body must be a JSON object")
    prefixed = _FIELD_PREFIX.match(message)
    if prefixed:  # a model-level check names its field: "valid_until: must be later than …"
        field = f"{field}.{prefixed.group(1)}" if field else prefixed.group(1)
        message = prefixed.group(2)
    message = message.replace("Input should be", "must be").replace("Input should", "must")
    message = message[:1].lower() + message[1:] if message[:2] != "A " else message
    return bad_request(field, message)


def _is_type_tag(part: int | str) -> bool:
    """pydantic adds union/function tags (`str`, `function-after[...]`) to locations; drop them."""
    return isinstance(part, str) and ("[" in part or part in {"str", "int", "float", "bool", "list", "dict"})


# --------------------------------------------------------------------------- query field types


def _split_commas(value: Any) -> Any:
    return value.split(",") if isinstance(value, str) else value


def _unique(value: list[Any]) -> list[Any]:
    if len(set(value)) != len(value):
        raise ValueError("must not repeat a value")
    return value


def _window_start(value: Any) -> Any:
    return _date_or_datetime(value, time(0, 0, 0, 0))


def _window_end(value: Any) -> Any:
    return _date_or_datetime(value, time(23, 59, 59, 999000))


def _date_or_datetime(value: Any, at: time) -> Any:
    if isinstance(value, str) and _DATE_ONLY.match(value):
        try:
            return datetime.combine(date.fromisoformat(value), at, tzinfo=UTC)
        except ValueError:
            raise ValueError("must be a date (YYYY-MM-DD) or an RFC 3339 date-time") from None
    if not isinstance(value, str) or not _DATE_TIME.match(value):
        raise ValueError("must be a date (YYYY-MM-DD) or an RFC 3339 date-time")
    return _rfc3339(value)


def _rfc3339(value: Any) -> datetime:
    """An RFC 3339 date-time with its zone (`2026-03-10T18:00:00Z`); numbers and bare times refused."""
    if not isinstance(value, str) or not _DATE_TIME.match(value):
        raise ValueError("must be an RFC 3339 date-time with a zone, such as 2026-03-10T18:00:00.000Z")
    try:
        return datetime.fromisoformat(value.upper().replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        raise ValueError(
            "must be an RFC 3339 date-time with a zone, such as 2026-03-10T18:00:00.000Z"
        ) from None


CommaList = Annotated[list[T], BeforeValidator(_split_commas), Field(min_length=1), AfterValidator(_unique)]
"""A query parameter holding one value or several separated by commas (`status=a,b`)."""


DateTimeParam = Annotated[AwareDatetime, BeforeValidator(_rfc3339)]
"""A date-time query parameter (`updated_since`, `departure_time`): RFC 3339 with a zone."""

WindowStart = Annotated[AwareDatetime, BeforeValidator(_window_start)]
"""`from_date`: a date (00:00:00.000Z that day) or a date-time, inclusive."""

WindowEnd = Annotated[AwareDatetime, BeforeValidator(_window_end)]
"""`to_date`: a date (23:59:59.999Z that day) or a date-time, inclusive."""


class QueryModel(BaseModel):
    """Base of every query model: unknown parameters are refused."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class PageQuery(QueryModel):
    """`page` (from 1) and `limit` (1–100, default 20); out of range answers 400."""

    page: int = Field(default=1, ge=1)
    limit: int = Field(default=20, ge=1, le=100)


def check_window(start: datetime | None, end: datetime | None) -> None:
    """`from_date` later than `to_date` answers 400."""
    if start is not None and end is not None and start > end:
        raise ValueError("from_date: must not be later than to_date")
