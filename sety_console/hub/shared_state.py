"""Operator state shared by every workstation: alarm states, claims, the audit log, who is on shift.

Each change is stored in the hub database and appended to the change log in the same transaction, so
it reaches every workstation on the stream, in order, resumable like the picture's changes.

Alarms are keyed by (incident, reason) with the ISA-18.2 / IEC 62682 states `unacknowledged`,
`acknowledged`, `shelved` (with an expiry) and `cleared`; each records the actor, the workstation, the
time the operator acted and the time the hub stored it. An expired shelf returns the alarm to
`unacknowledged` (it annunciates again). Claims say who has taken an incident. The audit log holds
every operator action the hub saw (writes it forwarded, alarm changes, claims) plus what workstations
report of their own.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .changelog import ChangeLog, iso_ms
from .db import AlarmRow, AuditRow, ClaimRow, HubDatabase, PresenceRow, now_ms
from .shared_records import (
    Actor,
    AlarmState,
    OnShift,
    StateError,
    alarm_json,
    audit_json,
    claim_json,
    ms_of,
)


class SharedState:
    """Alarm states, claims, audit and presence; published copies match the change log's head."""

    def __init__(self, db: HubDatabase, changelog: ChangeLog, *, hub_id: str) -> None:
        self._db = db
        self._log = changelog
        self.hub_id = hub_id
        with db.session() as session:
            session.execute(delete(PresenceRow).where(PresenceRow.hub_id == hub_id))
            self.alarms = {
                (r.incident_id, r.reason): alarm_json(r) for r in session.scalars(select(AlarmRow))
            }
            self.claims = {r.incident_id: claim_json(r) for r in session.scalars(select(ClaimRow))}
        self.shift: dict[str, OnShift] = {}
        self._lock = asyncio.Lock()  # a change is decided on the state its predecessor published

    # ------------------------------------------------------------------ locked entry points

    async def set_alarm(
        self, actor: Actor, incident_id: str, reason: str, state: AlarmState, **options: Any
    ) -> dict[str, Any]:
        """Record an alarm's new state (`shelved_until` required and in the future for `shelved`)."""
        async with self._lock:
            return await self._set_alarm(actor, incident_id, reason, state, **options)

    async def claim(self, actor: Actor, incident_id: str, *, force: bool = False) -> dict[str, Any]:
        """`actor` takes the incident (409 when someone else has it, unless `force`)."""
        async with self._lock:
            return await self._claim(actor, incident_id, force=force)

    async def release(self, actor: Actor, incident_id: str, *, force: bool = False) -> None:
        """Give the incident back (only its holder may, unless `force`)."""
        async with self._lock:
            await self._release(actor, incident_id, force=force)

    async def connected(self, operator: str, workstation: str) -> str:
        """A workstation stream opened: the operator is on shift. Returns the connection id."""
        async with self._lock:
            return await self._connected(operator, workstation)

    async def disconnected(self, connection_id: str) -> None:
        async with self._lock:
            await self._disconnected(connection_id)

    # ------------------------------------------------------------------ alarms

    async def _set_alarm(
        self,
        actor: Actor,
        incident_id: str,
        reason: str,
        state: AlarmState,
        *,
        shelved_until: datetime | None = None,
        note: str = "",
    ) -> dict[str, Any]:
        """Record an alarm's new state (shelving needs a future `shelved_until`)."""
        until_ms = ms_of(shelved_until)
        if state is AlarmState.SHELVED and (until_ms is None or until_ms <= now_ms()):
            raise StateError(400, "shelved_until: a shelved alarm needs an expiry in the future")
        row = AlarmRow(
            incident_id=incident_id,
            reason=reason,
            state=state.value,
            actor=actor.operator,
            workstation=actor.workstation,
            acted_at_ms=actor.acted(),
            stored_at_ms=now_ms(),
            shelved_until_ms=until_ms if state is AlarmState.SHELVED else None,
            note=note,
        )
        record = alarm_json(row)
        detail = f"{reason}: {state.value}" + (
            f" until {record['shelved_until']}" if row.shelved_until_ms else ""
        )
        audit = self._audit_row(actor, f"alarm_{state.value}", incident_id, detail)

        def persist(session: Session) -> None:
            session.merge(row)
            session.add(audit)

        def publish() -> None:
            self.alarms[(incident_id, reason)] = record

        await self._log.append(
            "alarm", {"alarm": record, "audit": self._audit_text(audit)}, persist=persist, publish=publish
        )
        return record

    async def expire_shelves(self) -> int:
        """Shelves past their expiry return to `unacknowledged`; returns how many did."""
        now = now_ms()
        expired = [
            a
            for a in list(self.alarms.values())
            if a["state"] == AlarmState.SHELVED.value
            and a["shelved_until"]
            and _ms(a["shelved_until"]) <= now
        ]
        for alarm in expired:
            await self.set_alarm(
                Actor("hub", self.hub_id),
                alarm["incident_id"],
                alarm["reason"],
                AlarmState.UNACKNOWLEDGED,
                note="shelving expired",
            )
        return len(expired)

    # ------------------------------------------------------------------ claims

    async def _claim(self, actor: Actor, incident_id: str, *, force: bool = False) -> dict[str, Any]:
        """`actor` takes the incident (409 when someone else has it, unless `force`)."""
        current = self.claims.get(incident_id)
        if current is not None and current["operator"] != actor.operator and not force:
            raise StateError(409, f"Taken by {current['operator']} since {current['acted_at']}")
        row = ClaimRow(
            incident_id=incident_id,
            operator=actor.operator,
            workstation=actor.workstation,
            acted_at_ms=actor.acted(),
            stored_at_ms=now_ms(),
        )
        record = claim_json(row)
        detail = (
            f"taken over from {current['operator']}"
            if current and current["operator"] != actor.operator
            else ""
        )
        audit = self._audit_row(actor, "claim", incident_id, detail)

        def persist(session: Session) -> None:
            session.merge(row)
            session.add(audit)

        def publish() -> None:
            self.claims[incident_id] = record

        await self._log.append(
            "claim",
            {"claim": record, "incident_id": incident_id, "audit": self._audit_text(audit)},
            persist=persist,
            publish=publish,
        )
        return record

    async def _release(self, actor: Actor, incident_id: str, *, force: bool = False) -> None:
        """Give the incident back (only its holder may, unless `force`)."""
        current = self.claims.get(incident_id)
        if current is None:
            return
        if current["operator"] != actor.operator and not force:
            raise StateError(409, f"Taken by {current['operator']}; only they can release it")
        audit = self._audit_row(actor, "release", incident_id, "")

        def persist(session: Session) -> None:
            session.execute(delete(ClaimRow).where(ClaimRow.incident_id == incident_id))
            session.add(audit)

        def publish() -> None:
            self.claims.pop(incident_id, None)

        await self._log.append(
            "claim",
            {"claim": None, "incident_id": incident_id, "audit": self._audit_text(audit)},
            persist=persist,
            publish=publish,
        )

    # ------------------------------------------------------------------ audit

    def _audit_row(self, actor: Actor, action: str, target_id: str, detail: str) -> AuditRow:
        return AuditRow(
            actor=actor.operator,
            workstation=actor.workstation,
            action=action,
            target_id=target_id,
            detail=detail,
            acted_at_ms=actor.acted(),
            stored_at_ms=now_ms(),
        )

    @staticmethod
    def _audit_text(row: AuditRow) -> dict[str, Any]:
        record = audit_json(row)
        record.pop("entry_id")  # known only after the insert; the audit list has it
        return record

    async def audit(
        self,
        actor: Actor,
        action: str,
        target_id: str = "",
        detail: str = "",
        *,
        stored_at_ms: int | None = None,
    ) -> dict[str, Any]:
        """Append one entry (and stream it); `stored_at_ms` is when the server confirmed, if not now."""
        row = self._audit_row(actor, action, target_id, detail)
        if stored_at_ms is not None:
            row.stored_at_ms = stored_at_ms

        def persist(session: Session) -> None:
            session.add(row)

        record = self._audit_text(row)
        await self._log.append("audit", {"audit": record}, persist=persist)
        return record

    def audit_entries(
        self, *, after_id: int = 0, limit: int = 200, newest: bool = False
    ) -> list[dict[str, Any]]:
        """Entries after `after_id`, oldest first: the first `limit` of them, or the last (`newest`)."""
        order = AuditRow.entry_id.desc() if newest else AuditRow.entry_id
        with self._db.session() as session:
            rows = session.scalars(
                select(AuditRow).where(AuditRow.entry_id > after_id).order_by(order).limit(limit)
            ).all()
        return [audit_json(r) for r in (reversed(rows) if newest else rows)]

    # ------------------------------------------------------------------ shift

    async def _connected(self, operator: str, workstation: str) -> str:
        """A workstation stream opened: the operator is on shift. Returns the connection id."""
        connection_id = uuid.uuid4().hex
        entry = OnShift(operator, workstation, iso_ms(now_ms()))
        row = PresenceRow(
            connection_id=connection_id,
            operator=operator,
            workstation=workstation,
            hub_id=self.hub_id,
            connected_at_ms=now_ms(),
        )

        def persist(session: Session) -> None:
            session.add(row)

        def publish() -> None:
            self.shift[connection_id] = entry

        await self._log.append(
            "shift", self._shift_payload(connection_id, entry), persist=persist, publish=publish
        )
        return connection_id

    async def _disconnected(self, connection_id: str) -> None:
        def persist(session: Session) -> None:
            session.execute(delete(PresenceRow).where(PresenceRow.connection_id == connection_id))

        def publish() -> None:
            self.shift.pop(connection_id, None)

        if connection_id in self.shift:
            await self._log.append(
                "shift", self._shift_payload(connection_id, None), persist=persist, publish=publish
            )

    def _shift_payload(self, connection_id: str, added: OnShift | None) -> dict[str, Any]:
        current = dict(self.shift)
        if added is None:
            current.pop(connection_id, None)
        else:
            current[connection_id] = added
        return {"on_shift": self.on_shift(current)}

    def on_shift(self, entries: dict[str, OnShift] | None = None) -> list[dict[str, str]]:
        """Operators connected now (one line per workstation), by operator name."""
        values = (entries if entries is not None else self.shift).values()
        return sorted((asdict(e) for e in values), key=lambda e: (e["operator"], e["workstation"]))

    def snapshot(self) -> dict[str, Any]:
        """Everything a new workstation needs (alarms, claims, who is on shift)."""
        return {
            "alarms": list(self.alarms.values()),
            "claims": list(self.claims.values()),
            "on_shift": self.on_shift(),
        }


def _ms(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
