"""The audit trail: acted and settled, joined per action, append-only, exported with offsets, and the
timeline's provenance line."""

from __future__ import annotations

import csv
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from sety_console.core.audit import AuditEntry, AuditLog
from sety_console.core.audit_timeline import our_actions, provenance

from .factories import T0, incident

pytestmark = pytest.mark.asyncio


def note(action_id: str = "act_1", message: str = "hello") -> AuditEntry:
    return AuditEntry(action_id, "add_note", "inc_1", f"Note: {message}", "Ada", "desk-1", T0)


async def test_acted_then_confirmed_is_one_line_and_survives_a_restart(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.sqlite3")
    await log.open(T0)
    await log.acted(note())
    await log.settled("act_1", T0 + timedelta(minutes=2))
    await log.acted(note("act_2", "refused one"))
    await log.settled("act_2", T0 + timedelta(minutes=3), refused="message: too long")
    await log.close()
    again = AuditLog(tmp_path / "audit.sqlite3")
    await again.open(T0)
    entries = {e.action_id: e for e in await again.entries()}
    assert entries["act_1"].outcome == "confirmed"
    assert entries["act_1"].late_by == timedelta(minutes=2)
    assert entries["act_2"].outcome == "refused"
    assert entries["act_2"].detail == "message: too long"
    assert [e.action_id for e in again.for_target("inc_1")] == ["act_1", "act_2"]
    out = tmp_path / "audit.csv"
    assert await again.export_csv(out) == 2
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0]["acted_at"] == T0.astimezone().isoformat(timespec="seconds")
    assert rows[0]["confirmed_at"].endswith(T0.astimezone().isoformat(timespec="seconds")[-6:])
    await again.close()


async def test_the_file_refuses_updates_and_deletes(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.sqlite3")
    await log.open(T0)
    await log.acted(note())
    await log.close()
    db = sqlite3.connect(tmp_path / "audit.sqlite3")
    for statement in ("UPDATE audit SET operator = 'Mallory'", "DELETE FROM audit"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(statement)
    assert db.execute("SELECT operator FROM audit").fetchone() == ("Ada",)


async def test_the_timeline_names_who_and_both_times_only_when_they_differ() -> None:
    late = T0 + timedelta(minutes=2, seconds=12)
    made = incident(
        "inc_1",
        timeline=[
            {"status": "dispatching", "event": "note_added", "message": "hello", "timestamp": late},
            {"status": "dispatching", "event": "note_added", "message": "someone else's", "timestamp": late},
        ],
    )
    confirmed = AuditEntry(
        "act_1", "add_note", "inc_1", "Note: hello", "Ada", "desk-1", T0, late, "confirmed"
    )
    ours = our_actions(made, [confirmed])
    assert list(ours) == [0]

    def hhmmss(moment: object) -> str:
        return f"{moment:%H:%M:%S}"

    said = provenance(ours[0], late, hhmmss)
    assert said == f"by Ada at desk-1 · entered {T0:%H:%M:%S} · on the server {late:%H:%M:%S}"
    assert provenance(ours[0], T0 + timedelta(seconds=2), hhmmss) == "by Ada at desk-1"
