"""Random alarm histories for property tests: the records a console would write, and the truth they
were made from (which alarms rang, when each was acknowledged) to check the KPIs against."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hypothesis import strategies as st

from sety_console.core.alarm_model import AlarmReason
from sety_console.core.alarm_records import AlarmAction, AlarmRecord

START = datetime.fromisoformat("2026-03-10T06:00:00+00:00")
CATEGORIES = ("sos", "vehicle", "medical", "location_threat")
OPERATORS = ("Ada", "Bola", "Chidi")


@dataclass(frozen=True)
class Episode:
    """One alarm (incident + reason) from raise to clear, as generated."""

    incident: str
    reason: AlarmReason
    category: str
    raised: datetime
    acked: datetime | None
    cleared: datetime | None


@dataclass
class History:
    start: datetime
    end: datetime
    records: list[AlarmRecord] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)
    handovers: list[tuple[datetime, str]] = field(default_factory=list)

    def operator_at(self, moment: datetime) -> str:
        current = self.handovers[0][1]
        for at, name in self.handovers:
            if at <= moment:
                current = name
        return current

    def rang(self, episode: Episode) -> bool:
        """Did it ring? Not when its reason was acknowledged on that incident before (the book's rule)."""
        return not any(
            e.incident == episode.incident and e.reason == episode.reason and e.acked < episode.raised
            for e in self.episodes
            if e.acked is not None
        )


def _minutes(draw: st.DrawFn, low: float, high: float) -> timedelta:
    return timedelta(seconds=draw(st.integers(int(low * 60), int(high * 60))))


@st.composite
def histories(draw: st.DrawFn, max_incidents: int = 40) -> History:
    """A shift of 10 min to 12 h and alarms before, during and after it, on one workstation; sometimes
    a burst (every incident within the same 10 minutes) so that floods happen."""
    length = _minutes(draw, 10, draw(st.sampled_from((60, 12 * 60))))
    history = History(START, START + length)
    history.handovers = [(START - timedelta(hours=3), draw(st.sampled_from(OPERATORS)))]
    for _ in range(draw(st.integers(0, 2))):
        at = START + _minutes(draw, 0, length.total_seconds() / 60)
        history.handovers.append((at, draw(st.sampled_from(OPERATORS))))
    history.handovers.sort()
    burst = draw(st.booleans())
    first = _minutes(draw, -120, length.total_seconds() / 60)
    for number in range(draw(st.integers(0, max_incidents))):
        incident = f"inc_{number:04d}fi"
        category = draw(st.sampled_from(CATEGORIES))
        reason = draw(st.sampled_from(list(AlarmReason)))
        moment = START + (
            first + _minutes(draw, 0, 10) if burst else _minutes(draw, -120, length.total_seconds() / 60)
        )
        for _ in range(draw(st.integers(1, 4))):  # the same alarm may come back (chatter)
            episode = _episode(draw, history, incident, reason, category, moment)
            if episode.cleared is None:
                break
            moment = episode.cleared + _minutes(draw, 0.05, 30)
    history.records.sort(key=lambda r: r.at)
    return history


def _episode(
    draw: st.DrawFn, history: History, incident: str, reason: AlarmReason, category: str, raised: datetime
) -> Episode:
    acked_after = draw(st.one_of(st.none(), st.integers(1, 90 * 60)))
    cleared_after = draw(st.one_of(st.none(), st.integers(1, 120 * 60)))
    cleared = raised + timedelta(seconds=cleared_after) if cleared_after is not None else None
    acked = raised + timedelta(seconds=acked_after) if acked_after is not None else None
    if acked is not None and cleared is not None and acked >= cleared:
        acked = None  # an alarm that has cleared cannot be acknowledged
    episode = Episode(incident, reason, category, raised, acked, cleared)
    history.episodes.append(episode)
    station = "desk-1"
    history.records.append(
        AlarmRecord(incident, AlarmAction.RAISED, (reason,), history.operator_at(raised), raised,
                    workstation=station, category=category)
    )  # fmt: skip
    if draw(st.booleans()) and (acked is None or acked > raised + timedelta(seconds=1)):
        shelved = raised + timedelta(seconds=1)
        if cleared is None or shelved < cleared:
            history.records.append(
                AlarmRecord(incident, AlarmAction.SHELVED, (), history.operator_at(shelved), shelved,
                            until=shelved + timedelta(minutes=5), workstation=station)
            )  # fmt: skip
    if acked is not None:
        history.records.append(
            AlarmRecord(incident, AlarmAction.ACKNOWLEDGED, (reason,), history.operator_at(acked), acked,
                        workstation=station)
        )  # fmt: skip
    if cleared is not None:
        history.records.append(
            AlarmRecord(incident, AlarmAction.CLEARED, (reason,), history.operator_at(cleared), cleared,
                        workstation=station)
        )  # fmt: skip
    return episode
