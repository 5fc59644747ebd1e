"""Operator wording shared by every workspace (plain text, no Qt)."""

from __future__ import annotations


def error_text(error: BaseException) -> str:
    """An error as one sentence for an operator: the API's errors already are; others get their type named."""
    text = str(error).strip()
    if not text:
        return f"{type(error).__name__} (no details)."
    return text if text.endswith((".", ")", "!", "?")) else text + "."
