"""What the status bar says on a hub: where the trouble is (this workstation → hub, hub → Sety, the token)."""

from __future__ import annotations

from datetime import UTC, datetime

from sety_console.core.connection import ConnectionState, ConnectionStatus
from sety_console.core.hub_link import LinkState
from sety_console.core.hub_words import hub_host, hub_message, link_words

T = datetime(2026, 12, 6, 3, 12, 4, tzinfo=UTC)


def _status(state: ConnectionState, message: str, last_error: str | None = None) -> ConnectionStatus:
    return ConnectionStatus(state, message, since=T, stale_since=T, last_error=last_error)


def test_the_via_hub_mark() -> None:
    host = hub_host("https://hub.example:8443/v1/external")
    assert host == "hub.example:8443"
    assert link_words(LinkState.SNAPSHOT, host, connected_once=True) == ("Via hub hub.example:8443", "online")
    assert link_words(LinkState.RESUMED, host, connected_once=True)[1] == "online"
    assert link_words(LinkState.CONNECTING, host, connected_once=False)[1] == "degraded"
    assert link_words(LinkState.CONNECTING, host, connected_once=True) == (
        "Hub unreachable — reconnecting",
        "offline",
    )
    assert link_words(LinkState.REFUSED, host, connected_once=True) == ("Hub refused the token", "offline")


def test_the_connection_sentence_says_where_the_trouble_is() -> None:
    offline = _status(ConnectionState.OFFLINE, "Offline since 04:12:04 — showing what we knew then; …")
    assert hub_message(offline, LinkState.DROPPED, hub_reaches_sety=True).startswith(
        "Hub unreachable — offline since 04:12:04"
    )
    assert hub_message(offline, LinkState.SNAPSHOT, hub_reaches_sety=False).startswith(
        "The hub cannot reach Sety — offline since"
    )
    late = _status(ConnectionState.DEGRADED, "Data is 20 s old — retrying (as of 04:12:04); not live.")
    assert hub_message(late, LinkState.CONNECTING, hub_reaches_sety=True).startswith(
        "Hub unreachable — data is 20 s old"
    )
    online = _status(ConnectionState.ONLINE, "Online — the picture is live.")
    assert hub_message(online, LinkState.SNAPSHOT, hub_reaches_sety=True) == "Online — the picture is live."
    connecting = _status(ConnectionState.CONNECTING, "Connecting to Sety…")
    assert hub_message(connecting, None, hub_reaches_sety=True) == "Connecting to the control-room hub…"


def test_a_refused_token_is_said_in_the_hubs_words() -> None:
    refused = _status(
        ConnectionState.UNAUTHORIZED, "Sety refused the API key …", "This hub token was revoked."
    )
    text = hub_message(refused, LinkState.REFUSED, hub_reaches_sety=True)
    assert text.startswith("The control-room hub refused this operator token: “This hub token was revoked”.")
    assert "File → Connection…" in text
    assert "your actions are kept" in text
