"""Times as a person reads them: in the service area's time zone, UTC one hover away, ISO 8601 with
the offset in exports.

The server speaks UTC (the contract's timestamps and its hour-of-day bins); everything shown to a
person goes through a `LocalZone`: an IANA zone (`Africa/Lagos` for the Lagos demo) or, when no zone
is configured, this workstation's own zone (its daylight-saving rules included). Plain Python
(`zoneinfo`), no Qt, so the widgets of every workspace and the headless report say the same thing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "DEMO_ZONE",
    "HourAxis",
    "LocalZone",
    "ZoneError",
    "display_zone",
    "hour_axis",
    "hours_text",
    "iso_text",
    "load_zone",
    "local_text",
    "local_weekday_hour",
    "service_zone",
    "show_times_in",
    "to_local",
    "utc_day_note",
    "utc_text",
]

log = logging.getLogger(__name__)
DEMO_ZONE = "Africa/Lagos"
"""The zone of the sandbox's demo service area (Lagos: UTC+1 all year)."""


class ZoneError(ValueError):
    """A time-zone setting that names no known zone; the message says what to write instead."""


def _aware(moment: datetime) -> datetime:
    """`moment` with a zone (a naive moment is taken as UTC, as the wire means it)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class LocalZone:
    """Where times are shown: the IANA zone `key`, or this workstation's zone when `key` is None."""

    key: str | None = None

    @property
    def tzinfo(self) -> tzinfo | None:
        """The zone (None: the workstation's, which `datetime.astimezone()` applies moment by moment)."""
        return ZoneInfo(self.key) if self.key else None

    def localise(self, moment: datetime) -> datetime:
        """`moment` as an aware wall-clock time in this zone."""
        zone = self.tzinfo
        return _aware(moment).astimezone(zone) if zone is not None else _aware(moment).astimezone()

    def abbreviation(self, moment: datetime | None = None) -> str:
        """`WAT`, `CET`, `CEST` … as the zone calls itself at `moment` (default now)."""
        local = self.localise(moment or datetime.now(UTC))
        return local.tzname() or _offset_text(local.utcoffset())

    def offset(self, moment: datetime | None = None) -> timedelta:
        """The zone's offset from UTC at `moment` (default now)."""
        return self.localise(moment or datetime.now(UTC)).utcoffset() or timedelta(0)

    def describe(self, moment: datetime | None = None) -> str:
        """`Africa/Lagos (WAT, UTC+01:00)`; the workstation's zone says so."""
        at = moment or datetime.now(UTC)
        name = self.key or "this computer's time zone"
        return f"{name} ({self.abbreviation(at)}, UTC{_offset_text(self.offset(at))})"

    def to_utc(self, wall_clock: datetime) -> datetime:
        """A naive wall-clock time in this zone (what an editor shows) as aware UTC."""
        if wall_clock.tzinfo is not None:
            return wall_clock.astimezone(UTC)
        zone = self.tzinfo
        local = wall_clock.replace(tzinfo=zone) if zone is not None else wall_clock.astimezone()
        return local.astimezone(UTC)

    def day_bounds(self, first: date, last: date) -> tuple[datetime, datetime]:
        """Local midnight of `first` to the last millisecond of `last`, both as aware UTC."""
        if first > last:
            raise ValueError("The start date is after the end date: swap them.")
        start = self.to_utc(datetime.combine(first, time.min))
        end = self.to_utc(datetime.combine(last + timedelta(days=1), time.min)) - timedelta(milliseconds=1)
        return start, end

    def today(self, now: datetime | None = None) -> date:
        return self.localise(now or datetime.now(UTC)).date()


_shown_in = LocalZone()


def show_times_in(zone: LocalZone) -> None:
    """Make `zone` the one every time of this console is shown in (the composition root calls it)."""
    global _shown_in
    _shown_in = zone


def display_zone() -> LocalZone:
    """The zone times are shown in (the service area's; the workstation's until the app says)."""
    return _shown_in


def to_local(moment: datetime) -> datetime:
    """`moment` as wall-clock time in the display zone (what `.astimezone()` did for the workstation)."""
    return _shown_in.localise(moment)


def load_zone(name: str | None) -> LocalZone:
    """The zone a setting names (`Africa/Lagos`); empty or None means this workstation's zone."""
    key = (name or "").strip()
    if not key:
        return LocalZone()
    try:
        ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        raise ZoneError(
            f"{key!r} is not a time zone: write its IANA name, e.g. Africa/Lagos or Europe/London "
            "(or leave it empty for this computer's zone)."
        ) from None
    return LocalZone(key)


def service_zone(setting: str | None, fallback: str | None = None) -> LocalZone:
    """The zone to show times in: the setting, else `fallback` (the demo's), else the workstation's.

    A setting that names no zone is logged and ignored, so a typo never stops the console.
    """
    try:
        return load_zone(setting or fallback)
    except ZoneError as exc:
        log.warning("Ignoring the time_zone setting: %s", exc)
        return load_zone(fallback) if setting and fallback else LocalZone()


def _offset_text(offset: timedelta | None) -> str:
    minutes = round((offset or timedelta(0)).total_seconds() / 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


def local_text(
    moment: datetime | None,
    zone: LocalZone,
    *,
    date_part: bool = True,
    seconds: bool = False,
    zone_part: bool = True,
) -> str:
    """`2026-03-10 19:05 WAT` (parts optional); `—` for no value."""
    if moment is None:
        return "—"
    local = zone.localise(moment)
    clock = "%H:%M:%S" if seconds else "%H:%M"
    text = local.strftime(f"%Y-%m-%d {clock}" if date_part else clock)
    return f"{text} {local.tzname() or _offset_text(local.utcoffset())}" if zone_part else text


def utc_text(moment: datetime | None, *, seconds: bool = True) -> str:
    """`2026-03-10 18:05:12 UTC` (what a tooltip shows beside a local time); `—` for no value."""
    if moment is None:
        return "—"
    return (
        _aware(moment).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC" if seconds else "%Y-%m-%d %H:%M UTC")
    )


def iso_text(moment: datetime | None, zone: LocalZone) -> str:
    """ISO 8601 with the zone's offset, for exports: `2026-03-10T19:05:12.000+01:00`; empty for no value."""
    if moment is None:
        return ""
    return zone.localise(moment).isoformat(timespec="milliseconds")


@dataclass(frozen=True, slots=True)
class HourAxis:
    """Hour-of-day counts as a person reads them: `counts[h]` is local hour `h` (UTC when not `local`).

    `exact` is False when the zone's offset changed inside the period (daylight saving) or is not
    a whole number of hours: then the bins are the UTC ones shifted by today's offset, and `note`
    says so.
    """

    counts: tuple[int, ...]
    label: str
    """`WAT`, `CET` …, or `UTC` when the bins could not be shifted."""
    shift_hours: int
    exact: bool
    note: str

    def to_utc(self, local_hour: int) -> int:
        return (local_hour - self.shift_hours) % 24

    def to_local(self, utc_hour: int) -> int:
        return (utc_hour + self.shift_hours) % 24


def hour_axis(by_hour_utc: Sequence[int], zone: LocalZone, period: tuple[datetime, datetime]) -> HourAxis:
    """The contract's UTC hour bins (index 0 = 00:00–00:59 UTC) as local hours over `period`."""
    counts = (list(by_hour_utc) + [0] * 24)[:24]
    start, end = period
    offsets = {zone.offset(start + (end - start) * k / 12) for k in range(13)}
    now_offset = zone.offset(end)
    minutes = now_offset.total_seconds() / 60
    if minutes % 60:
        return HourAxis(tuple(counts), "UTC", 0, False, "Hours are UTC: the local offset is not whole hours.")
    shift = int(minutes // 60) % 24
    rotated = tuple(counts[(h - shift) % 24] for h in range(24))
    label = zone.abbreviation(end)
    if len(offsets) > 1:
        note = f"Hours in {label}; the period spans a clock change, so some hours are off by one."
        return HourAxis(rotated, label, shift, False, note)
    return HourAxis(rotated, label, shift, True, "")


def hours_text(hours: Sequence[int]) -> str:
    """Hours as clock ranges, earliest first: [21, 19, 20] → `19:00–22:00`; [15, 3] → `03:00–04:00 and
    15:00–16:00`. Neighbouring hours merge (23 and 0 too); all 24 read `all day`."""
    chosen = sorted({h % 24 for h in hours})
    if len(chosen) == 24:
        return "all day"
    ranges = []
    for first in (h for h in chosen if (h - 1) % 24 not in chosen):
        last = first
        while (last + 1) % 24 in chosen:
            last = (last + 1) % 24
        ranges.append(f"{first:02d}:00–{(last + 1) % 24:02d}:00")
    if len(ranges) <= 1:
        return "".join(ranges)
    return ", ".join(ranges[:-1]) + " and " + ranges[-1]


def utc_day_note(zone: LocalZone, moment: datetime | None = None) -> str:
    """How the API's UTC days sit in local time: `UTC days: 01:00 to 01:00 WAT`; empty in UTC."""
    offset = zone.offset(moment)
    if not offset:
        return ""
    start = (datetime(2000, 1, 3, tzinfo=UTC) + offset).strftime("%H:%M")
    return f"UTC days: {start} to {start} {zone.abbreviation(moment)}"


def local_weekday_hour(weekday: int, hour: int, zone: LocalZone, near: datetime) -> tuple[int, int]:
    """A UTC (weekday, hour) slot — Monday = 0 — as the local (weekday, hour) of the week around `near`."""
    monday = (_aware(near).astimezone(UTC) - timedelta(days=_aware(near).astimezone(UTC).weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    local = zone.localise(monday + timedelta(days=weekday, hours=hour))
    return local.weekday(), local.hour
