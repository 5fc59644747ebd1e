"""The change stream: `GET /hub/v1/stream?since=SEQ&workstation=NAME` (WebSocket, hub token as Bearer).

Server → workstation, JSON text messages:

    {"type": "hello", "operator", "hub_id", "environment": "live"|"test", "head", "resumed": bool}
    {"type": "snapshot", "seq", "incidents": [...], "visitors": [...], "zones": [...],
     "alarms": [...], "claims": [...], "on_shift": [...]}          only when `since` is absent or too old
    {"type": "change", "seq", "kind", "at", ...}                   every change after `since`, in order
        kind incidents|visitors|zones: "upsert": [contract documents], "removed": [ids], "full": bool
        kind alarm: "alarm", "audit"; claim: "claim" (null when released), "incident_id", "audit";
        kind audit: "audit"; shift: "on_shift"
    {"type": "status", "seq", "fresh", "stale", "expected", "connection", "mode", "scopes", "leader",
     "push"}   not numbered; sent whenever the picture's freshness or the hub's link to Sety changes, and
        every 5 s of silence; `expected` is how often each part is refreshed (seconds), `push` how
        Sety's webhooks stand (state on/off/registering/unavailable, deliveries, gaps)
    {"type": "error", "code", "message"}                           then the socket closes

A workstation remembers the last `seq` it applied and reconnects with `since=seq`: it gets exactly the
changes it missed (no gap, no reload), or a snapshot when the log no longer reaches back that far. Every
hub of one database numbers the same log, so a workstation may resume on any of them.
Close codes: 4401 token refused or revoked (do not reconnect), 4408 too slow (reconnect and resume).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from .access import WORKSTATION_HEADER, bearer
from .changelog import Change
from .operators import hash_token

if TYPE_CHECKING:
    from .hub import Hub

log = logging.getLogger(__name__)
router = APIRouter()

QUEUE_LIMIT = 20_000
HEARTBEAT_S = 5.0
CLOSE_REFUSED = 4401
CLOSE_TOO_SLOW = 4408


def snapshot_message(hub: Hub) -> str:
    """Everything at the change log's head, as one message (call without awaiting in between)."""
    picture = hub.picture
    shared = json.dumps(hub.shared.snapshot(), separators=(",", ":"))[1:-1]
    parts = [f'"{kind}":{picture.snapshot_json(kind)}' for kind in ("incidents", "visitors", "zones")]
    return f'{{"type":"snapshot","seq":{hub.changelog.head},{",".join(parts)},{shared}}}'


class StreamConnection:
    """One open workstation stream: its queue of outgoing messages and what it already sent."""

    def __init__(self, websocket: WebSocket, operator: str, token_hash: str) -> None:
        self.websocket = websocket
        self.operator = operator
        self.token_hash = token_hash
        self.queue: asyncio.Queue[tuple[int | None, str]] = asyncio.Queue()
        self.last_sent = 0
        self.closing: tuple[int, str] | None = None

    def on_change(self, change: Change) -> None:
        if self.queue.qsize() >= QUEUE_LIMIT:
            self.close_soon(CLOSE_TOO_SLOW, "The workstation fell too far behind; reconnect to resume")
            return
        self.queue.put_nowait((change.seq, change.message))

    def on_status(self, message: str) -> None:
        self.queue.put_nowait((None, message))

    def close_soon(self, code: int, message: str) -> None:
        if self.closing is None:
            self.closing = (code, message)
            self.queue.put_nowait((None, ""))  # wake the sender

    async def send(self, seq: int | None, text: str) -> None:
        if seq is not None:
            if seq <= self.last_sent:
                return
            self.last_sent = seq
        await self.websocket.send_text(text)


async def _refuse(websocket: WebSocket, code: int, message: str) -> None:
    with contextlib.suppress(Exception):
        await websocket.send_text(
            json.dumps({"type": "error", "code": 401 if code == CLOSE_REFUSED else 503, "message": message})
        )
        await websocket.close(code=code, reason=message[:120])


@router.websocket("/hub/v1/stream")
async def stream(websocket: WebSocket) -> None:
    hub: Hub = websocket.app.state.hub
    token = bearer(websocket.headers.get("authorization"))
    operator = await asyncio.to_thread(hub.operators.authenticate, token)
    await websocket.accept()
    if operator is None or token is None:
        await _refuse(websocket, CLOSE_REFUSED, "Missing, invalid or revoked hub token")
        return
    since_text = websocket.query_params.get("since")
    since = int(since_text) if since_text and since_text.isdigit() else None
    workstation = (
        websocket.query_params.get("workstation") or websocket.headers.get(WORKSTATION_HEADER, "")
    )[:100]
    connection = StreamConnection(websocket, operator, hash_token(token))
    hub.changelog.subscribe(connection.on_change)
    status_listener = lambda: connection.on_status(json.dumps(hub.feed.status()))  # noqa: E731
    hub.feed.status_changed.append(status_listener)
    hub.streams.add(connection)
    presence: str | None = None
    try:
        await _start(hub, connection, since)
        presence = await hub.shared.connected(operator, workstation)
        await _pump(connection, lambda: json.dumps(hub.feed.status()))
    except (WebSocketDisconnect, RuntimeError, OSError):
        pass
    finally:
        hub.changelog.unsubscribe(connection.on_change)
        with contextlib.suppress(ValueError):
            hub.feed.status_changed.remove(status_listener)
        hub.streams.discard(connection)
        if presence is not None:
            with contextlib.suppress(Exception):
                await hub.shared.disconnected(presence)


async def _start(hub: Hub, connection: StreamConnection, since: int | None) -> None:
    """Hello, then the missed changes (or a snapshot), then the current status."""
    if since is not None and since > hub.changelog.head:  # it came from a hub further on: catch up first
        with contextlib.suppress(Exception):
            await hub.changelog.catch_up()
    changes = None if since is None else await asyncio.to_thread(hub.changelog.read_after, since)
    hello = {
        "type": "hello",
        "operator": connection.operator,
        "hub_id": hub.hub_id,
        "environment": hub.environment,
        "head": hub.changelog.head,
        "resumed": changes is not None,
    }
    await connection.websocket.send_text(json.dumps(hello))
    if changes is None:
        text = snapshot_message(hub)  # built without awaiting: matches head exactly
        connection.last_sent = hub.changelog.head
        await connection.websocket.send_text(text)
    else:
        connection.last_sent = since or 0
        while changes:
            for change in changes:
                await connection.send(change.seq, change.message)
            changes = await asyncio.to_thread(hub.changelog.read_after, connection.last_sent)
            if changes is None:  # pruned under our feet: start over with a snapshot
                connection.last_sent = hub.changelog.head
                await connection.websocket.send_text(snapshot_message(hub))
                break
    await connection.websocket.send_text(json.dumps(hub.feed.status()))


async def _pump(connection: StreamConnection, heartbeat: Callable[[], str]) -> None:
    """Send queued messages until the workstation goes away or the hub closes the stream; when nothing
    happened for `HEARTBEAT_S`, send the status again (the workstation learns the hub is alive and how
    its link to Sety stands, even when Sety has been unreachable for a while)."""
    receiver = asyncio.ensure_future(_drain_incoming(connection.websocket))
    try:
        while True:
            getter = asyncio.ensure_future(connection.queue.get())
            done, _ = await asyncio.wait(
                {getter, receiver}, timeout=HEARTBEAT_S, return_when=asyncio.FIRST_COMPLETED
            )
            if receiver in done:
                getter.cancel()
                return
            if getter not in done:
                getter.cancel()
                await connection.websocket.send_text(heartbeat())
                continue
            seq, text = getter.result()
            if connection.closing is not None:
                await _refuse(connection.websocket, *connection.closing)
                return
            await connection.send(seq, text)
    finally:
        receiver.cancel()
        with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
            await receiver


async def _drain_incoming(websocket: WebSocket) -> None:
    """Workstations send nothing that matters; reading notices when they leave."""
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
