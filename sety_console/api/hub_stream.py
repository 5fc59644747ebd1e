"""The wire client of the hub's change stream (WebSocket), and of its shared-state API (HTTP).

The stream uses `websockets` (its asyncio client): the library uvicorn itself serves WebSockets with, so
the hub and the console speak through one well-kept implementation (ping/pong keep-alive, close codes,
TLS with certificate verification through the standard `ssl` module).

    async for message in hub_stream(contract_url, token, since=last_seq, workstation="desk-3"):
        ...   # StreamHello, StreamSnapshot, StreamChange, StreamStatus (see `hub_models`)

A refused or revoked token raises `AuthenticationError`; any other end of the stream raises
`ConnectionLostError` (reconnect with the last sequence number applied).
"""

from __future__ import annotations

import json
import logging
import ssl
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import websockets
from pydantic import TypeAdapter, ValidationError
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from .client import SetyClient
from .errors import AuthenticationError, ConnectionLostError, ResponseFormatError
from .hub_models import AlarmRecord, AuditPage, AuditRecord, ClaimRecord, HubState, StreamMessage, WhoAmI

__all__ = ["CONTRACT_SUFFIX", "HubClient", "HubContractClient", "hub_root", "hub_stream"]

log = logging.getLogger(__name__)

CONTRACT_SUFFIX = "/v1/external"
WORKSTATION_HEADER = "X-Sety-Workstation"
ACTED_AT_HEADER = "X-Sety-Acted-At"
"""When the operator acted (RFC 3339): the hub audits forwarded writes with it, not with its own clock."""
CLOSE_REFUSED = 4401
_MESSAGE = TypeAdapter[StreamMessage](StreamMessage)


def hub_root(contract_url: str) -> str:
    """`https://hub:8443` from the contract URL a console is given (`https://hub:8443/v1/external`)."""
    url = contract_url.rstrip("/")
    return url[: -len(CONTRACT_SUFFIX)] if url.endswith(CONTRACT_SUFFIX) else url


def stream_url(contract_url: str, since: int | None, workstation: str) -> str:
    parts = urlsplit(hub_root(contract_url))
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    query: dict[str, str] = {"workstation": workstation} if workstation else {}
    if since is not None:
        query["since"] = str(since)
    return urlunsplit((scheme, parts.netloc, parts.path + "/hub/v1/stream", urlencode(query), ""))


async def hub_stream(
    contract_url: str,
    token: str,
    *,
    since: int | None = None,
    workstation: str = "",
    ssl_context: ssl.SSLContext | None = None,
    tap: Callable[[str], None] | None = None,
    open_timeout: float = 10.0,
) -> AsyncIterator[StreamMessage]:
    """Messages of one stream connection, in order, until it ends (see the module docstring)."""
    url = stream_url(contract_url, since, workstation)
    secure = url.startswith("wss:")
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with connect(
            url,
            additional_headers=headers,
            ssl=(ssl_context or True) if secure else None,
            open_timeout=open_timeout,
            ping_interval=10,
            ping_timeout=10,
            max_size=64 * 2**20,
        ) as socket:
            async for raw in socket:
                text = raw if isinstance(raw, str) else raw.decode()
                if tap is not None:
                    tap(text)
                yield _parse(text)
            _raise_for_close(socket.close_code, socket.close_reason)
    except ConnectionClosed as closed:
        _raise_for_close(closed.rcvd.code if closed.rcvd else None, closed.rcvd.reason if closed.rcvd else "")
    except InvalidStatus as exc:
        if exc.response.status_code in (401, 403):
            raise AuthenticationError("The hub refused this operator token", status=401) from exc
        raise ConnectionLostError(f"The hub refused the stream (HTTP {exc.response.status_code})") from exc
    except (OSError, InvalidHandshake, TimeoutError, websockets.exceptions.WebSocketException) as exc:
        raise ConnectionLostError(f"The connection to the hub's stream failed ({exc})") from exc


def _raise_for_close(code: int | None, reason: str | None) -> None:
    if code == CLOSE_REFUSED:
        raise AuthenticationError(reason or "The hub refused or revoked this operator token", status=401)
    raise ConnectionLostError(f"The hub closed the stream ({code}: {reason or 'no reason given'})")


def _parse(text: str) -> StreamMessage:
    try:
        return _MESSAGE.validate_python(json.loads(text))
    except (ValueError, ValidationError) as exc:
        raise ResponseFormatError(f"The hub sent a stream message this console cannot read ({exc})") from exc


class HubContractClient(SetyClient):
    """`SetyClient` pointed at a hub: same contract, operator token, the workstation named on each call."""

    ACTED_AT_HEADER = ACTED_AT_HEADER
    SERVER_NAME = "the control-room hub"

    def __init__(self, contract_url: str, token: str, *, workstation: str = "", **options: Any) -> None:
        # The hub keeps every write by its idempotency key and does the ambiguous-failure checks itself,
        # once: a workstation may resend a keyed write at once instead of waiting to look it up.
        options.setdefault("idempotency_honoured", True)
        super().__init__(contract_url, token, **options)
        if workstation:
            self._http.headers[WORKSTATION_HEADER] = workstation


class HubClient(HubContractClient):
    """The hub's shared-state API (`/hub/v1`): alarm states, claims, audit, who is on shift."""

    def __init__(self, contract_url: str, token: str, *, workstation: str = "", **options: Any) -> None:
        super().__init__(hub_root(contract_url) + "/hub/v1", token, workstation=workstation, **options)

    async def whoami(self) -> WhoAmI:
        return await self._call(WhoAmI, "GET", "/whoami", metered=False)

    async def state(self) -> HubState:
        return await self._call(HubState, "GET", "/state", metered=False)

    async def set_alarm(
        self,
        incident_id: str,
        reason: str,
        state: str,
        *,
        acted_at: datetime | None = None,
        shelved_until: datetime | None = None,
        note: str = "",
    ) -> AlarmRecord:
        """Acknowledge, shelve (with `shelved_until`), clear or re-open one alarm for every workstation."""
        body: dict[str, Any] = {"state": state, "note": note}
        if shelved_until is not None:
            body["shelved_until"] = shelved_until.isoformat()
        return await self._call(
            AlarmRecord,
            "PUT",
            f"/alarms/{incident_id}/{reason}",
            body=body,
            metered=False,
            retry=True,
            **_acted(acted_at),
        )

    async def claim(
        self, incident_id: str, *, force: bool = False, acted_at: datetime | None = None
    ) -> ClaimRecord:
        """Take the incident; `ConflictError` (409) says who already has it."""
        return await self._call(
            ClaimRecord,
            "POST",
            f"/claims/{incident_id}",
            body={"force": force},
            metered=False,
            retry=True,
            **_acted(acted_at),
        )

    async def release(self, incident_id: str, *, force: bool = False) -> None:
        params = {"force": "true"} if force else None
        await self._send("DELETE", f"/claims/{incident_id}", params=params, metered=False, retry=True)

    async def audit(self, *, after_id: int = 0, limit: int = 200, newest: bool = False) -> list[AuditRecord]:
        """Audit entries after `after_id`, oldest first: the first `limit` of them, or the last (`newest`)."""
        params = {"after_id": str(after_id), "limit": str(limit)}
        if newest:
            params["newest"] = "true"
        return (await self._call(AuditPage, "GET", "/audit", params=params, metered=False)).data

    async def add_audit(
        self, action: str, target_id: str = "", detail: str = "", *, acted_at: datetime | None = None
    ) -> AuditRecord:
        body = {"action": action, "target_id": target_id, "detail": detail}
        return await self._call(AuditRecord, "POST", "/audit", body=body, metered=False, **_acted(acted_at))


def _acted(acted_at: datetime | None) -> dict[str, Any]:
    return {} if acted_at is None else {"params": {"acted_at": acted_at.isoformat()}}
