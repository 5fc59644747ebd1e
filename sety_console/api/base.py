"""The request layer under `SetyClient`: one HTTP exchange with budget, retries, errors and parsing.

Every call goes: wait for the rate budget → send → feed the answer's headers to the budget → map a
non-2xx answer or an httpx failure to a typed `SetyError` → decode JSON → validate into the model.
Operation modules (`operations/`) build on `_call` and `_send`; nothing else touches httpx.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import TracebackType
from typing import Any, ClassVar, Self, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from sety_console import __version__

from .errors import RequestValidationError, ResponseFormatError, SetyError, error_for_status, transport_error
from .models import RequestModel, mark_replay
from .ratelimit import RateBudget
from .retry import RetryPolicy, call_with_retries

__all__ = ["DEFAULT_USER_AGENT", "IDEMPOTENCY_HEADER", "BaseClient", "check_idempotency_key"]

log = logging.getLogger("sety_console.api")

DEFAULT_TIMEOUT_S = 6.0
"""Each attempt's limit: short enough that a hung server is noticed well within the 15 s after which
the console calls its picture offline."""
CONNECT_TIMEOUT_S = 3.0
DEFAULT_USER_AGENT = f"sety-console/{__version__}"
_KEY_CHARS = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no spaces: anything else breaks the header
_MAX_MESSAGE = 500
IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
SUCCESS_STATUSES = (200, 201, 204)
"""The only 2xx statuses the contract uses; any other 2xx is a `ResponseFormatError`."""

_REQUEST_HEADERS: ContextVar[Mapping[str, str] | None] = ContextVar("sety_request_headers", default=None)
"""Extra headers of the requests sent inside `BaseClient.request_headers` (per task, never shared)."""

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R", bound=RequestModel)


def _api_url(base_url: str) -> httpx.URL:
    url = httpx.URL(base_url.rstrip("/") + "/")
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"The API address must be an http(s) URL, not {base_url!r}")
    return url


def _auth_header(api_key: str | None) -> dict[str, str]:
    if api_key is None:
        return {}
    if not _KEY_CHARS.match(api_key):
        raise ValueError("The API key contains spaces or characters that cannot be sent")
    return {"Authorization": f"Bearer {api_key}"}


class BaseClient:
    """Connection, authentication, rate budget, retries and error mapping shared by every operation."""

    SERVER_NAME: ClassVar[str] = "the Sety API"
    """What errors call the server (a control-room hub's client says "the control-room hub")."""
    ACTED_AT_HEADER: ClassVar[str | None] = None
    """The header that carries when the operator acted, on servers that keep it (a control-room hub:
    `X-Sety-Acted-At`); None for Sety itself, whose contract has no such header."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = DEFAULT_TIMEOUT_S,
        budget: RateBudget | None = None,
        retry: RetryPolicy | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        idempotency_honoured: bool | None = None,
    ) -> None:
        url = _api_url(base_url)
        headers = {"Accept": "application/json", "User-Agent": user_agent, **_auth_header(api_key)}
        self.base_url = str(url)
        self.budget = budget if budget is not None else RateBudget()
        self.retry = retry if retry is not None else RetryPolicy()
        self.timeout = timeout
        self.idempotency_honoured = idempotency_honoured
        """True once the server is known to honour `Idempotency-Key` (told, or seen in a replay)."""
        self._http = httpx.AsyncClient(
            base_url=url,
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT_S)),
            transport=transport,
            follow_redirects=False,
        )

    def retarget(self, base_url: str, api_key: str | None) -> None:
        """Talk to `base_url` with `api_key` from now on (the embedded sandbox started or restarted)."""
        url = _api_url(base_url)
        self._http.headers.pop("Authorization", None)
        self._http.headers.update(_auth_header(api_key))
        self._http.base_url = url
        self.base_url = str(url)
        self.budget.reset()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections (the client cannot be used afterwards)."""
        await self._http.aclose()

    def __repr__(self) -> str:  # never shows the key
        return f"{type(self).__name__}({self.base_url!r})"

    @contextmanager
    def request_headers(self, headers: Mapping[str, str]) -> Iterator[None]:
        """Add `headers` to every request this task sends inside the block (retries included):

        with client.request_headers({"X-Sety-Acted-At": entry.created_at.isoformat()}):
            await client.add_incident_note(…)
        """
        token = _REQUEST_HEADERS.set({**(_REQUEST_HEADERS.get() or {}), **headers})
        try:
            yield
        finally:
            _REQUEST_HEADERS.reset(token)

    # ----------------------------------------------------------------- requests

    async def _call(
        self,
        model: type[M],
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
        retry: bool | None = None,
        metered: bool = True,
        idempotency_key: str | None = None,
    ) -> M:
        """Send one operation and return its answer as `model` (marked when it was a replay)."""
        response = await self._send(
            method,
            path,
            params=params,
            body=body,
            retry=retry,
            metered=metered,
            idempotency_key=idempotency_key,
        )
        answer = self._parse(model, response, f"{method} {path}")
        if _replayed(response):
            mark_replay(answer)
        return answer

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
        retry: bool | None = None,
        metered: bool = True,
        idempotency_key: str | None = None,
    ) -> httpx.Response:
        """Send and return a 200, 201 or 204 answer, or raise a `SetyError`.

        Retried when `retry` (default: GETs only). A write with an `idempotency_key` sends it as the
        `Idempotency-Key` header on every attempt and is retried after failures that never reached the
        server; after an ambiguous one (the server may have acted) only once the server is known to
        honour the header (`idempotency_honoured`), else the caller decides (the core's outbox looks
        the write up first).
        """
        operation = f"{method} {path}"
        headers = None
        if idempotency_key is not None:
            headers = {IDEMPOTENCY_HEADER: check_idempotency_key(idempotency_key)}
        keyed = idempotency_key is not None
        safe_to_repeat = (method == "GET" or keyed) if retry is None else retry
        policy = self.retry if safe_to_repeat else RetryPolicy.never()

        def may_repeat(error: SetyError) -> bool:
            return not (keyed and retry is None and error.ambiguous) or self.idempotency_honoured is True

        async def attempt() -> httpx.Response:
            return await self._attempt(method, path, params, body, headers, metered=metered)

        return await call_with_retries(policy, attempt, what=operation, may_repeat=may_repeat)

    async def _attempt(
        self,
        method: str,
        path: str,
        params: dict[str, str] | None,
        body: dict[str, Any] | None,
        headers: dict[str, str] | None,
        *,
        metered: bool,
    ) -> httpx.Response:
        operation = f"{method} {path}"
        if metered:
            await self.budget.acquire(user=method != "GET")
        extra = _REQUEST_HEADERS.get()
        if extra:
            headers = {**extra, **(headers or {})}
        try:
            response = await self._http.request(method, path, params=params, json=body, headers=headers)
        except httpx.InvalidURL as exc:
            raise RequestValidationError(f"The request address is invalid ({exc})") from exc
        except httpx.HTTPError as exc:
            error = self._named(transport_error(exc, operation))
            log.warning("%s: %s", operation, error)
            raise error from exc
        if metered:
            self.budget.update(response.headers, status=response.status_code)
        if _replayed(response) and self.idempotency_honoured is not True:
            log.info("the server honours Idempotency-Key (it replayed %s from its record)", operation)
            self.idempotency_honoured = True
        if response.status_code in SUCCESS_STATUSES:
            return response
        if response.is_success:  # 202 "accepted, not done", 206 "partial": not an answer we can trust
            raise ResponseFormatError(
                f"The Sety API answered HTTP {response.status_code}, which it never answers on success",
                status=response.status_code,
                request_id=response.headers.get("X-Request-Id"),
                operation=operation,
            )
        raise self._error(response, operation)

    # ----------------------------------------------------------------- answers

    def _named(self, error: SetyError) -> SetyError:
        """`error` with the server called what it is (the default words say "the Sety API")."""
        name = self.SERVER_NAME
        if name != BaseClient.SERVER_NAME:
            error.message = error.message.replace("The Sety API", name[:1].upper() + name[1:]).replace(
                "the Sety API", name
            )
        return error

    def _error(self, response: httpx.Response, operation: str) -> SetyError:
        """The typed error for a non-2xx answer, readable even when the body is not JSON."""
        status = response.status_code
        message, field, request_id = _error_fields(response.content)
        request_id = request_id or response.headers.get("X-Request-Id")
        retry_after = self.budget.retry_after(response.headers) if status == 429 else 0.0
        if 300 <= status < 400 and message is None:
            location = response.headers.get("Location", "another address")
            message = f"The Sety API redirected the request to {location}; check the API address"
        error = self._named(
            error_for_status(
                status,
                message,
                field=field,
                request_id=request_id,
                operation=operation,
                retry_after=retry_after,
            )
        )
        # A refusal (4xx) is an answer the caller handles; a server fault (5xx) is worth a warning.
        level = logging.WARNING if status >= 500 or status == 429 else logging.INFO
        log.log(
            level, "%s answered HTTP %d: %s (request_id=%s)", operation, status, error.message, request_id
        )
        return error

    def _parse(self, model: type[M], response: httpx.Response, operation: str) -> M:
        """Decode and validate a 2xx body; anything off-contract becomes a `ResponseFormatError`."""
        status = response.status_code
        request_id = response.headers.get("X-Request-Id")
        if not response.content.strip():
            raise ResponseFormatError(
                "The Sety API sent an empty answer", status=status, request_id=request_id, operation=operation
            )
        try:
            data = json.loads(response.content)
        except (ValueError, RecursionError) as exc:
            raise ResponseFormatError(
                "The Sety API sent an answer that is not JSON",
                status=status,
                request_id=request_id,
                operation=operation,
            ) from exc
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            error = _describe(exc, status, request_id, operation)
            log.warning("%s: %s", operation, error)
            raise error from exc
        except (ValueError, TypeError, RecursionError) as exc:  # a validator failing outside pydantic
            raise ResponseFormatError(
                f"{ResponseFormatError.default_message} ({type(exc).__name__})",
                status=status,
                request_id=request_id,
                operation=operation,
            ) from exc

    @staticmethod
    def _request_model(model: type[R], what: str, **fields: Any) -> R:
        """Build a request body from keyword arguments (None left out); bad input is refused locally."""
        try:
            return model.model_validate({k: v for k, v in fields.items() if v is not None})
        except ValidationError as exc:
            problem = exc.errors()[0]
            field = ".".join(str(part) for part in problem["loc"]) or None
            raise RequestValidationError(f"The {what} is invalid: {problem['msg']}", field=field) from exc


def check_idempotency_key(key: str) -> str:
    """`key` if it can be an `Idempotency-Key` (1–255 printable ASCII characters), else a local error."""
    if not 1 <= len(key) <= 255 or not _KEY_CHARS.match(key):
        raise RequestValidationError(
            "The idempotency key must be 1 to 255 printable ASCII characters", field="Idempotency-Key"
        )
    return key


def _replayed(response: httpx.Response) -> bool:
    value: str = response.headers.get(REPLAYED_HEADER, "")
    return value.strip().lower() == "true"


def _error_fields(content: bytes) -> tuple[str | None, str | None, str | None]:
    """(message, field, request_id) of an `Error` body; all None when the body is not one."""
    try:
        data = json.loads(content) if content.strip() else None
    except (ValueError, RecursionError):
        return None, None, None
    if isinstance(data, dict) and "message" not in data and isinstance(data.get("error"), dict):
        data = data["error"]  # tolerate a `{"error": {...}}` wrapper
    if not isinstance(data, dict):
        return None, None, None
    message = _text(data.get("message")) or _text(data.get("detail"))
    return message, _text(data.get("field")), _text(data.get("request_id"))


def _text(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    value = " ".join(value.split())
    return value if len(value) <= _MAX_MESSAGE else value[: _MAX_MESSAGE - 1] + "…"


def _describe(
    exc: ValidationError, status: int, request_id: str | None, operation: str
) -> ResponseFormatError:
    problems = exc.errors()
    first = problems[0]
    where = ".".join(str(part) for part in first["loc"]) or "body"
    more = f" and {len(problems) - 1} more problem(s)" if len(problems) > 1 else ""
    return ResponseFormatError(
        f"{ResponseFormatError.default_message}: {where}: {first['msg']}{more}",
        status=status,
        field=where,
        request_id=request_id,
        operation=operation,
    )
