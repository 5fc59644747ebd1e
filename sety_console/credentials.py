"""API keys: from `SETY_API_KEY` or the OS keyring, never from a settings file or a log."""

from __future__ import annotations

import logging
import os
import re

SERVICE = "sety-console"
KEY_PATTERN = re.compile(r"sety_(live|test)_[0-9a-f]{32}")
log = logging.getLogger(__name__)


class CredentialError(Exception):
    """The key could not be read or saved; the message says why in plain words."""


def load_api_key(api_url: str) -> str | None:
    """The key for `api_url`: `SETY_API_KEY` first, then the OS keyring; None when there is none."""
    env = os.environ.get("SETY_API_KEY")
    if env:
        return env.strip()
    import keyring  # imported when first needed: it is slow, and the log setup needs only `redact`
    from keyring.errors import KeyringError, NoKeyringError

    try:
        return keyring.get_password(SERVICE, api_url)
    except NoKeyringError:
        log.info("No OS keyring on this machine; set SETY_API_KEY to use a real Sety API")
        return None
    except KeyringError as exc:
        log.warning("The OS keyring could not be read: %s", exc)
        return None


def save_api_key(api_url: str, api_key: str) -> None:
    """Store the key in the OS keyring for `api_url`."""
    if not KEY_PATTERN.fullmatch(api_key):
        raise CredentialError("That does not look like a Sety key (sety_live_… or sety_test_… and 32 hex).")
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, api_url, api_key)
    except KeyringError as exc:
        raise CredentialError(
            f"The key could not be saved in the OS keyring ({exc}). Set SETY_API_KEY instead."
        ) from exc


def environment_of(api_key: str) -> str:
    """'live' or 'test', from the key's prefix."""
    return "live" if api_key.startswith("sety_live_") else "test"


def redact(text: str) -> str:
    """Replace anything shaped like an API key with its prefix and an ellipsis."""
    return KEY_PATTERN.sub(lambda m: f"sety_{m.group(1)}_…", text)
