"""Walking a paged list (`PaginatedResponse`) item by item."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

from .models import PaginatedResponse

__all__ = ["paginate"]

T = TypeVar("T")


async def paginate(
    fetch: Callable[[int], Awaitable[PaginatedResponse[T]]], *, first_page: int = 1
) -> AsyncIterator[T]:
    """Yield the items of `fetch(page)` for page 1, 2, … until `has_more` is false or a page is empty.

    Pages are fetched lazily, one at a time, as the caller consumes items. An error fetching a page
    propagates after the items already yielded.
    """
    page = first_page
    while True:
        result = await fetch(page)
        if not result.data:
            return
        for item in result.data:
            yield item
        if not result.pagination.has_more:
            return
        page += 1
