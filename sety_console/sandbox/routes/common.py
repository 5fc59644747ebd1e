"""Pieces shared by the route modules."""

from __future__ import annotations

from fastapi import Request


async def raw_body(request: Request) -> bytes:
    """The request body, unparsed: routes validate it themselves after authentication."""
    return await request.body()
