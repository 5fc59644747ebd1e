"""Turn the create dialog's text fields into a `CreateIncidentRequest`, or into one plain message
per bad field (the contract's pydantic errors mapped back to the field that caused them)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from sety_console.api.models import CreateIncidentRequest

_PHONE = re.compile(r"^\+?[\d\s().\-]+$")
_MIN_PHONE_DIGITS = 5

# (location of a pydantic error) → field name of the dialog
_FIELDS: dict[tuple[str | int, ...], str] = {
    ("category",): "category",
    ("severity",): "severity",
    ("subject", "name"): "name",
    ("subject", "phone"): "phone",
    ("subject", "email"): "email",
    ("subject", "reference"): "reference",
    ("location", "coordinates", 0): "lng",
    ("location", "coordinates", 1): "lat",
    ("location", "address"): "address",
    ("location", "landmark"): "landmark",
    ("title",): "title",
    ("description",): "description",
    ("is_drill",): "drill",
}


@dataclass(frozen=True, slots=True)
class CreateForm:
    """What the operator typed (already stripped; empty strings for empty fields)."""

    category: str
    severity: str
    name: str
    phone: str
    email: str
    reference: str
    lat: str
    lng: str
    address: str
    landmark: str
    title: str
    description: str
    is_drill: bool
    idempotency_key: str


def parse_coordinate(text: str, name: str, limit: float) -> tuple[float | None, str | None]:
    """(value, None) or (None, message) for a latitude/longitude typed by hand."""
    if not text:
        return None, f"Required: the {name}, e.g. {'6.4474' if name == 'latitude' else '3.4746'}."
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None, f"Enter the {name} as a number, e.g. {'6.4474' if name == 'latitude' else '3.4746'}."
    if not -limit <= value <= limit:
        return None, f"The {name} must be between -{limit:g} and {limit:g}."
    return value, None


def _local_checks(form: CreateForm) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not form.category:
        errors["category"] = "Choose a category."
    if not form.name:
        errors["name"] = "Required: who is this incident about?"
    digits = sum(ch.isdigit() for ch in form.phone)
    if form.phone and (not _PHONE.match(form.phone) or digits < _MIN_PHONE_DIGITS):
        errors["phone"] = "Not a phone number: use digits, spaces and a leading +."
    return errors


def validate(form: CreateForm) -> tuple[CreateIncidentRequest | None, dict[str, str]]:
    """(request, {}) when everything is valid, else (None, {field: message})."""
    errors = _local_checks(form)
    lat, lat_error = parse_coordinate(form.lat, "latitude", 90)
    lng, lng_error = parse_coordinate(form.lng, "longitude", 180)
    if lat_error:
        errors["lat"] = lat_error
    if lng_error:
        errors["lng"] = lng_error
    data = _request_data(form, (lng or 0.0, lat or 0.0))
    try:
        request = CreateIncidentRequest.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            field = _field_of(error["loc"])
            errors.setdefault(field, _message(error))
        return None, errors
    return (None, errors) if errors else (request, {})


def _request_data(form: CreateForm, coordinates: tuple[float, float]) -> dict[str, Any]:
    def optional(value: str) -> str | None:
        return value or None

    subject = {"name": form.name, "phone": optional(form.phone), "email": optional(form.email)}
    subject["reference"] = optional(form.reference)
    location = {
        "coordinates": coordinates,
        "address": optional(form.address),
        "landmark": optional(form.landmark),
    }
    data: dict[str, Any] = {
        "category": form.category or "sos",  # a missing choice is reported by the local checks
        "severity": form.severity,
        "idempotency_key": form.idempotency_key,
        "subject": {k: v for k, v in subject.items() if v is not None},
        "location": {k: v for k, v in location.items() if v is not None},
        "is_drill": form.is_drill,
    }
    if form.title:
        data["title"] = form.title
    if form.description:
        data["description"] = form.description
    return data


def _field_of(loc: tuple[Any, ...]) -> str:
    for length in range(len(loc), 0, -1):
        field = _FIELDS.get(tuple(loc[:length]))
        if field:
            return field
    if loc[:2] == ("location", "coordinates"):
        return "lat"
    return "form"


def _message(error: Any) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "string_too_short":
        return "Required." if ctx.get("min_length") == 1 else f"At least {ctx.get('min_length')} characters."
    if kind == "string_too_long":
        return f"Too long: at most {ctx.get('max_length')} characters."
    message = str(error.get("msg", "Not valid."))
    message = message.removeprefix("Value error, ")
    message = message[:1].upper() + message[1:]
    return message if message.endswith(".") else message + "."
