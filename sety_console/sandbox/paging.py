"""One page of a query: `LIMIT`/`OFFSET` that never overflows the database's integers.

A `page` far past the end (`page=10**30`) is a valid request for an empty page, but
`(page - 1) * limit` would overflow SQLite's and PostgreSQL's 64-bit integers (a 500); such a page
is answered empty without asking the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

T = TypeVar("T")

MAX_OFFSET = 2**62
"""No table holds this many rows; an offset beyond it is past the end by definition."""


def page_offset(page: int, limit: int) -> int | None:
    """The offset of `page` (1-based), or None when it is beyond any possible row."""
    offset = (page - 1) * limit
    return offset if offset <= MAX_OFFSET else None


def fetch_page(session: Session, stmt: Select[Any], page: int, limit: int) -> list[Any]:
    """The rows (first column) of one page of `stmt`; empty when the page lies past any row."""
    offset = page_offset(page, limit)
    if offset is None:
        return []
    return list(session.scalars(stmt.limit(limit).offset(offset)))


def slice_page(items: Sequence[T], page: int, limit: int) -> Sequence[T]:
    """One page of an in-memory list (same rule)."""
    offset = page_offset(page, limit)
    return [] if offset is None else items[offset : offset + limit]
