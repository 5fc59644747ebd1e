"""Operator wording shared by every workspace (plain text, no Qt)."""

from __future__ import annotations

from sety_console.api.models import Category

CATEGORY_NAMES = {
    Category.sos: "SOS",
    Category.vehicle: "Vehicle",
    Category.location_threat: "Location threat",
    Category.medical: "Medical",
}


def category_name(category: Category) -> str:
    """`SOS`, `Location threat`, … or `Unknown (raw)` for a value this version does not know."""
    return CATEGORY_NAMES.get(category, category.label)


def error_text(error: BaseException) -> str:
    """An error as one sentence for an operator: the API's errors already are; others get their type named."""
    text = str(error).strip()
    if not text:
        return f"{type(error).__name__} (no details)."
    return text if text.endswith((".", ")", "!", "?")) else text + "."
