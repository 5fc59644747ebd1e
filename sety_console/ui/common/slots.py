"""The one way to run a coroutine from Qt: `@async_slot` on a method, or `run_task(coro, what)`.

Both run on the qasync loop. A failure is logged with its traceback and told to the operator through
the reporter the composition root installs (`set_failure_reporter`) — never "Task exception was never
retrieved". A slot still awaiting when its widget is destroyed (the window closed mid-request) ends
quietly instead of raising "Internal C++ object already deleted".
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar, cast

from qasync import asyncSlot

from sety_console.core.wording import error_text

P = ParamSpec("P")
R = TypeVar("R")
log = logging.getLogger(__name__)
_report: Callable[[str], None] = lambda message: None  # noqa: E731 (replaced by the composition root)


def set_failure_reporter(report: Callable[[str], None]) -> None:
    """Where unexpected failures are told (the status bar); set once by `app`."""
    global _report
    _report = report


def _widget_gone(exc: BaseException) -> bool:
    return isinstance(exc, RuntimeError) and "already deleted" in str(exc)


async def _guarded(coro: Coroutine[Any, Any, R], what: str) -> R | None:
    try:
        return await coro
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        if _widget_gone(exc):
            log.debug("%s finished after its widget was closed", what)
            return None
        log.exception("%s failed", what)
        with contextlib.suppress(RuntimeError):  # the window is gone too
            _report(f"Something went wrong ({what}): {error_text(exc)}")
        return None


def run_task(coro: Coroutine[Any, Any, R], what: str) -> asyncio.Task[R | None]:
    """Start `coro` on the running loop; `what` names it in the log and in the operator's message."""
    return asyncio.get_event_loop().create_task(_guarded(coro, what), name=what)


def async_slot(
    *signal_types: type,
) -> Callable[[Callable[P, Coroutine[Any, Any, R]]], Callable[P, asyncio.Task[R]]]:
    """Decorate a coroutine method so that calling it (from a signal) starts it as a guarded task."""

    def decorate(method: Callable[P, Coroutine[Any, Any, R]]) -> Callable[P, asyncio.Task[R]]:
        @functools.wraps(method)
        async def guarded(*args: P.args, **kwargs: P.kwargs) -> R | None:
            return await _guarded(method(*args, **kwargs), method.__qualname__)

        return cast(Callable[P, asyncio.Task[R]], asyncSlot(*signal_types)(guarded))

    return decorate
