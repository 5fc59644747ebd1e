"""Where a hub taking the lead starts its delta poll: never past what the previous leader's polls
confirmed (webhooks bring newer versions of some incidents, and say nothing of the changes no webhook
carries or of deliveries that went to the dead leader's endpoint). Found by `bench_push.py`: 20 changes
lost over two failovers before."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from sety_console.hub.feed import Feed

HELD = datetime(2026, 3, 10, 12, 0, 30, tzinfo=UTC)  # the newest version held (a webhook brought it)


def feed_holding(held: datetime | None, leader_status: dict[str, Any] | None) -> Feed:
    feed = Feed.__new__(Feed)  # only the picture and the leader's status matter here
    feed.picture = SimpleNamespace(incidents=SimpleNamespace(max_updated_at=lambda: held))  # type: ignore[assignment]
    feed.mirror = leader_status
    return feed


def test_a_new_leader_goes_back_to_the_previous_leaders_poll_cursor() -> None:
    feed = feed_holding(HELD, {"poll_cursor": "2026-03-10T12:00:22.500Z"})
    assert feed._resume_cursor() == datetime(2026, 3, 10, 12, 0, 22, 500000, tzinfo=UTC)


def test_without_the_leaders_cursor_or_anything_held_it_goes_on_from_what_is_held() -> None:
    assert feed_holding(HELD, None)._resume_cursor() == HELD
    assert feed_holding(HELD, {"poll_cursor": None})._resume_cursor() == HELD
    assert feed_holding(None, {"poll_cursor": "2026-03-10T12:00:22.500Z"})._resume_cursor() is None


def test_a_poll_cursor_newer_than_what_is_held_does_not_move_it_forward() -> None:
    assert feed_holding(HELD, {"poll_cursor": "2026-03-10T12:01:00.000Z"})._resume_cursor() == HELD
