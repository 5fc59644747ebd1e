"""API keys and hub operator tokens: from `SETY_API_KEY` or the OS keyring, never from a settings file or
a log. A Sety key (`sety_live_…`, `sety_test_…`) is kept under the API's address, a control-room hub's
operator token (`sety_hub_…`) under the hub's address."""

from __future__ import annotations

import logging
import os
import re

SERVICE = "sety-console"
KEY_PATTERN = re.compile(r"sety_(live|test)_[0-9a-f]{32}")
HUB_TOKEN_PATTERN = re.compile(r"sety_hub_[0-9a-f]{40}")
_SECRET = re.compile(r"sety_(live|test)_[0-9a-f]{32}|sety_(hub)_[0-9a-f]{40}")
log = logging.getLogger(__name__)


class CredentialError(Exception):
    """The key could not be read or saved; the message says why in plain words."""


def load_api_key(api_url: str) -> str | None:
    """The key for `api_url`: `SETY_API_KEY` first, then the OS keyring; None when there is none."""
    env = os.environ.get("SETY_API_KEY")
    if env:
        return env.strip()
    return _from_keyring(api_url)


def load_own_key(api_url: str) -> str | None:
    """This workstation's own Sety key for `api_url` (never a hub token): what it may poll Sety with
    directly while its control-room hub is unreachable."""
    key = load_api_key(api_url)
    return key if key and not is_hub_token(key) else None


def load_hub_token(hub_url: str) -> str | None:
    """The operator's token for a hub: a `sety_hub_…` `SETY_API_KEY`, else the keyring's for `hub_url`."""
    env = (os.environ.get("SETY_API_KEY") or "").strip()
    if is_hub_token(env):
        return env
    token = _from_keyring(hub_url)
    return token if token and is_hub_token(token) else None


def _from_keyring(url: str) -> str | None:
    import keyring  # imported when first needed: it is slow, and the log setup needs only `redact`
    from keyring.errors import KeyringError, NoKeyringError

    try:
        return keyring.get_password(SERVICE, url)
    except NoKeyringError:
        log.info("No OS keyring on this machine; set SETY_API_KEY to use a real Sety API")
        return None
    except KeyringError as exc:
        log.warning("The OS keyring could not be read: %s", exc)
        return None


def is_hub_token(secret: str) -> bool:
    """True for a control-room hub's operator token (`sety_hub_` and 40 hex)."""
    return HUB_TOKEN_PATTERN.fullmatch(secret) is not None


def save_api_key(api_url: str, api_key: str) -> None:
    """Store a Sety key (for the API's address) or a hub operator token (for the hub's) in the OS keyring."""
    if not (KEY_PATTERN.fullmatch(api_key) or is_hub_token(api_key)):
        raise CredentialError(
            "That does not look like a Sety key (sety_live_… or sety_test_… and 32 hex) "
            "or a control-room hub token (sety_hub_… and 40 hex)."
        )
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
    """Replace anything shaped like an API key or a hub token with its prefix and an ellipsis."""
    return _SECRET.sub(lambda m: f"sety_{m.group(1) or m.group(2)}_…", text)
