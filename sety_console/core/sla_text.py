"""The one SLA vocabulary: what the queue, the detail, the alarm banner, map popups and the report say.

Headlines are short enough for a table cell and never contradict themselves:

* running: "Assign in 0:40", "Arrive in 8:55" (also "Arrive in 8:55 · assigned late");
* predicted miss (amber): "ETA 47 min past target", with the margin in words in the detail:
  "ETA 60 min — 47 min past the arrival target, due in 12:46";
* breached: "Breached 2:38 ago", with the reason in words: "Arrival target of 10 min exceeded";
* after arrival: "Met", "Arrived 2 min late", "Assigned 1 min late";
* closed before arrival: "Closed before arrival" (or "Breached" when a target was missed first).

`sla_summary` says the same without a running clock (for text that is not redrawn every second).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sety_console.api.models import Incident
from sety_console.core.local_time import to_local

from .rules import SlaClock, SlaPhase, SlaUrgency, missed_target, sla_clock, sla_targets

_TARGET_NAMES = {SlaPhase.ASSIGN: "assignment", SlaPhase.ARRIVE: "arrival"}


@dataclass(frozen=True, slots=True)
class SlaWords:
    """An incident's SLA in words at one instant: `headline` for a cell or a header, `detail` one
    sentence more (tooltip, second line, banner), `urgency` for the colour."""

    headline: str
    detail: str
    urgency: SlaUrgency


def clock_text(seconds: float) -> str:
    """`0:40`, `12:05`, `1:02:03`: a running clock."""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def duration_text(seconds: float) -> str:
    """`45 s`, `2 min 30 s`, `1 h 5 min`: exact enough for targets and measured times."""
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        rest = seconds % 60
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def minutes_text(seconds: float) -> str:
    """`40 s`, `47 min`, `1 h 5 min`: a margin or a lateness, rounded to the minute from 1 min."""
    if seconds < 60:
        return f"{max(0, int(seconds))} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def eta_text(seconds: int) -> str:
    """`ETA 4 min` (rounded up), `ETA <1 min`."""
    return "ETA <1 min" if seconds < 60 else f"ETA {-(-seconds // 60)} min"


def target_text(incident: Incident, phase: SlaPhase) -> str:
    """`assignment target of 1 min`, `arrival target of 10 min`."""
    assign, arrive = sla_targets(incident)
    seconds = assign if phase is SlaPhase.ASSIGN else arrive
    return f"{_TARGET_NAMES[phase]} target of {minutes_text(seconds)}"


def breach_reason(incident: Incident, clock: SlaClock | None = None) -> str | None:
    """Why the SLA is breached, in words (`arrival target of 10 min exceeded`); None when it is not.

    Without `clock`, only what the server recorded counts (for reports and other fixed text).
    """
    missed = clock.missed if clock is not None else missed_target(incident)
    if missed in _TARGET_NAMES:
        return f"{target_text(incident, missed)} exceeded"
    sla = incident.sla
    breached = clock.breached if clock is not None else bool(sla and sla.breached)
    if not breached:
        return None
    raw = sla.breach_reason if sla else None
    return raw.replace("_", " ") if raw else "a target was missed"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def describe_sla(incident: Incident, now: datetime) -> SlaWords:
    """The SLA of `incident` at `now` in the console's one vocabulary."""
    clock = sla_clock(incident, now)
    if clock.phase is SlaPhase.MET:
        return _after_arrival(incident, clock)
    if clock.phase is SlaPhase.CLOSED:
        reason = breach_reason(incident, clock)
        if reason:
            return SlaWords("Breached", _capital(reason), clock.urgency)
        return SlaWords("Closed before arrival", "The SLA stopped when the incident closed.", clock.urgency)
    return _running(incident, clock)


def _running(incident: Incident, clock: SlaClock) -> SlaWords:
    assert clock.seconds_left is not None
    assert clock.target_seconds is not None
    left, phase = clock.seconds_left, clock.phase
    target = target_text(incident, phase)
    if clock.urgency is SlaUrgency.BREACHED:
        reason = _capital(breach_reason(incident, clock) or f"{target} exceeded")
        eta = f"; responder {eta_text(clock.eta_seconds)}" if clock.eta_seconds is not None else ""
        headline = f"Breached {clock_text(-left)} ago" if left < 0 else "Breached"
        return SlaWords(headline, reason + eta, clock.urgency)
    assigned_late = clock.missed is SlaPhase.ASSIGN and phase is SlaPhase.ARRIVE
    earlier = f"; the {target_text(incident, SlaPhase.ASSIGN)} was missed" if assigned_late else ""
    countdown = f"{phase.value.capitalize()} in {clock_text(left)}"
    if clock.late_by_seconds is not None and clock.eta_seconds is not None:
        margin = minutes_text(clock.late_by_seconds)
        detail = f"{eta_text(clock.eta_seconds)} — {margin} past the {target}, due in {clock_text(left)}"
        return SlaWords(f"ETA {margin} past target", detail + earlier, clock.urgency)
    headline = countdown + (" · assigned late" if assigned_late else "")
    if clock.eta_seconds is not None:
        spare = minutes_text(left - clock.eta_seconds)
        detail = f"{eta_text(clock.eta_seconds)} — {spare} to spare on the {target}"
    elif clock.urgency is SlaUrgency.AT_RISK:
        waited = clock.target_seconds - left
        who = "No responder yet" if phase is SlaPhase.ASSIGN else "Responder's ETA unknown"
        detail = f"{who} after {clock_text(waited)}: the {target} is about to pass"
    else:
        detail = _capital(target)
    return SlaWords(headline, detail + earlier, clock.urgency)


def _after_arrival(incident: Incident, clock: SlaClock) -> SlaWords:
    sla = incident.sla
    assign, arrive = sla_targets(incident)
    took_assign = sla.time_to_assign_seconds if sla else None
    took_arrive = sla.time_to_arrive_seconds if sla else None
    if took_arrive is not None and took_arrive > arrive:
        late = minutes_text(took_arrive - arrive)
        return SlaWords(
            f"Arrived {late} late", f"Arrival target of {minutes_text(arrive)} exceeded", clock.urgency
        )
    if took_assign is not None and took_assign > assign:
        late = minutes_text(took_assign - assign)
        detail = f"Assignment target of {minutes_text(assign)} exceeded; arrival within target"
        return SlaWords(f"Assigned {late} late", detail, clock.urgency)
    reason = breach_reason(incident, clock)
    if reason:
        return SlaWords("Breached", _capital(reason), clock.urgency)
    took = f"arrived after {duration_text(took_arrive)}" if took_arrive is not None else "on scene"
    return SlaWords("Met", f"Both targets met ({took})", clock.urgency)


def _local_hhmm(moment: datetime) -> str:
    return f"{to_local(moment):%H:%M}"


def sla_summary(incident: Incident, time_format: Callable[[datetime], str] = _local_hhmm) -> str:
    """The SLA in one line that stays true without a running clock (map popups, printed text):
    `SLA: arrive by 18:42`, `SLA met`, `SLA: arrived 2 min late`, `SLA breached: arrival target of
    10 min exceeded`."""
    clock = sla_clock(incident, incident.created_at)  # phase and due time only: no "now" involved
    if clock.phase in (SlaPhase.ASSIGN, SlaPhase.ARRIVE):
        assert clock.due_at is not None
        recorded = missed_target(incident)
        if clock.breached and recorded in (clock.phase, None):  # the running target is already missed
            return f"SLA breached: {breach_reason(incident) or 'a target was missed'}"
        late = " (assigned late)" if recorded is SlaPhase.ASSIGN else ""
        return f"SLA: {clock.phase.value} by {time_format(clock.due_at)}{late}"
    words = describe_sla(incident, incident.updated_at)
    if words.headline == "Met":
        return "SLA met"
    if words.headline == "Breached":
        return f"SLA breached: {_lower(words.detail)}"
    return f"SLA: {_lower(words.headline)}"


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]
