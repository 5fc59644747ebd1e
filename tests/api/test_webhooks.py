"""Webhook signatures: what the sandbox signs, a receiver verifies; anything else is refused, typed."""

from __future__ import annotations

import json

import pytest

from sety_console.api import WebhookPayloadError, WebhookSignatureError, parse_webhook, sign, verify_signature
from sety_console.api.models import IncidentStatus, WebhookEventType
from tests.contract import example

SECRET = "whsec_5b2f8c1e9d4a7036b1e8f2c5d9a4e7b0"
T = 1773165980
BODY = json.dumps(example("webhook-incident.status_changed")).encode()


def test_known_answer_vector() -> None:
    """Computed independently: printf '1773165980.<body>' | openssl dgst -sha256 -hmac <secret>."""
    header = sign(SECRET, b'{"event":"incident.created"}', T)
    assert header == "t=1773165980,v1=8fa52e829183e9cddedb19dbe59a42529e4b77faabf80bc4b7afb215305c504f"


def test_signed_delivery_verifies() -> None:
    verify_signature(SECRET, sign(SECRET, BODY, T), BODY, now=T + 5)


@pytest.mark.parametrize("offset", [-300, 300])
def test_tolerance_bounds_are_inclusive(offset: int) -> None:
    verify_signature(SECRET, sign(SECRET, BODY, T), BODY, now=T + offset)


@pytest.mark.parametrize(
    ("body", "secret", "now", "reason"),
    [
        (BODY + b" ", SECRET, T, "mismatch"),
        (BODY.replace(b"responding", b"resolved"), SECRET, T, "mismatch"),
        (BODY, "whsec_other", T, "mismatch"),
        (BODY, SECRET, T + 301, "too_old"),
        (BODY, SECRET, T - 301, "too_new"),
    ],
)
def test_tampered_wrong_or_stale_deliveries_are_refused(
    body: bytes, secret: str, now: int, reason: str
) -> None:
    with pytest.raises(WebhookSignatureError) as caught:
        verify_signature(secret, sign(SECRET, BODY, T), body, now=now)
    assert caught.value.reason == reason


def test_custom_tolerance() -> None:
    with pytest.raises(WebhookSignatureError, match="ago"):
        verify_signature(SECRET, sign(SECRET, BODY, T), BODY, now=T + 61, tolerance=60)


GOOD_V1 = sign(SECRET, BODY, T).split("v1=")[1]


@pytest.mark.parametrize(
    "header",
    [
        "",
        "garbage",
        f"v1={GOOD_V1}",
        f"t={T}",
        f"t=abc,v1={GOOD_V1}",
        f"t=-5,v1={GOOD_V1}",
        f"t={T},t={T},v1={GOOD_V1}",
        f"t={T},v1=xyz",
        f"t={T},v1={GOOD_V1[:-1]}",
        f"t={T},v1={GOOD_V1},",
        f"t=１２３,v1={GOOD_V1}",  # non-ASCII digits
    ],
)
def test_malformed_headers_are_refused(header: str) -> None:
    with pytest.raises(WebhookSignatureError) as caught:
        verify_signature(SECRET, header, BODY, now=T)
    assert caught.value.reason == "malformed"


def test_header_variants_a_sender_may_use() -> None:
    """Spaces, upper-case hex, an extra scheme and a rotated secret's second v1 are accepted."""
    old = sign("whsec_old", BODY, T).split("v1=")[1]
    verify_signature(SECRET, f" t={T} , v1={old}, v1={GOOD_V1.upper()}, v0=legacy", BODY, now=T)


def test_empty_secret_is_a_configuration_error() -> None:
    with pytest.raises(ValueError):
        sign("", BODY, T)


def test_parse_webhook_verifies_then_parses() -> None:
    headers = {
        "x-sety-signature": sign(SECRET, BODY, T),  # header names in any case
        "X-Sety-Event": "incident.status_changed",
        "X-Sety-Delivery": "whd_7bt3m9pq1xw5cr0k",
    }
    payload = parse_webhook(SECRET, headers, BODY, now=T)
    assert payload.event == WebhookEventType("incident.status_changed")
    assert payload.data.incident.status == IncidentStatus.responding


def test_parse_webhook_accepts_a_wrapped_incident_and_unknown_events() -> None:
    body = example("webhook-incident.status_changed")
    body["event"] = "incident.teleported"
    body["data"]["incident"] = {"incident": body["data"]["incident"]}
    raw = json.dumps(body).encode()
    payload = parse_webhook(SECRET, {"X-Sety-Signature": sign(SECRET, raw, T)}, raw, now=T)
    assert payload.event.is_unknown
    assert payload.data.incident.incident_id.startswith("inc_")


def test_parse_webhook_without_signature_is_refused() -> None:
    with pytest.raises(WebhookSignatureError, match="missing"):
        parse_webhook(SECRET, {"X-Sety-Event": "incident.created"}, BODY, now=T)


def test_parse_webhook_checks_the_signature_before_the_body() -> None:
    with pytest.raises(WebhookSignatureError):
        parse_webhook(SECRET, {"X-Sety-Signature": sign("whsec_x", b"nope", T)}, b"nope", now=T)


@pytest.mark.parametrize("raw", [b"not json", b"[]", b'{"event": "incident.created"}', b'{"a":' * 5000])
def test_signed_but_unreadable_bodies_raise_payload_error(raw: bytes) -> None:
    with pytest.raises(WebhookPayloadError):
        parse_webhook(SECRET, {"X-Sety-Signature": sign(SECRET, raw, T)}, raw, now=T)
