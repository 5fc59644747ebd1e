"""Signing and checking Sety webhook deliveries (`X-Sety-Signature`), shared by sender and receiver.

The header reads `t=<unix seconds>,v1=<64 lowercase hex>`; `v1` is the HMAC-SHA256, keyed with the
endpoint's secret (the whole `whsec_…` string, UTF-8), of the ASCII `<t>.` followed by the raw body.
A receiver recomputes it, compares in constant time, and refuses a `t` more than 300 s from its clock.

    header = sign(secret, body, timestamp)                  # the sandbox, when delivering
    payload = parse_webhook(secret, request_headers, body)  # the receiver: verify, then parse

Receivers should deduplicate on `X-Sety-Delivery` and order events by `data.incident.updated_at`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Mapping
from typing import Literal

from pydantic import ValidationError

from .models import WebhookPayload

__all__ = [
    "DELIVERY_HEADER",
    "EVENT_HEADER",
    "SIGNATURE_HEADER",
    "TOLERANCE_SECONDS",
    "WebhookError",
    "WebhookPayloadError",
    "WebhookSignatureError",
    "parse_webhook",
    "sign",
    "verify_signature",
]

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Sety-Signature"
EVENT_HEADER = "X-Sety-Event"
DELIVERY_HEADER = "X-Sety-Delivery"
TOLERANCE_SECONDS = 300

_HEX64 = re.compile(r"^[0-9a-f]{64}$")

SignatureProblem = Literal["malformed", "mismatch", "too_old", "too_new"]


class WebhookError(Exception):
    """A webhook delivery that must be refused (answer it with a 4xx)."""


class WebhookSignatureError(WebhookError):
    """The `X-Sety-Signature` header is missing, malformed, wrong, or outside the time tolerance.

    `reason` is one of `malformed`, `mismatch`, `too_old`, `too_new`.
    """

    def __init__(self, reason: SignatureProblem, message: str) -> None:
        super().__init__(message)
        self.reason: SignatureProblem = reason


class WebhookPayloadError(WebhookError):
    """The body is correctly signed but is not a `WebhookPayload` (not JSON, or the wrong shape)."""


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    if not secret:
        raise ValueError("the webhook secret must not be empty")
    signed = f"{timestamp}.".encode("ascii") + body
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The `X-Sety-Signature` value for `body` sent at `timestamp` (unix seconds; default now)."""
    when = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={when},v1={_digest(secret, when, body)}"


def _parse_header(header: str) -> tuple[int, list[str]]:
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            raise WebhookSignatureError(
                "malformed", f"signature header part {part.strip()!r} is not key=value"
            )
        if key == "t":
            if timestamp is not None or not value.isascii() or not value.isdigit():
                raise WebhookSignatureError("malformed", "signature header needs exactly one numeric t=")
            timestamp = int(value)
        elif key == "v1":
            if not _HEX64.match(value.lower()):
                raise WebhookSignatureError("malformed", "v1= must be 64 hexadecimal characters")
            signatures.append(value.lower())
        # other keys (future schemes) are ignored
    if timestamp is None or not signatures:
        raise WebhookSignatureError("malformed", "signature header needs t= and v1=")
    return timestamp, signatures


def verify_signature(
    secret: str, header: str, body: bytes, *, now: float | None = None, tolerance: int = TOLERANCE_SECONDS
) -> None:
    """Raise `WebhookSignatureError` unless `header` signs `body` with `secret` within `tolerance` s."""
    timestamp, signatures = _parse_header(header)
    expected = _digest(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise WebhookSignatureError("mismatch", "the signature does not match the body and secret")
    age = (time.time() if now is None else now) - timestamp
    if age > tolerance:
        raise WebhookSignatureError(
            "too_old", f"the delivery was signed {age:.0f} s ago (limit {tolerance} s)"
        )
    if age < -tolerance:
        raise WebhookSignatureError("too_new", f"the delivery is signed {-age:.0f} s in the future")


def parse_webhook(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> WebhookPayload:
    """Verify a delivery's signature, then parse its body; raise a `WebhookError` subclass otherwise."""
    by_name = {key.lower(): value for key, value in headers.items()}
    header = by_name.get(SIGNATURE_HEADER.lower())
    if header is None:
        raise WebhookSignatureError("malformed", f"the {SIGNATURE_HEADER} header is missing")
    verify_signature(secret, header, body, now=now, tolerance=tolerance)
    try:
        payload = WebhookPayload.model_validate(json.loads(body))
    except (ValueError, RecursionError) as exc:  # json errors and pydantic's ValidationError
        problem = _first_problem(exc) if isinstance(exc, ValidationError) else "the body is not JSON"
        raise WebhookPayloadError(f"the webhook body is not a Sety payload: {problem}") from exc
    event = by_name.get(EVENT_HEADER.lower())
    if event is not None and event != payload.event.value:
        # The body is signed, the header is not: trust the body.
        log.warning(
            "webhook %s header %r differs from the payload's event %r", EVENT_HEADER, event, payload.event
        )
    return payload


def _first_problem(exc: ValidationError) -> str:
    first = exc.errors()[0]
    return f"{'.'.join(str(p) for p in first['loc']) or 'body'}: {first['msg']}"
