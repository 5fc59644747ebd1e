"""What the status bar says on a workstation connected through a control-room hub.

The connection monitor judges the picture by the age of its data, as for a direct key; these words say
*where* the trouble is: this workstation cannot reach the hub, the hub cannot reach Sety, or the hub
refused this operator's token (in the hub's own words). Plain functions, no Qt.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .connection import ConnectionState, ConnectionStatus
from .hub_link import LinkState
from .local_time import to_local

KEPT = "your actions are kept and will be sent."
UP = (LinkState.SNAPSHOT, LinkState.RESUMED)


def hub_host(contract_url: str) -> str:
    """`hub.example:8443` from `https://hub.example:8443/v1/external` (what an operator recognises)."""
    parts = urlsplit(contract_url)
    return parts.netloc or contract_url


def link_words(state: LinkState | None, host: str, *, connected_once: bool) -> tuple[str, str]:
    """(label, level) of the status bar's "via hub" mark; level is online, degraded or offline."""
    if state in UP:
        return f"Via hub {host}", "online"
    if state is LinkState.REFUSED:
        return "Hub refused the token", "offline"
    if state is LinkState.DROPPED or (state is LinkState.CONNECTING and connected_once):
        return "Hub unreachable — reconnecting", "offline"
    return f"Via hub {host} — connecting…", "degraded"


def hub_message(status: ConnectionStatus, state: LinkState | None, *, hub_reaches_sety: bool) -> str:
    """The connection sentence for a hub session (`status.message` is worded for a direct key)."""
    stale = to_local(status.stale_since).strftime("%H:%M:%S") if status.stale_since else "the start"
    if status.state is ConnectionState.UNAUTHORIZED:
        words = (status.last_error or "the token is unknown or revoked").rstrip(".")
        return (
            f"The control-room hub refused this operator token: “{words}”. File → Connection… takes a new "
            f"one; showing what we knew at {stale}; {KEPT}"
        )
    if status.state is ConnectionState.ONLINE:
        return status.message  # "Online — the picture is live."; the "via hub" mark says through what
    if status.state is ConnectionState.CONNECTING:
        return status.message.replace("Connecting to Sety", "Connecting to the control-room hub")
    if status.state in (ConnectionState.DEGRADED, ConnectionState.OFFLINE):
        if state not in UP:
            return f"Hub unreachable — {_lower_first(status.message)}"
        if not hub_reaches_sety:
            return f"The hub cannot reach Sety — {_lower_first(status.message)}"
    return status.message


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text
