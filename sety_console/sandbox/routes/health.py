"""Health: reachability, needs no key and is not rate-limited."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from sety_console.api.models import HealthStatus

from ..auth import sandbox_of
from ..responses import model_response
from ..validation import no_query

router = APIRouter(tags=["Health"])


@router.get("/health")
def health_check(request: Request) -> Response:
    no_query(request)
    now = sandbox_of(request).clock.now()
    return model_response(HealthStatus(status="ok", api_version="v1", timestamp=now))
