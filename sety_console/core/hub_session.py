"""A console session fed by a control-room hub: the one call the composition root needs.

    hub = connect_to_hub(contract_url, token, data_dir=…, operator_name="Ada", workstation="desk-3")
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
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

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
    contract_url: str = ""

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
    contract_url: str,
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
    """Build (not start) a session on a hub: `contract_url` is `https://hub:8443/v1/external`;
    `server_id` names whose picture the snapshot holds (default: this address)."""
    clock = clock or SystemClock()
    options = dict(client_options or {})
    client = HubContractClient(contract_url, token, workstation=workstation, **options)
    hub = HubClient(contract_url, token, workstation=workstation, **options)
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

    def open_stream(*, since: int | None) -> AsyncIterator[StreamMessage]:
        return hub_stream(
            contract_url, token, since=since, workstation=workstation, ssl_context=ssl_context, tap=tap
        )

    link = HubLink(
        open_stream=open_stream,
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

    session.use_feed(feed)
    return HubSession(
        session=session,
        link=link,
        hub=hub,
        client=client,
        alarm_log=alarm_log,
        unshared=unshared,
        contract_url=contract_url,
    )
