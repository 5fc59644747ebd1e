"""`qasync.asyncSlot` with types: the decorated method returns the `asyncio.Task` it starts."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar, cast

from qasync import asyncSlot

P = ParamSpec("P")
R = TypeVar("R")


def async_slot(
    *signal_types: type,
) -> Callable[[Callable[P, Coroutine[Any, Any, R]]], Callable[P, asyncio.Task[R]]]:
    """Run the coroutine method on the asyncio loop when the slot is called; errors go to the loop's
    exception handler (the gate's slots catch and show their own)."""
    return cast(
        Callable[[Callable[P, Coroutine[Any, Any, R]]], Callable[P, asyncio.Task[R]]],
        asyncSlot(*signal_types),
    )
