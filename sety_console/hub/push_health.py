"""Are Sety's webhooks reaching the hub? The answer sets how often the leader still polls incidents.

Polling stays on as the safety net. While the hub's endpoint is registered and nothing says deliveries
go missing, incident polls are stretched to `stretched_s` (the webhooks bring each change at once; the
polls only confirm the picture). They are tightened back to the rate budget's pace, for `TIGHT_FOR_S`,
and one is made at once, when:

* a delta poll brings a change older than `MISSED_GRACE_S` that a webhook should have brought and none
  did (they stopped): a new incident, another status, another note. Changes Sety sends no webhook for
  (a responder moving, an escalation, an SLA breach) do not count;
* a delivery is for an incident the hub never saw created, or arrives more than `LATE_S` after the
  change it carries (Sety retried it: others may still be on their way);
* a delivery was refused for its signature while push was on (the secret may have changed).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sety_console.api.models import Incident
from sety_console.core.changes import ChangeSet
from sety_console.core.poll_gate import IncidentGate
from sety_console.core.stores import IncidentStore

from .changelog import iso_ms

log = logging.getLogger(__name__)

TIGHT_FOR_S = 60.0
MISSED_GRACE_S = 5.0
LATE_S = 5.0


class PushHealth:
    """Counts deliveries, spots gaps, and sets the poller's incident floor (`gate.floor_s`)."""

    def __init__(self, gate: IncidentGate, incidents: IncidentStore, *, stretched_s: float) -> None:
        self.gate = gate
        self._incidents = incidents
        self.stretched_s = stretched_s
        self.state = "off"  # off | registering | on | unavailable
        self.reason = ""
        self.endpoint_id: str | None = None
        self.deliveries = 0
        self.duplicates = 0
        self.refused = 0
        self.missed = 0
        self.gaps = 0
        self.last_delivery_ms: int | None = None
        self._tight_until = 0.0
        self._announced: dict[str, tuple[str, int]] = {}
        """What the webhooks announce of each incident (status, notes), as last seen by the hub."""
        self.gap_found: Callable[[], None] = lambda: None
        """Called when webhooks missed a change (push checks its endpoint on Sety)."""

    def set_state(self, state: str, reason: str = "", endpoint_id: str | None = None) -> None:
        self.state, self.reason, self.endpoint_id = state, reason, endpoint_id
        if state != "on":
            self.gate.floor_s = 0.0
        self.tick()

    def tick(self) -> None:
        """Stretch the incident polls when push is on and nothing was missed lately; else tighten."""
        stretched = self.state == "on" and time.monotonic() >= self._tight_until
        self.gate.floor_s = self.stretched_s if stretched else 0.0

    def tighten(self, why: str) -> None:
        """Poll at the budget's pace for a while, starting now."""
        if self.state == "on":
            log.info("webhook gap: %s; polling at full pace for %.0f s", why, TIGHT_FOR_S)
        self.gaps += 1
        self._tight_until = time.monotonic() + TIGHT_FOR_S
        self.gate.floor_s = 0.0
        self.gate.poll_now()

    # ------------------------------------------------------------------ observations

    def delivered(self, incident: Incident, *, delivered_at: datetime | None) -> None:
        self.deliveries += 1
        self.last_delivery_ms = int(time.time() * 1000)
        self._announced[incident.incident_id] = announced(incident)
        if delivered_at is not None:
            late = (delivered_at - incident.updated_at).total_seconds()
            if late > LATE_S:
                self.tighten(f"a delivery arrived {late:.0f} s after its change (a retry)")

    def unknown_incident(self, incident_id: str, event: str) -> None:
        self.tighten(f"{event} for {incident_id}, an incident the hub had not seen created")

    def refused_signature(self) -> None:
        self.refused += 1
        if self.state == "on":
            self.tighten("a delivery with a signature the hub could not verify")

    def polled(self, changes: ChangeSet) -> None:
        """A delta poll's changes: those a webhook should have brought, older than the grace period, were
        missed by the webhooks."""
        now = datetime.now(UTC)
        missed = 0
        for incident_id in (*changes.added, *changes.updated):
            incident = self._incidents.get(incident_id)
            if incident is None:
                continue
            before = self._announced.get(incident_id)
            self._announced[incident_id] = after = announced(incident)
            expected = incident_id in changes.added or (before is not None and before != after)
            if expected and (now - incident.updated_at).total_seconds() > MISSED_GRACE_S:
                missed += 1
        for incident_id in changes.removed:
            self._announced.pop(incident_id, None)
        if missed and self.state == "on":
            self.missed += missed
            self.tighten(f"a poll found {missed} change(s) no webhook delivered")
            self.gap_found()

    def summary(self) -> dict[str, Any]:
        """For the status and health answers."""
        return {
            "state": self.state,
            "reason": self.reason,
            "endpoint_id": self.endpoint_id,
            "deliveries": self.deliveries,
            "duplicates": self.duplicates,
            "refused": self.refused,
            "missed": self.missed,
            "gaps": self.gaps,
            "last_delivery": iso_ms(self.last_delivery_ms) if self.last_delivery_ms else None,
            "incident_poll_floor_s": self.gate.floor_s,
        }


def announced(incident: Incident) -> tuple[str, int]:
    """What Sety's webhooks announce of an incident: its status and how many notes it has."""
    notes = sum(
        1 for entry in incident.timeline if str(getattr(entry.event, "value", entry.event)) == "note_added"
    )
    return incident.status.value, notes
