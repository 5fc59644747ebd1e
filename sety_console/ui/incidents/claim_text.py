"""How a control-room hub's claim ("taken by Ada, 03:12") reads in the queue's "Taken by" column."""

from __future__ import annotations

from dataclasses import dataclass

from sety_console.api.hub_models import ClaimRecord
from sety_console.core.local_time import to_local


@dataclass(frozen=True, slots=True)
class ClaimCell:
    """The cell's text and tooltip; `mine` when this workstation's operator has the incident."""

    operator: str
    text: str
    tooltip: str
    mine: bool


def claim_cell(claim: ClaimRecord, me: str) -> ClaimCell:
    """`Ada · 03:12` (or `You · 03:12`), with who, where and when in the tooltip."""
    mine = bool(me) and claim.operator == me
    when = to_local(claim.acted_at)
    who = "You" if mine else claim.operator
    where = f" at {claim.workstation}" if claim.workstation else ""
    utc = claim.acted_at.strftime("%H:%M:%S UTC")
    action = "Ctrl+T releases it." if mine else "Right-click to take it over."
    tooltip = f"Taken by {claim.operator}{where} at {when:%H:%M:%S} ({utc}). {action}"
    return ClaimCell(claim.operator, f"{who} · {when:%H:%M}", tooltip, mine)


def taken_words(claim: ClaimRecord) -> str:
    """`Taken by Ada (desk-3) since 03:12`: what a refused claim says."""
    where = f" ({claim.workstation})" if claim.workstation else ""
    return f"Taken by {claim.operator}{where} since {to_local(claim.acted_at):%H:%M}"
