"""The contract's `Error` body for every refusal the hub gives, and for what Sety refused."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from sety_console.api.errors import SetyError

log = logging.getLogger(__name__)

MESSAGES = {
    401: "Missing or invalid hub token",
    404: "Not found",
    405: "Method not allowed",
    500: "Unexpected error in the control-room hub",
    503: "The control-room hub cannot reach the Sety API right now",
}


class HubError(Exception):
    """A refusal with the contract's `Error` body (`field` only on 400)."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
        request_id: str | None = None,
    ) -> None:
        self.status = status
        self.message = message or MESSAGES.get(status, "Request failed")
        self.field = field
        self.headers = headers or {}
        self.request_id = request_id
        super().__init__(self.message)

    def body(self, request_id: str) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.status, "message": self.message}
        if self.status == 400 and self.field:
            body["field"] = self.field
        body["request_id"] = self.request_id or request_id
        return body


def bad_request(field: str | None, message: str) -> HubError:
    text = f"{field}: {message}" if field and not message.startswith(f"{field}:") else message
    return HubError(400, text, field=field)


def from_sety(error: SetyError) -> HubError:
    """What to tell a workstation when Sety refused or could not be reached."""
    if error.status is None:
        return HubError(503, f"{MESSAGES[503]}: {error.message}", headers={"Retry-After": "2"})
    if error.status == 401:  # the hub's key, not the workstation's token: never blame the operator
        return HubError(
            503,
            "The Sety API refused the control-room hub's key; tell whoever runs the hub",
            headers={"Retry-After": "30"},
        )
    headers = (
        {"Retry-After": str(max(1, round(getattr(error, "retry_after", 1.0))))} if error.status == 429 else {}
    )
    return HubError(
        error.status, error.message, field=error.field, headers=headers, request_id=error.request_id
    )


def request_id(request: Request) -> str:
    if not getattr(request.state, "request_id", None):
        request.state.request_id = "req_hub" + uuid.uuid4().hex[:13]
    return str(request.state.request_id)


def error_response(request: Request, error: HubError) -> JSONResponse:
    return JSONResponse(error.body(request_id(request)), status_code=error.status, headers=error.headers)


async def _hub_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HubError)
    return error_response(request, exc)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return error_response(
        request, HubError(exc.status_code, MESSAGES.get(exc.status_code) or str(exc.detail))
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    field = ".".join(str(p) for p in first.get("loc", ())[1:]) or None
    return error_response(request, bad_request(field, str(first.get("msg", "invalid request"))))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(request, HubError(500))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HubError, _hub_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
