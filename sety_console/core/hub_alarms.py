"""The alarm book on a control-room hub: one alarm state for every workstation.

`HubAlarmLog` is an `AlarmLog` whose records live on the hub (shared, audited there with the time the
operator acted and the time the hub stored it); `follow_shared_alarms` applies what other workstations do
to this workstation's `AlarmBook` as the hub pushes it. `connect_to_hub` wires both for its session
(`hub.session.alarms` is the shared book); by hand:

    alarm_log = HubAlarmLog(hub_client)
    session = ConsoleSession(…, alarm_log=alarm_log)
    follow_shared_alarms(session.alarms, link, clock, alarm_log, workstation=workstation)

How the book's records map onto the hub's alarm states (state per incident and reason):

    acknowledged (reasons r…)  ↔  (incident, r) = acknowledged            one per reason
    shelved until T            ↔  (incident, "*") = shelved until T        the shelf covers the alarm
    unshelved                  ↔  (incident, "*") = unacknowledged         also what the hub sets at T
    muted / unmuted            →  the hub's audit only: the sound is this workstation's own

An action the hub cannot record now (unreachable, overloaded) took effect here at once; it is kept on
this workstation's disk (`UnsharedAlarmActions`), `append` raises `NotSharedYet` so the operator is told
the other workstations do not know yet, and `keep_sharing` sends it again, in order and with the time
the operator acted, until the hub has it. `unshared_changed` tells how many wait.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sety_console.api.errors import AuthenticationError, SetyError
from sety_console.api.hub_models import AlarmRecord as HubAlarm

from .alarm_book import ALL_INCIDENTS, AlarmAction, AlarmBook, AlarmRecord
from .alarm_model import AlarmReason
from .clock import Clock
from .events import Event
from .storage import StorageError

if TYPE_CHECKING:
    from sety_console.api.hub_stream import HubClient

    from .hub_link import HubLink

log = logging.getLogger(__name__)

WHOLE_ALARM = "*"
"""The hub reason under which a shelf (which covers every reason of an incident's alarm) is kept."""
RETRY_S = 5.0
"""How often actions the hub has not recorded yet are sent again."""


class NotSharedYet(StorageError):
    """The action took effect on this workstation and is kept; the hub will be told again later."""


class Unshared(Protocol):
    """Where actions wait until the hub confirms them (`UnsharedAlarmActions`, or in memory)."""

    async def add(self, record: AlarmRecord) -> int: ...

    async def remove(self, seq: int) -> None: ...

    async def pending(self) -> list[tuple[int, AlarmRecord]]: ...


class MemoryUnshared:
    """`Unshared` kept in memory only (tests, or a profile whose disk refused the file)."""

    def __init__(self) -> None:
        self._records: dict[int, AlarmRecord] = {}
        self._next = 0

    async def add(self, record: AlarmRecord) -> int:
        self._next += 1
        self._records[self._next] = record
        return self._next

    async def remove(self, seq: int) -> None:
        self._records.pop(seq, None)

    async def pending(self) -> list[tuple[int, AlarmRecord]]:
        return sorted(self._records.items())


def record_of(alarm: HubAlarm) -> AlarmRecord | None:
    """The alarm book's record for one shared alarm state (None when this console cannot read it)."""
    if alarm.reason == WHOLE_ALARM:
        if alarm.state == "shelved" and alarm.shelved_until is not None:
            action, until = AlarmAction.SHELVED, alarm.shelved_until
        elif alarm.state == "unacknowledged":
            action, until = AlarmAction.UNSHELVED, None
        else:
            return None
        return AlarmRecord(
            alarm.incident_id, action, (), alarm.actor, alarm.acted_at, until, alarm.workstation
        )
    if alarm.state != "acknowledged":
        return None
    try:
        reason = AlarmReason(alarm.reason)
    except ValueError:
        return None  # a reason a newer console knows; nothing this one rings for
    return AlarmRecord(
        alarm.incident_id,
        AlarmAction.ACKNOWLEDGED,
        (reason,),
        alarm.actor,
        alarm.acted_at,
        None,
        alarm.workstation,
    )


class HubAlarmLog:
    """`AlarmLog` kept on the hub (`load` its current states, `append` an action for everyone)."""

    def __init__(self, hub: HubClient, unshared: Unshared | None = None) -> None:
        self._hub = hub
        self._unshared: Unshared = unshared if unshared is not None else MemoryUnshared()
        self._lock = asyncio.Lock()
        self.known: set[tuple[str, str, datetime]] = set()
        """Shared states already in the book (incident, reason, stored at): not applied twice."""
        self.unshared_count = 0
        self.unshared_changed: Event[int] = Event()
        """How many of this workstation's alarm actions the hub has not recorded yet (0: all shared)."""
        self.refused: Event[str] = Event()
        """An action the hub refused for good (said, then dropped: it would block the others)."""

    async def load(self) -> list[AlarmRecord]:
        """The shared states now (none when the hub cannot be reached: the stream brings them later),
        then this workstation's actions still waiting for the hub (they took effect here already)."""
        waiting = [record for _, record in await self._unshared.pending()]
        self._count(len(waiting))
        try:
            state = await self._hub.state()
        except SetyError as error:
            log.warning(
                "could not read the shared alarm states yet (%s); the hub's stream will bring them", error
            )
            return waiting
        self.known |= {(a.incident_id, a.reason, a.stored_at) for a in state.alarms}
        records = [r for r in (record_of(alarm) for alarm in state.alarms) if r is not None]
        return sorted([*records, *waiting], key=lambda r: r.at)

    async def append(self, record: AlarmRecord) -> None:
        """Share one action (after any still waiting); `NotSharedYet` when the hub has not recorded it
        (it took effect here, is kept, and is sent again by `keep_sharing`)."""
        try:
            seq: int | None = await self._unshared.add(record)
        except StorageError as error:
            log.error("an alarm action could not be kept for the hub: %s", error)
            seq = None
        if seq is None:
            await self._share_now(record)
            return
        self._count(self.unshared_count + 1)
        problem = await self.share_pending()
        if problem is not None:
            raise NotSharedYet(
                f"the control-room hub could not record it ({problem}): the other workstations do not "
                "know yet. It is kept and sent again as soon as the hub answers."
            )

    async def _share_now(self, record: AlarmRecord) -> None:
        try:
            await self._share(record)
        except SetyError as error:
            raise StorageError(
                f"the control-room hub could not record it ({error}) and this computer could not keep it "
                "to send later: the other workstations do not know"
            ) from error

    async def share_pending(self) -> str | None:
        """Send every waiting action, oldest first; None when all are shared, else why one is not."""
        async with self._lock:
            waiting = await self._unshared.pending()
            for seq, record in waiting:
                try:
                    await self._share(record)
                except SetyError as error:
                    if error.transient or error.ambiguous or isinstance(error, AuthenticationError):
                        self._count(len(await self._unshared.pending()))
                        return str(error)
                    log.warning("the hub refused an alarm action for good (%s): %s", error, record)
                    self.refused.emit(f"The control-room hub refused an alarm action: {error}")
                await self._unshared.remove(seq)
            self._count(0)
            return None

    async def keep_sharing(self, clock: Clock) -> None:
        """Until cancelled: every `RETRY_S`, send again what the hub has not recorded yet."""
        while True:
            await clock.sleep(RETRY_S)
            if self.unshared_count:
                try:
                    await self.share_pending()
                except StorageError as error:
                    log.error("could not read the alarm actions waiting for the hub: %s", error)

    def _count(self, count: int) -> None:
        if count != self.unshared_count:
            self.unshared_count = count
            self.unshared_changed.emit(count)

    async def _share(self, record: AlarmRecord) -> None:
        hub, at = self._hub, record.at
        if record.action is AlarmAction.ACKNOWLEDGED:
            for reason in record.reasons:
                await hub.set_alarm(record.incident_id, reason.value, "acknowledged", acted_at=at)
        elif record.action is AlarmAction.SHELVED and record.until is not None:
            await hub.set_alarm(
                record.incident_id, WHOLE_ALARM, "shelved", shelved_until=record.until, acted_at=at
            )
        elif record.action is AlarmAction.UNSHELVED:
            await hub.set_alarm(record.incident_id, WHOLE_ALARM, "unacknowledged", acted_at=at)
        else:
            until = f" until {record.until.isoformat()}" if record.until else ""
            target = "" if record.incident_id == ALL_INCIDENTS else record.incident_id
            await hub.add_audit(f"alarm_{record.action.value}", target, f"the sound{until}", acted_at=at)


def follow_shared_alarms(
    book: AlarmBook, link: HubLink, clock: Clock, alarm_log: HubAlarmLog, *, workstation: str
) -> None:
    """Apply every alarm action another workstation shares to `book` (this one's are already applied)."""

    def apply(alarm: HubAlarm) -> None:
        key = (alarm.incident_id, alarm.reason, alarm.stored_at)
        if key in alarm_log.known or (alarm.workstation == workstation and alarm.actor != "hub"):
            return
        alarm_log.known.add(key)
        record = record_of(alarm)
        if record is not None:
            book.apply_shared(record, clock.now())

    link.alarm_changed.connect(apply)
