"""A console session fed by a control-room hub: the one call the composition root needs.

    hub = connect_to_hub(contract_url, token, data_dir=…, operator_name="Ada", workstation="desk-3")
    hub = connect_to_hub([url_a, url_b], token, …)   # several hubs of one control room: any will do
    await hub.session.start()          # follows the hub's stream (the org key's scopes come with it)
    hub.session.incidents …            # the same stores, events, outbox and reads as a direct session
    hub.session.alarms                 # the ISA-18.2 alarm book, its actions shared by every workstation
    hub.link.alarms / claims / on_shift and their events     # shared operator state, pushed
    hub.link.link_changed, hub.link.hello.environment        # "via hub" in the status bar, the badge
    hub.alarm_log.unshared_changed                           # alarm actions the hub has not recorded yet
    await hub.acknowledge(incident_id, reason)               # for every workstation at once
    await hub.shelve(incident_id, reason, until)             # back to unacknowledged at `until`
    await hub.claim(incident_id) / hub.release(incident_id)  # "taken by Ada, 03:12" (409: someone has it)
    await hub.hub.set_alarm(incident_id, reason, "cleared") / hub.hub.add_audit(…) / hub.hub.audit()
    await hub.close()

Reads and writes go through `session` exactly as with a direct key (the hub serves the same contract
under `/v1/external`); the workstation never holds the organisation's key, only its operator token.

With several hub URLs (hubs sharing one database), everything goes to one hub at a time; when it cannot
be reached, requests and the stream move to the next one, and the stream resumes there from the last
sequence number applied (every hub of one database numbers the same change log): no gap, no reload.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sety_console.api.errors import AuthenticationError, ConnectionLostError
from sety_console.api.hub_failover import FailoverTransport, HubAddresses
from sety_console.api.hub_models import AlarmRecord, ClaimRecord, StreamMessage
from sety_console.api.hub_stream import HubClient, HubContractClient, hub_stream

from .clock import Clock, SystemClock
from .hub_alarm_queue import UnsharedAlarmActions
from .hub_alarms import HubAlarmLog, follow_shared_alarms
from .hub_link import HubLink
from .poll_plan import PollPlan
from .session import ConsoleSession

log = logging.getLogger(__name__)


@dataclass
class HubSession:
    """A `ConsoleSession` whose stores follow a hub, plus the hub's shared-state API."""

    session: ConsoleSession
    link: HubLink
    hub: HubClient
    client: HubContractClient
    alarm_log: HubAlarmLog
    unshared: UnsharedAlarmActions
    addresses: HubAddresses

    @property
    def contract_url(self) -> str:
        """The hub this workstation talks to now (the first of its addresses that answered)."""
        return self.addresses.current

    async def acknowledge(
        self, incident_id: str, reason: str, *, acted_at: datetime | None = None
    ) -> AlarmRecord:
        """Acknowledge one alarm for every workstation (the stream confirms it to all, this one included)."""
        return await self.hub.set_alarm(incident_id, reason, "acknowledged", acted_at=acted_at)

    async def shelve(
        self, incident_id: str, reason: str, until: datetime, *, acted_at: datetime | None = None
    ) -> AlarmRecord:
        return await self.hub.set_alarm(
            incident_id, reason, "shelved", shelved_until=until, acted_at=acted_at
        )

    async def claim(self, incident_id: str, *, force: bool = False) -> ClaimRecord:
        """Take the incident ("taken by <operator>"); `ConflictError` says who already has it."""
        return await self.hub.claim(incident_id, force=force)

    async def release(self, incident_id: str) -> None:
        await self.hub.release(incident_id)

    async def close(self) -> None:
        await self.session.close()
        await self.unshared.close()
        await self.hub.aclose()
        await self.client.aclose()


def connect_to_hub(
    contract_url: str | Sequence[str],
    token: str,
    *,
    data_dir: Path,
    operator_name: str,
    workstation: str = "",
    clock: Clock | None = None,
    ssl_context: ssl.SSLContext | None = None,
    tap: Callable[[str], None] | None = None,
    client_options: dict[str, Any] | None = None,
    server_id: str | None = None,
) -> HubSession:
    """Build (not start) a session on a hub: `contract_url` is `https://hub:8443/v1/external`, or a list
    of such URLs for the hubs of one control room (tried in order, the first one first); `server_id` names
    whose picture the snapshot holds (default: the first address)."""
    clock = clock or SystemClock()
    addresses = HubAddresses([contract_url] if isinstance(contract_url, str) else contract_url)
    options = dict(client_options or {})
    transport = FailoverTransport(addresses, options.pop("transport", None))
    first = addresses.urls[0]
    client = HubContractClient(first, token, workstation=workstation, transport=transport, **options)
    hub = HubClient(first, token, workstation=workstation, transport=transport, **options)
    unshared = UnsharedAlarmActions(Path(data_dir) / "hub-alarms-unshared.sqlite3")
    alarm_log = HubAlarmLog(hub, unshared)
    session = ConsoleSession(
        client,
        data_dir=data_dir,
        operator_name=operator_name,
        workstation=workstation,
        clock=clock,
        poll_plan=PollPlan(),
        alarm_log=alarm_log,
        server_id=server_id,
    )

    def open_one(url: str, since: int | None) -> AsyncIterator[StreamMessage]:
        return hub_stream(url, token, since=since, workstation=workstation, ssl_context=ssl_context, tap=tap)

    link = HubLink(
        open_stream=lambda *, since: _stream_from_any(addresses, open_one, since),
        incidents=session.incidents,
        visitors=session.visitors,
        zones=session.zones,
        events=session.poller.events,
        monitor=session.connection,
        clock=clock,
    )

    follow_shared_alarms(session.alarms, link, clock, alarm_log, workstation=workstation)

    async def feed() -> None:  # scopes come with the hub's status: no probes, no cost
        async with asyncio.TaskGroup() as tasks:  # one failing ends both (the supervisor restarts them)
            tasks.create_task(link.run())
            tasks.create_task(alarm_log.keep_sharing(clock))

    session.use_feed(feed, expected_interval=link.expected_interval)
    return HubSession(
        session=session,
        link=link,
        hub=hub,
        client=client,
        alarm_log=alarm_log,
        unshared=unshared,
        addresses=addresses,
    )


async def _stream_from_any(
    addresses: HubAddresses,
    open_one: Callable[[str, int | None], AsyncIterator[StreamMessage]],
    since: int | None,
) -> AsyncIterator[StreamMessage]:
    """The stream of the current hub; one that cannot be reached passes to the next hub at once."""
    failure: ConnectionLostError | None = None
    for _ in range(len(addresses)):
        url = addresses.current
        received = False
        try:
            async for message in open_one(url, since):
                if not received:
                    received = True
                    addresses.use(url)
                yield message
            return
        except AuthenticationError:
            raise
        except ConnectionLostError as error:
            if received:
                raise  # it was serving: the link reconnects (and resumes) as after any drop
            log.info("hub %s cannot be reached (%s); trying the next one", url, error)
            failure = error
            addresses.advance(url)
    assert failure is not None
    raise failure
