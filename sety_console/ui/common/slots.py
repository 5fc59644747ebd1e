"""`qasync.asyncSlot` with types: the decorated method returns the `asyncio.Task` it starts.

A slot that is still awaiting when its widget is destroyed (the window closed mid-request) ends
quietly instead of raising "Internal C++ object already deleted" into the loop's error handler.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar, cast

from qasync import asyncSlot

P = ParamSpec("P")
R = TypeVar("R")
log = logging.getLogger(__name__)


def _widget_gone(exc: RuntimeError) -> bool:
    return "already deleted" in str(exc)


def async_slot(
    *signal_types: type,
) -> Callable[[Callable[P, Coroutine[Any, Any, R]]], Callable[P, asyncio.Task[R]]]:
    """Run the coroutine method on the asyncio loop when the slot is called; errors go to the loop's
    exception handler (slots catch and show their own)."""

    def decorate(method: Callable[P, Coroutine[Any, Any, R]]) -> Callable[P, asyncio.Task[R]]:
        @functools.wraps(method)
        async def guarded(*args: P.args, **kwargs: P.kwargs) -> R | None:
            try:
                return await method(*args, **kwargs)
            except RuntimeError as exc:
                if not _widget_gone(exc):
                    raise
                log.debug("%s finished after its widget was closed", method.__qualname__)
                return None

        return cast(Callable[P, asyncio.Task[R]], asyncSlot(*signal_types)(guarded))

    return decorate
