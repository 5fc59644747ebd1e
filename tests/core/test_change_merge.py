"""`ChangeSet.then`: merging change sets within one event-loop turn gives the same result as applying both."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sety_console.core.changes import ChangeSet


def apply(existing: set[str], change: ChangeSet) -> tuple[set[str], set[str]]:
    """(ids present after, ids whose row must be refreshed)"""
    after = (existing - set(change.removed)) | set(change.added)
    return after, set(change.updated)


def test_added_then_removed_vanishes() -> None:
    assert not ChangeSet(added=("a",)).then(ChangeSet(removed=("a",)))


def test_removed_then_added_is_an_update() -> None:
    merged = ChangeSet(removed=("a",)).then(ChangeSet(added=("a",)))
    assert merged == ChangeSet(updated=("a",))


def test_added_then_updated_stays_added() -> None:
    assert ChangeSet(added=("a",)).then(ChangeSet(updated=("a",))) == ChangeSet(added=("a",))


ids = st.sampled_from(["a", "b", "c", "d"])


@st.composite
def consistent_pair(draw: st.DrawFn) -> tuple[set[str], ChangeSet, ChangeSet]:
    existing = draw(st.sets(ids))
    first_removed = draw(st.sets(st.sampled_from(sorted(existing)))) if existing else set()
    first_updated = (draw(st.sets(st.sampled_from(sorted(existing)))) if existing else set()) - first_removed
    first_added = draw(st.sets(ids)) - existing
    first = ChangeSet(tuple(first_added), tuple(first_updated), tuple(first_removed))
    middle = (existing - first_removed) | first_added
    second_removed = draw(st.sets(st.sampled_from(sorted(middle)))) if middle else set()
    second_updated = (draw(st.sets(st.sampled_from(sorted(middle)))) if middle else set()) - second_removed
    second_added = draw(st.sets(ids)) - middle
    second = ChangeSet(tuple(second_added), tuple(second_updated), tuple(second_removed))
    return existing, first, second


@given(consistent_pair())
def test_merge_matches_sequential_application(case: tuple[set[str], ChangeSet, ChangeSet]) -> None:
    existing, first, second = case
    merged = first.then(second)
    middle, _ = apply(existing, first)
    final, _ = apply(middle, second)
    assert apply(existing, merged)[0] == final
    touched = set(first.added) | set(first.updated) | set(second.added) | set(second.updated)
    assert (set(merged.added) | set(merged.updated)) >= (touched & final)
    assert not set(merged.added) & existing
