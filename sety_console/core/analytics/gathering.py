"""Walking paged incident lists with progress, and closing iterators promptly (plain asyncio, no Qt)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from sety_console.api.models import IncidentPage
from sety_console.core.analytics.stats import IncidentStats

__all__ = ["PageProgress", "aclose_quietly", "gather_stats"]


@dataclass(frozen=True, slots=True)
class PageProgress:
    """After each page: pages read, pages in all (None until the server says), incidents counted."""

    pages_done: int
    total_pages: int | None
    incidents: int
    total_incidents: int | None


async def aclose_quietly(iterator: AsyncIterator[Any]) -> None:
    """Close an async generator (stops its next request); anything without `aclose` is left alone."""
    close = getattr(iterator, "aclose", None)
    if close is not None:
        await close()


async def gather_stats(
    pages: AsyncIterator[IncidentPage],
    stats: IncidentStats,
    on_page: Callable[[PageProgress], None] = lambda _: None,
) -> IncidentStats:
    """Add every page's incidents to `stats`, reporting progress after each page.

    Cancelling the awaiting task stops at once: the iterator is closed, so no further page is asked
    for, and `stats` keeps what was counted so far.
    """
    done = 0
    try:
        async for page in pages:
            done += 1
            stats.add(page.data)
            total_pages = page.pagination.total_pages or None
            on_page(PageProgress(done, total_pages, stats.total, page.pagination.total or None))
            await asyncio.sleep(0)  # let the window repaint between pages
    finally:
        await aclose_quietly(pages)
    return stats
