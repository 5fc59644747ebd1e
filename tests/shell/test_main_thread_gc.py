"""Cyclic garbage is collected on the GUI thread only while the console runs."""

from __future__ import annotations

import gc

from pytestqt.qtbot import QtBot

from sety_console.ui.main_thread_gc import TICK_MS, MainThreadGarbageCollector

FREED: list[str] = []


class Cycle:
    """An object only the cyclic collector can free (it refers to itself)."""

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        FREED.append("cycle")


def test_collects_on_its_timer_with_automatic_gc_off(qtbot: QtBot) -> None:
    collector = MainThreadGarbageCollector()
    collector.start()
    try:
        assert not gc.isenabled()
        FREED.clear()
        Cycle()
        assert FREED == []  # reference counting alone cannot free it
        qtbot.waitUntil(lambda: FREED == ["cycle"], timeout=TICK_MS * 3)
    finally:
        collector.stop()
    assert gc.isenabled()
