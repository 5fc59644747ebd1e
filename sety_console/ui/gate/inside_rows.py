"""Rows of the "who is inside" list: visitors from the store merged with check-ins and checkouts
still in the outbox (pure logic; the Qt model in `inside_model.py` shows them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sety_console.api.models import CurrentVisitor
from sety_console.core.actions import ActionState, OutboxEntry
from sety_console.core.gate_wording import is_already_done, short_state

from .style import Tone


@dataclass(frozen=True, slots=True)
class InsideRow:
    """One line of the list: a visitor inside, or a check-in the server does not have yet."""

    key: str  # log_id for visitors (and delivered check-ins), action_id for undelivered check-ins
    log_id: str | None
    name: str
    phone: str
    host: str
    unit: str
    gate: str
    plate: str
    checked_in_at: datetime
    expected_until: datetime | None = None
    server_overstay: bool = False
    check_in: OutboxEntry | None = None
    check_out: OutboxEntry | None = None

    def overstay(self, now: datetime) -> bool:
        """Past the code's `valid_until` (server flag, or computed locally between polls)."""
        return self.server_overstay or bool(self.expected_until and self.expected_until < now)

    @property
    def can_check_out(self) -> bool:
        """A visitor the server knows and who is not already on the way out."""
        if self.log_id is None:
            return False
        return self.check_out is None or (self.check_out.state is ActionState.FAILED and not self.checked_out)

    @property
    def checked_out(self) -> bool:
        return self.check_out is not None and is_already_done(self.check_out)

    @property
    def failed(self) -> bool:
        entry = self.check_out or self.check_in
        return entry is not None and entry.state is ActionState.FAILED and not is_already_done(entry)

    def status(self, now: datetime) -> tuple[str, Tone]:
        """The status cell: words and tone (never colour alone)."""
        if self.check_out is not None:
            if self.checked_out:
                return ("Already out ✓" if self.check_out.error else "Checked out ✓"), Tone.DONE
            if self.check_out.state is ActionState.FAILED:
                return "Checkout FAILED", Tone.BAD
            return f"Pending checkout ({short_state(self.check_out)})", Tone.PENDING
        if self.check_in is not None:
            if self.check_in.state is ActionState.FAILED:
                return "Check-in FAILED", Tone.BAD
            if self.check_in.state is ActionState.DONE:
                return "Checked in ✓", Tone.GOOD
            return f"Pending check-in ({short_state(self.check_in)})", Tone.PENDING
        if self.overstay(now):
            return "OVERSTAY", Tone.WARN
        return "Inside", Tone.IDLE

    def group(self, now: datetime) -> int:
        """Sort group: failures first, then actions on their way, overstays, everyone else."""
        if self.failed:
            return 0
        if self.check_in is not None or self.check_out is not None:
            return 1
        return 2 if self.overstay(now) else 3

    def matches(self, gate: str, needle: str) -> bool:
        """Gate filter (exact; empty = every gate) and a case-insensitive search over the row's words."""
        if gate and self.gate != gate:
            return False
        words = (self.name, self.phone, self.host, self.unit, self.plate)
        return not needle or any(needle in word.lower() for word in words)


def visitor_row(visitor: CurrentVisitor, check_out: OutboxEntry | None) -> InsideRow:
    return InsideRow(
        key=visitor.log_id,
        log_id=visitor.log_id,
        name=visitor.visitor_name,
        phone=visitor.visitor_phone or "",
        host=visitor.host_name,
        unit=visitor.host_unit or "",
        gate=visitor.gate,
        plate=visitor.vehicle_plate or "",
        checked_in_at=visitor.checked_in_at,
        expected_until=visitor.expected_until,
        server_overstay=visitor.overstay,
        check_out=check_out,
    )


def check_in_row(entry: OutboxEntry) -> InsideRow:
    """A check-in the store does not show yet: from the request, or the server's answer once done."""
    fields: dict[str, Any] = dict(entry.payload)
    if entry.result:
        fields |= {k: v for k, v in entry.result.items() if v is not None}
    code = fields.get("access_code")
    name = fields.get("visitor_name") or (f"Code {code}" if code else "—")
    log_id = fields.get("log_id") if entry.state is ActionState.DONE else None
    return InsideRow(
        key=log_id or entry.action_id,
        log_id=log_id,
        name=name,
        phone=fields.get("visitor_phone") or "",
        host=fields.get("host_name") or "",
        unit=fields.get("host_unit") or "",
        gate=fields.get("gate") or "",
        plate=fields.get("vehicle_plate") or "",
        checked_in_at=_timestamp(fields.get("checked_in_at")) or entry.created_at,
        check_in=entry,
    )


def _timestamp(value: object) -> datetime | None:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return value if isinstance(value, datetime) else None
