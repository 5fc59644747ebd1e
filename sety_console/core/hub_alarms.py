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
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from sety_console.api.errors import SetyError
from sety_console.api.hub_models import AlarmRecord as HubAlarm

from .alarm_book import ALL_INCIDENTS, AlarmAction, AlarmBook, AlarmRecord
from .alarm_model import AlarmReason
from .clock import Clock
from .storage import StorageError

if TYPE_CHECKING:
    from sety_console.api.hub_stream import HubClient

    from .hub_link import HubLink

log = logging.getLogger(__name__)

WHOLE_ALARM = "*"
"""The hub reason under which a shelf (which covers every reason of an incident's alarm) is kept."""


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

    def __init__(self, hub: HubClient) -> None:
        self._hub = hub
        self.known: set[tuple[str, str, datetime]] = set()
        """Shared states already in the book (incident, reason, stored at): not applied twice."""

    async def load(self) -> list[AlarmRecord]:
        """The shared states now (none when the hub cannot be reached: the stream brings them later)."""
        try:
            state = await self._hub.state()
        except SetyError as error:
            log.warning(
                "could not read the shared alarm states yet (%s); the hub's stream will bring them", error
            )
            return []
        self.known |= {(a.incident_id, a.reason, a.stored_at) for a in state.alarms}
        records = [record_of(alarm) for alarm in state.alarms]
        return sorted((r for r in records if r is not None), key=lambda r: r.at)

    async def append(self, record: AlarmRecord) -> None:
        """Share one action; `StorageError` when the hub cannot record it (it took effect here only)."""
        try:
            await self._share(record)
        except SetyError as error:
            raise StorageError(
                f"the control-room hub could not share it ({error}); the other workstations do not know yet"
            ) from error

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
