"""What the contract says about one operation: its method, path, query parameters and schemas."""

from __future__ import annotations

import re
from typing import Any

from jsonschema import Draft202012Validator

from tests.contract import operations, spec

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def snake_case(operation_id: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation_id).lower()


def operation(operation_id: str) -> tuple[str, str, dict[str, Any]]:
    """(method, path template, operation object) of one operationId."""
    for method, path, op in operations():
        if op["operationId"] == operation_id:
            return method, path, op
    raise KeyError(operation_id)


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def query_parameters(op: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Query parameters of an operation, by name, resolved."""
    params = [_resolve(p) for p in op.get("parameters", [])]
    return {p["name"]: p for p in params if p["in"] == "query"}


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator({**schema, "components": spec()["components"]})


def check_query_value(parameter: dict[str, Any], raw: str) -> None:
    """Assert that a query string value is what the parameter's schema allows."""
    schema = _resolve(parameter["schema"])
    if schema.get("type") == "array":
        value: Any = raw.split(",")
    elif schema.get("type") == "integer":
        value = int(raw)
    elif schema.get("type") == "number":
        value = float(raw)
    else:
        value = raw
    errors = [e.message for e in _validator(parameter["schema"]).iter_errors(value)]
    assert errors == [], f"{parameter['name']}={raw!r}: {errors}"
    if "date-time" in str(schema) and not DATE.match(raw):
        assert TIMESTAMP.match(raw), f"{parameter['name']}={raw!r} is not YYYY-MM-DDTHH:MM:SS.mmmZ"


def check_body(op: dict[str, Any], body: Any) -> None:
    """Assert that a request body validates against the operation's request schema."""
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    errors = [e.message for e in _validator(schema).iter_errors(body)]
    assert errors == [], errors


def success_schema(op: dict[str, Any], status: int) -> str | None:
    """Schema name of the operation's answer for `status` (None: no body)."""
    response = _resolve(op["responses"][str(status)])
    content = response.get("content")
    if not content:
        return None
    return str(content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1])


def success_statuses(op: dict[str, Any]) -> list[int]:
    return sorted(int(code) for code in op["responses"] if code.startswith("2"))
