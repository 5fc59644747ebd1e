"""The contract's `Error` body for every non-2xx answer, and the handlers that produce it."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Route

from .ids import new_id

log = logging.getLogger(__name__)

_STATUS_MESSAGES = {
    401: "Missing or invalid API key",
    402: "Your plan does not include API access or the subscription is suspended",
    404: "Not found",
    405: "Method not allowed",
    500: "Unexpected server error; contact support with the request_id",
}


class ApiError(Exception):
    """An answer with the `Error` body: `code` repeats the status; `field` only on 400."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.message = message or _STATUS_MESSAGES.get(status, "Request failed")
        self.field = field
        self.headers = headers or {}
        super().__init__(self.message)


def bad_request(field: str | None, message: str) -> ApiError:
    """A 400 naming the offending field (its dotted path) in both `field` and `message`."""
    text = f"{field}: {message}" if field and not message.startswith(f"{field}:") else message
    return ApiError(400, text, field=field)


def not_found(resource: str) -> ApiError:
    """404 with the contract's `<Resource> not found` message."""
    return ApiError(404, f"{resource} not found")


def request_id(request: Request) -> str:
    """The request's `req_…` id (made on first use)."""
    state = request.state
    if not getattr(state, "request_id", None):
        state.request_id = new_id("req")
    return str(state.request_id)


def error_response(request: Request, error: ApiError) -> JSONResponse:
    body: dict[str, Any] = {"code": error.status, "message": error.message}
    if error.status == 400 and error.field:
        body["field"] = error.field
    body["request_id"] = request_id(request)
    return JSONResponse(body, status_code=error.status, headers=error.headers)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(request, exc)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    message = _STATUS_MESSAGES.get(exc.status_code) or str(exc.detail)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    return error_response(request, ApiError(exc.status_code, message, headers=headers))


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (each route of FastAPI has only its own)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, Route) and route.methods and route.matches(request.scope)[0] != Match.NONE:
            methods |= route.methods
    return sorted(methods)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    # Routes validate by hand; this only catches what FastAPI itself checks (path parameters).
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    loc = [str(p) for p in errors[0].get("loc", ())[1:]] if errors else []
    field = ".".join(loc) or None
    message = str(errors[0].get("msg", "invalid request")) if errors else "invalid request"
    return error_response(request, bad_request(field, message))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(request, ApiError(500))


def install_error_handlers(app: FastAPI) -> None:
    """Make every failure, the framework's own included, answer with the `Error` body."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
