"""Typed errors of the Sety API client: one class per documented status, transport and format errors.

Every failure of a `SetyClient` call is a `SetyError`; no bare httpx, pydantic or json exception
escapes. Two flags tell the caller what to do next:

* `ambiguous`: the request may have reached the server and been acted on (read timeout, connection
  lost after the request was written, 5xx). A refused connection or a 4xx is not ambiguous. The core's
  outbox uses it to decide between "failed, safe to resend as new" and "unknown, resend idempotently".
* `transient`: trying again later may succeed (transport errors, 429, 5xx); 4xx are permanent.

`str(error)` is one sentence an operator understands; it ends with the HTTP status and the server's
`request_id` (to quote to Sety support) when there is one.
"""

from __future__ import annotations

import math
from typing import ClassVar

import httpx

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "ConnectionLostError",
    "NotFoundError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "RateLimitedError",
    "RequestValidationError",
    "ResponseFormatError",
    "ServerError",
    "SetyConnectError",
    "SetyError",
    "SetyTimeoutError",
    "TransportError",
    "error_for_status",
    "transport_error",
]


class SetyError(Exception):
    """Any failure of a Sety API call.

    Attributes: `status` (HTTP status, None when no answer came), `message` (the server's message, or
    a sentence built from the status), `field` (dotted path of the offending field, on 400),
    `request_id` (the server's `req_…` id), `operation` (e.g. `GET /incidents`), `ambiguous`.
    """

    default_message: ClassVar[str] = "The Sety API request failed"
    default_ambiguous: ClassVar[bool] = False
    transient: ClassVar[bool] = False
    """True when the same request may succeed later (transport errors, 429, 5xx)."""

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        field: str | None = None,
        request_id: str | None = None,
        operation: str | None = None,
        ambiguous: bool | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.status = status
        self.field = field
        self.request_id = request_id
        self.operation = operation
        self.ambiguous = self.default_ambiguous if ambiguous is None else ambiguous
        super().__init__(self.message)

    def __str__(self) -> str:
        details = []
        if self.status is not None:
            details.append(f"HTTP {self.status}")
        if self.field:
            details.append(f"field {self.field}")
        if self.request_id:
            details.append(f"request {self.request_id}")
        sentence = self.message.rstrip(".")
        return f"{sentence} ({', '.join(details)})." if details else f"{sentence}."

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, status={self.status!r}, "
            f"request_id={self.request_id!r}, ambiguous={self.ambiguous!r})"
        )


class RequestValidationError(SetyError, ValueError):
    """The caller's arguments break the contract; nothing was sent."""

    default_message = "The request is invalid and was not sent"


class BadRequestError(SetyError):
    """400: the server rejected the request as invalid; `field` names the offending field."""

    default_message = "The Sety API rejected the request as invalid"


class AuthenticationError(SetyError):
    """401: the API key is missing, malformed, unknown or revoked."""

    default_message = "The Sety API refused the API key (missing, unknown or revoked)"


class PaymentRequiredError(SetyError):
    """402: the organization's plan has no API access, or its subscription is suspended."""

    default_message = "The organization's Sety plan has no API access or is suspended"


class PermissionDeniedError(SetyError):
    """403: the API key lacks the scope this operation needs."""

    default_message = "The API key is not allowed to do this (missing scope)"


class NotFoundError(SetyError):
    """404: no such resource, or it belongs to another organization or environment."""

    default_message = "Not found (or it belongs to another organization or environment)"


class ConflictError(SetyError):
    """409: the resource is in a state that does not allow this action."""

    default_message = "The action does not fit the current state of the resource"


class RateLimitedError(SetyError):
    """429: the plan's per-minute limit is used up; `retry_after` says how long to wait, in seconds."""

    default_message = "Too many requests to the Sety API"
    transient = True

    def __init__(
        self,
        message: str | None = None,
        *,
        retry_after: float,
        status: int | None = 429,
        field: str | None = None,
        request_id: str | None = None,
        operation: str | None = None,
        ambiguous: bool | None = None,
    ) -> None:
        super().__init__(
            message,
            status=status,
            field=field,
            request_id=request_id,
            operation=operation,
            ambiguous=ambiguous,
        )
        self.retry_after = max(0.0, retry_after)

    def __str__(self) -> str:
        return f"{super().__str__()} Retry in {math.ceil(self.retry_after)} s."


class ServerError(SetyError):
    """5xx: the server (or a proxy in front of it) failed; the request may have been acted on."""

    default_message = "The Sety API failed on its side"
    default_ambiguous = True
    transient = True


class ResponseFormatError(SetyError):
    """The answer does not match the contract (not JSON, wrong shape); it came after the server acted."""

    default_message = "The Sety API sent an answer this console cannot read"
    default_ambiguous = True


class TransportError(SetyError):
    """No usable HTTP answer: the network or the server's connection failed."""

    default_message = "The connection to the Sety API failed"
    default_ambiguous = True
    transient = True


class SetyTimeoutError(TransportError):
    """The API did not answer in time (ambiguous unless the connection was never made)."""

    default_message = "The Sety API did not answer in time"


class SetyConnectError(TransportError):
    """The connection could not be made (refused, DNS, TLS, proxy): the request was never sent."""

    default_message = "Could not connect to the Sety API"
    default_ambiguous = False


class ConnectionLostError(TransportError):
    """The connection was reset or dropped while the request or its answer was on the wire."""

    default_message = "The connection to the Sety API was lost during the request"


_STATUS_CLASSES: dict[int, type[SetyError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
}


def error_for_status(
    status: int,
    message: str | None = None,
    *,
    field: str | None = None,
    request_id: str | None = None,
    operation: str | None = None,
    retry_after: float = 0.0,
) -> SetyError:
    """The typed error for a non-2xx status; `message` None gives a sentence built from the status."""
    if status == 429:
        return RateLimitedError(
            message,
            retry_after=retry_after,
            status=status,
            field=field,
            request_id=request_id,
            operation=operation,
        )
    cls = ServerError if status >= 500 else _STATUS_CLASSES.get(status, SetyError)
    if message is None and cls in (ServerError, SetyError):
        message = _status_sentence(cls, status)
    return cls(message, status=status, field=field, request_id=request_id, operation=operation)


def _status_sentence(cls: type[SetyError], status: int) -> str:
    phrase = httpx.codes.get_reason_phrase(status) or "unexpected status"
    return f"{cls.default_message}: {phrase}"


def transport_error(exc: httpx.HTTPError, operation: str | None = None) -> SetyError:
    """The typed error for an httpx failure, with `ambiguous` set from where the exchange broke."""
    detail = str(exc).strip().rstrip(".") or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        never_sent = isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout)
        return SetyTimeoutError(
            f"{SetyTimeoutError.default_message}: {detail}", ambiguous=not never_sent, operation=operation
        )
    if isinstance(exc, httpx.ConnectError | httpx.ProxyError | httpx.UnsupportedProtocol):
        return SetyConnectError(f"{SetyConnectError.default_message}: {detail}", operation=operation)
    if isinstance(exc, httpx.LocalProtocolError):
        return SetyConnectError(f"The request could not be sent: {detail}", operation=operation)
    if isinstance(exc, httpx.DecodingError):
        return ResponseFormatError(f"{ResponseFormatError.default_message}: {detail}", operation=operation)
    return ConnectionLostError(f"{ConnectionLostError.default_message}: {detail}", operation=operation)
