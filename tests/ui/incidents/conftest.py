"""Fixtures of the incident widgets' tests: a store, a clock that only moves when told, a model."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from sety_console.ui.incidents.queue_model import IncidentQueueModel

from .factory import NOW, Store, varied_incidents


class FakeClock:
    """`now()` for the model and `monotonic()` for flashes; both advance with `advance`."""

    def __init__(self) -> None:
        self.wall: datetime = NOW
        self.seconds = 1000.0

    def now(self) -> datetime:
        return self.wall

    def monotonic(self) -> float:
        return self.seconds

    def advance(self, seconds: float) -> None:
        self.wall += timedelta(seconds=seconds)
        self.seconds += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store() -> Store:
    return Store(varied_incidents())


@pytest.fixture
def model(qapp: object, store: Store, clock: FakeClock) -> Iterator[IncidentQueueModel]:
    queue_model = IncidentQueueModel(store.lookup, clock.now, monotonic=clock.monotonic)
    queue_model.reset_from(store.items.values())
    yield queue_model
    queue_model.deleteLater()


class SignalLog:
    """Every emission of some signals, with their arguments."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[object, ...]]] = []

    def watch(self, name: str, signal: object) -> None:
        signal.connect(lambda *args: self.calls.append((name, args)))  # type: ignore[attr-defined]

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]

    def clear(self) -> None:
        self.calls.clear()
