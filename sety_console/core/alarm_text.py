"""An alarm in one line, for the banner, the alarm list and desktop notifications."""

from __future__ import annotations

from datetime import datetime

from .alarm_model import Alarm, AlarmReason, AlarmState
from .rules import SlaUrgency
from .sla_text import breach_reason, describe_sla
from .wording import category_name


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def alarm_why(alarm: Alarm, now: datetime) -> str:
    """'new', 'SLA breached: arrival target of 10 min exceeded', 'SLA at risk: ETA 60 min — …', with
    '· unacknowledged for 6 min' once it has waited."""
    incident = alarm.incident
    words = describe_sla(incident, now)
    if alarm.reason is AlarmReason.SLA_BREACHED and words.urgency is SlaUrgency.BREACHED:
        why = f"SLA {_lower(words.headline)}: {_lower(words.detail)}"
    elif alarm.reason is AlarmReason.SLA_BREACHED:
        why = f"SLA breached: {breach_reason(incident) or 'a target was missed'}"
    elif alarm.reason is AlarmReason.SLA_AT_RISK:
        why = f"SLA at risk: {words.detail}"
    elif alarm.reason is AlarmReason.ESCALATED:
        why = "escalated: the search for a responder widened"
    else:
        why = "new"
    waited = (now - alarm.raised_at).total_seconds()
    if alarm.state is AlarmState.UNACKNOWLEDGED and waited >= 120:
        why += f" · unacknowledged for {int(waited // 60)} min"
    return why


def alarm_where(alarm: Alarm) -> str:
    """The address, else the landmark, else the coordinates (never the caller's name twice)."""
    location = alarm.incident.location
    return location.address or location.landmark or f"{location.lat:.5f}, {location.lng:.5f}"


def alarm_line(alarm: Alarm, now: datetime) -> str:
    """'CRITICAL SOS (SLA breached: …) — Fatima Balogun, 99 Olusesi Street, Ojodu'."""
    incident = alarm.incident
    what = f"{incident.severity.label.upper()} {category_name(incident.category).upper()}"
    who = incident.subject.name or "unknown caller"
    return f"{what} ({alarm_why(alarm, now)}) — {who}, {alarm_where(alarm)}"
