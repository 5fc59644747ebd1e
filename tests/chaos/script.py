"""The chaos plan as the console's process reads it (kept light: no sandbox imports, a quick start).

Every action carries a unique marker (a title, note text, visitor name, reason or checkout note; a
revoke is known by its code), found the same way in the plan and in the outbox's rows.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sety_console.core.actions import ActionKind

GATE = "Main Gate"


@dataclass(frozen=True)
class Action:
    """One planned user action: `marker` identifies it on the server and in the outbox."""

    index: int
    kind: str
    marker: str
    target: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)


def marker_of(kind: ActionKind, payload: dict[str, Any], target: str | None) -> str:
    """The marker of an action as the outbox stores it (the plan puts it where this finds it)."""
    if kind is ActionKind.CREATE_INCIDENT:
        return str(payload.get("title"))
    if kind is ActionKind.ADD_NOTE:
        return str(payload.get("message"))
    if kind is ActionKind.CANCEL_INCIDENT:
        return str(payload.get("reason"))
    if kind in (ActionKind.CHECK_IN, ActionKind.CREATE_ACCESS_CODE):
        return str(payload.get("visitor_name"))
    if kind is ActionKind.CHECK_OUT:
        return str(payload.get("checkout_notes"))
    return f"revoke {target}"


def save_plan(plan: list[Action], path: Path) -> None:
    path.write_text(json.dumps([asdict(a) for a in plan]))


def load_plan(path: Path) -> list[Action]:
    return [Action(**item) for item in json.loads(path.read_text())]
