"""Times as a person reads them: local to the service area, UTC on hover, ISO 8601 with offset in exports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from sety_console.core import local_time
from sety_console.core.local_time import (
    LocalZone,
    ZoneError,
    display_zone,
    hours_text,
    iso_text,
    load_zone,
    local_text,
    local_weekday_hour,
    service_zone,
    show_times_in,
    to_local,
    utc_day_note,
    utc_text,
)

LAGOS = LocalZone("Africa/Lagos")
MOMENT = datetime(2026, 3, 10, 18, 5, 12, tzinfo=UTC)


@pytest.fixture
def shown_in_lagos() -> Iterator[None]:
    before = display_zone()
    show_times_in(LAGOS)
    yield
    show_times_in(before)


def test_texts_for_people_hover_and_exports() -> None:
    assert local_text(MOMENT, LAGOS) == "2026-03-10 19:05 WAT"
    assert local_text(MOMENT, LAGOS, date_part=False, seconds=True) == "19:05:12 WAT"
    assert local_text(None, LAGOS) == "—"
    assert utc_text(MOMENT) == "2026-03-10 18:05:12 UTC"
    assert iso_text(MOMENT, LAGOS) == "2026-03-10T19:05:12.000+01:00"
    assert iso_text(MOMENT, LocalZone("America/New_York")) == "2026-03-10T14:05:12.000-04:00"
    assert LAGOS.describe(MOMENT) == "Africa/Lagos (WAT, UTC+01:00)"


def test_local_days_and_wall_clock_times_become_utc() -> None:
    first, last = LAGOS.day_bounds(date(2026, 3, 10), date(2026, 3, 10))
    assert (first, last) == (
        datetime(2026, 3, 9, 23, tzinfo=UTC),
        datetime(2026, 3, 10, 22, 59, 59, 999000, tzinfo=UTC),
    )
    assert LAGOS.to_utc(datetime(2026, 3, 10, 7, 0)) == datetime(2026, 3, 10, 6, 0, tzinfo=UTC)
    assert LAGOS.today(datetime(2026, 3, 10, 23, 30, tzinfo=UTC)) == date(2026, 3, 11)
    with pytest.raises(ValueError, match="swap them"):
        LAGOS.day_bounds(date(2026, 3, 11), date(2026, 3, 10))


def test_a_setting_names_a_zone_or_says_what_to_write() -> None:
    assert load_zone("Africa/Lagos") == LAGOS
    assert load_zone("") == LocalZone()
    with pytest.raises(ZoneError, match=r"IANA name, e\.g\. Africa/Lagos"):
        load_zone("Lagos time")
    assert service_zone("", "Africa/Lagos") == LAGOS
    assert service_zone("Europe/London", "Africa/Lagos") == LocalZone("Europe/London")
    assert service_zone("nonsense", "Africa/Lagos") == LAGOS  # a typo never stops the console
    assert service_zone(None) == LocalZone()


def test_the_display_zone_is_the_one_the_app_chose(shown_in_lagos: None) -> None:
    assert display_zone() == LAGOS
    assert to_local(MOMENT).strftime("%H:%M %Z") == "19:05 WAT"
    assert local_time.to_local(MOMENT).utcoffset() is not None


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        ([21, 19, 20], "19:00–22:00"),
        ([15, 3], "03:00–04:00 and 15:00–16:00"),
        ([23, 0], "23:00–01:00"),
        ([16, 17, 22], "16:00–18:00 and 22:00–23:00"),
        ([], ""),
        (list(range(24)), "all day"),
    ],
)
def test_hours_read_as_clock_ranges(hours: list[int], text: str) -> None:
    assert hours_text(hours) == text


def test_utc_slots_and_days_in_local_time() -> None:
    assert local_weekday_hour(6, 23, LAGOS, MOMENT) == (0, 0)  # Sunday 23:00 UTC is Monday 00:00 WAT
    assert local_weekday_hour(4, 20, LAGOS, MOMENT) == (4, 21)
    assert utc_day_note(LAGOS, MOMENT) == "UTC days: 01:00 to 01:00 WAT"
    assert utc_day_note(LocalZone("UTC"), MOMENT) == ""
