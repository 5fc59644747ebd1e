"""Request-model validation errors in words a guard understands."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError


def describe(error: ValidationError, labels: Mapping[str, str]) -> str:
    """`Phone: at most 32 characters. Host: required.`: one short sentence per failing field."""
    sentences = []
    for item in error.errors():
        location = [str(part) for part in item.get("loc", ()) if isinstance(part, str)]
        message = item.get("msg", "invalid")
        field = location[0] if location else _field_in(message, labels)
        label = labels.get(field, field.replace("_", " ").capitalize()) if field else ""
        sentences.append(f"{label}: {_plain(item)}" if label else _plain(item))
    return " ".join(s if s.endswith(".") else s + "." for s in sentences)


def _field_in(message: str, labels: Mapping[str, str]) -> str:
    """Model-level errors name their field at the start of the message (`valid_until: must be …`)."""
    head = message.removeprefix("Value error, ").split(":", 1)[0].strip()
    return head if head in labels else ""


def _plain(item: Mapping[str, object]) -> str:
    kind = str(item.get("type", ""))
    context = item.get("ctx")
    limits = context if isinstance(context, dict) else {}
    if kind == "string_too_short" and limits.get("min_length") == 1:
        return "required"
    if kind == "string_too_long":
        return f"at most {limits.get('max_length')} characters"
    if kind in ("missing", "none_required"):
        return "required"
    message = str(item.get("msg", "invalid")).removeprefix("Value error, ")
    return message.split(":", 1)[1].strip() if ":" in message else message
