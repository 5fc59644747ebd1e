"""Identifiers and secrets in the contract's formats."""

from __future__ import annotations

import hashlib
import random
import secrets
import string

ID_ALPHABET = string.ascii_lowercase + string.digits
ID_LENGTH = 16

KEY_PREFIXES = {"live": "sety_live_", "test": "sety_test_"}


def new_id(prefix: str, rng: random.Random | None = None) -> str:
    """`<prefix>_` + 16 lowercase letters and digits (`inc_…`, `acc_…`, `log_…`, `whd_…`)."""
    if rng is None:
        tail = "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))
    else:
        tail = "".join(rng.choice(ID_ALPHABET) for _ in range(ID_LENGTH))
    return f"{prefix}_{tail}"


def new_api_key(environment: str) -> str:
    """A fresh secret key: `sety_live_`/`sety_test_` + 32 lowercase hex characters."""
    return KEY_PREFIXES[environment] + secrets.token_hex(16)


def hash_key(key: str) -> str:
    """How keys are stored: SHA-256 hex digest (the secret itself is never kept)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_prefix(key: str) -> str:
    """The part of a key shown in listings: environment prefix plus 4 hex characters."""
    return key[:14]


def new_webhook_secret() -> str:
    """Signing secret of a webhook endpoint: `whsec_` + 32 lowercase hex characters."""
    return "whsec_" + secrets.token_hex(16)
