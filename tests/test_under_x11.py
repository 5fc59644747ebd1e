"""The checks that need a real X11 display (its key bindings, a 1080p or a laptop screen), each group in
one child pytest on an Xvfb screen (see tests/x11.py). Skipped where Xvfb is not installed."""

from __future__ import annotations

import pytest

from tests.x11 import run_under_x11, under_x11

ON_1080P = [
    # X11 binds Ctrl+E to "end of line" in text fields: the gate's export must still get it
    "tests/ui/gate/test_export_key.py::test_ctrl_e_exports_while_the_log_search_box_has_the_keyboard",
    # the help overlay fits a 1080p screen without scrolling
    "tests/e2e/test_help_overlay.py::test_f1_lists_every_real_shortcut_and_fits_the_screen",
    # the default window size: eight timeline entries, pending actions beside the detail
    "tests/e2e/test_control_room_layout.py::test_the_timeline_shows_eight_entries_beside_the_pending_dock[1600x1000]",
]
ON_LAPTOP = [
    "tests/e2e/test_control_room_layout.py::test_the_timeline_shows_eight_entries_beside_the_pending_dock[1366x768]",
]


@pytest.fixture(autouse=True)
def not_nested() -> None:
    if under_x11():
        pytest.skip("this is a child run already")


def test_on_a_1080p_x11_screen() -> None:
    run_under_x11(ON_1080P, screen="1920x1080")


def test_on_a_1366x768_x11_screen() -> None:
    run_under_x11(ON_LAPTOP, screen="1366x768")
