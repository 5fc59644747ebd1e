"""Running coroutines from Qt slots (on the qasync loop) and turning failures into words."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["error_text", "spawn"]

log = logging.getLogger(__name__)
T = TypeVar("T")


def error_text(exc: BaseException) -> str:
    """One sentence for an operator (the API's errors already are; others get their type named)."""
    text = str(exc).strip()
    if not text:
        return f"{type(exc).__name__} (no details)"
    return text if text.endswith((".", ")")) else text + "."


def spawn(coro: Coroutine[Any, Any, T], name: str) -> asyncio.Task[T]:
    """Start `coro` on the current loop; an unexpected exception is logged, never lost silently."""
    task = asyncio.get_event_loop().create_task(coro, name=name)
    task.add_done_callback(_log_failure)
    return task


def _log_failure(task: asyncio.Task[Any]) -> None:
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        log.error("%s failed", task.get_name(), exc_info=exc)
