"""Operator state shared by every workstation: alarm states, claims, the audit log, who is on shift.

Each change is stored in the hub database and appended to the change log in the same transaction, so
it reaches every workstation on the stream, in order, resumable like the picture's changes.

Alarms are keyed by (incident, reason) with the ISA-18.2 / IEC 62682 states `unacknowledged`,
`acknowledged`, `shelved` (with an expiry) and `cleared`; each records the actor, the workstation, the
time the operator acted and the time the hub stored it. An expired shelf returns the alarm to
`unacknowledged` (it annunciates again). Claims say who has taken an incident. The audit log holds
every operator action the hub saw (writes it forwarded, alarm changes, claims) plus what workstations
report of their own.

Several hubs may share the database: a claim is decided on the database's row inside the append's
transaction (appends are serialised), who is on shift is read from every hub's presence rows, and the
other hubs' changes reach this hub's memory through the change log's appliers.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
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
        self.alarms: dict[tuple[str, str], dict[str, Any]] = {}
        self.claims: dict[str, dict[str, Any]] = {}
        self.shift: list[dict[str, str]] = []
        self._mine: set[str] = set()  # this hub's open connections (presence rows)
        with db.session() as session:
            session.execute(delete(PresenceRow).where(PresenceRow.hub_id == hub_id))
        with db.session() as session:
            self._loaded(session)()
        self._lock = asyncio.Lock()  # a change is decided on the state its predecessor published
        changelog.on_kind("alarm", self._apply_alarm)
        changelog.on_kind("claim", self._apply_claim)
        changelog.on_kind("shift", self._apply_shift)
        changelog.reloaders.append(self._loaded)

    def _loaded(self, session: Session) -> Callable[[], None]:
        alarms = {(r.incident_id, r.reason): alarm_json(r) for r in session.scalars(select(AlarmRow))}
        claims = {r.incident_id: claim_json(r) for r in session.scalars(select(ClaimRow))}
        shift = _on_shift_rows(session)

        def publish() -> None:
            self.alarms, self.claims, self.shift = alarms, claims, shift

        return publish

    # ------------------------------------------------------------------ other hubs' changes

    def _apply_alarm(self, payload: dict[str, Any]) -> None:
        alarm = payload.get("alarm")
        if isinstance(alarm, dict):
            self.alarms[(alarm["incident_id"], alarm["reason"])] = alarm

    def _apply_claim(self, payload: dict[str, Any]) -> None:
        incident_id = payload.get("incident_id")
        claim = payload.get("claim")
        if isinstance(claim, dict):
            self.claims[claim["incident_id"]] = claim
        elif incident_id:
            self.claims.pop(str(incident_id), None)

    def _apply_shift(self, payload: dict[str, Any]) -> None:
        if isinstance(payload.get("on_shift"), list):
            self.shift = payload["on_shift"]

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
        leader_only: bool = False,
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
            "alarm",
            {"alarm": record, "audit": self._audit_text(audit)},
            persist=persist,
            publish=publish,
            leader_only=leader_only,
        )
        return record

    async def expire_shelves(self) -> int:
        """Shelves past their expiry return to `unacknowledged`; returns how many did (the leader's job)."""
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
                leader_only=True,
            )
        return len(expired)

    # ------------------------------------------------------------------ claims

    async def _claim(self, actor: Actor, incident_id: str, *, force: bool = False) -> dict[str, Any]:
        """`actor` takes the incident (409 when someone else has it, unless `force`)."""
        row = ClaimRow(
            incident_id=incident_id,
            operator=actor.operator,
            workstation=actor.workstation,
            acted_at_ms=actor.acted(),
            stored_at_ms=now_ms(),
        )
        record = claim_json(row)
        audit = self._audit_row(actor, "claim", incident_id, "")

        def persist(session: Session) -> None:
            held = session.get(ClaimRow, incident_id)
            if held is not None and held.operator != actor.operator:
                if not force:
                    raise StateError(409, f"Taken by {held.operator} since {iso_ms(held.acted_at_ms)}")
                audit.detail = f"taken over from {held.operator}"
            session.merge(row)
            session.add(audit)

        def publish() -> None:
            self.claims[incident_id] = record

        await self._log.append(
            "claim",
            lambda _session: {"claim": record, "incident_id": incident_id, "audit": self._audit_text(audit)},
            persist=persist,
            publish=publish,
        )
        return record

    async def _release(self, actor: Actor, incident_id: str, *, force: bool = False) -> None:
        """Give the incident back (only its holder may, unless `force`)."""
        if incident_id not in self.claims and not await asyncio.to_thread(self._claimed, incident_id):
            return
        audit = self._audit_row(actor, "release", incident_id, "")

        def persist(session: Session) -> None:
            held = session.get(ClaimRow, incident_id)
            if held is None:
                return
            if held.operator != actor.operator and not force:
                raise StateError(409, f"Taken by {held.operator}; only they can release it")
            session.delete(held)
            session.add(audit)

        def publish() -> None:
            self.claims.pop(incident_id, None)

        await self._log.append(
            "claim",
            {"claim": None, "incident_id": incident_id, "audit": self._audit_text(audit)},
            persist=persist,
            publish=publish,
        )

    def _claimed(self, incident_id: str) -> bool:
        with self._db.session() as session:
            return session.get(ClaimRow, incident_id) is not None

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
        row = PresenceRow(
            connection_id=connection_id,
            operator=operator,
            workstation=workstation,
            hub_id=self.hub_id,
            connected_at_ms=now_ms(),
        )
        self._mine.add(connection_id)
        await self._append_shift(lambda session: session.add(row))
        return connection_id

    async def _disconnected(self, connection_id: str) -> None:
        if connection_id not in self._mine:
            return
        self._mine.discard(connection_id)
        await self._append_shift(
            lambda session: session.execute(
                delete(PresenceRow).where(PresenceRow.connection_id == connection_id)
            )
        )

    async def forget_hubs(self, hub_ids: set[str]) -> None:
        """Hubs that stopped without saying so: their workstations are no longer on shift."""
        if hub_ids:
            await self._append_shift(
                lambda session: session.execute(delete(PresenceRow).where(PresenceRow.hub_id.in_(hub_ids)))
            )

    async def _append_shift(self, persist: Callable[[Session], Any]) -> None:
        built: list[list[dict[str, str]]] = []

        def payload(session: Session) -> dict[str, Any]:
            session.flush()
            built.append(_on_shift_rows(session))
            return {"on_shift": built[-1]}

        def publish() -> None:
            self.shift = built[-1]

        await self._log.append("shift", payload, persist=persist, publish=publish)

    def on_shift(self) -> list[dict[str, str]]:
        """Operators connected now, to any hub of this database (one line per workstation)."""
        return list(self.shift)

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


def _on_shift_rows(session: Session) -> list[dict[str, str]]:
    rows = session.scalars(select(PresenceRow)).all()
    entries = [asdict(OnShift(r.operator, r.workstation, iso_ms(r.connected_at_ms))) for r in rows]
    return sorted(entries, key=lambda e: (e["operator"], e["workstation"]))
