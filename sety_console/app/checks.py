"""`--screenshot` and `--self-test`: open workspaces, wait for their data, save a PNG or say what works."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from sety_console.core.connection import ConnectionState

from .shell import Shell

log = logging.getLogger(__name__)
SETTLE_S = 1.0  # the last paint (and the map's tiles-offline note) settles
REFUSED = (ConnectionState.UNAUTHORIZED, ConnectionState.SUSPENDED)
"""The key is refused: nothing more will load; the window says why."""


async def wait_until(check: Callable[[], Awaitable[bool]], wait_s: float) -> bool:
    """Poll `check` until it is true (True) or `wait_s` passes (False)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_s
    while loop.time() < deadline:
        if await check():
            return True
        await asyncio.sleep(0.25)
    return False


async def shown_ready(shell: Shell) -> bool:
    """The workspace on screen shows its data, or cannot: once the key's scopes are known (or the key
    is refused) a workspace the key may not open shows why at once, and yields to an available one."""
    connection, window = shell.ctx.session.connection, shell.ctx.window
    if not connection.scopes_known and connection.status.state not in REFUSED:
        return False
    key = window.current_workspace()
    if key is None or key not in window.available_workspaces():
        return True
    room = shell.rooms.get(key)
    return room is None or await room.ready()


async def screenshot(shell: Shell, path: Path, wait_s: float, size: tuple[int, int] | None = None) -> int:
    """Wait until the workspace actually shown has its data (or `wait_s`), save a PNG of the window
    (at `size`, else at the size that fits the screen, as an operator first sees it)."""
    window = shell.ctx.window
    if size is not None:
        window.resize(*size)
    window.show()
    if not await wait_until(lambda: shown_ready(shell), wait_s):
        log.warning(
            "Screenshot taken before %s finished loading (waited %.0f s)", window.current_workspace(), wait_s
        )
    await asyncio.sleep(SETTLE_S)
    key = window.current_workspace()
    ok = window.snapshot().save(str(path))
    log.info("Screenshot of %s saved to %s", key, path)
    return 0 if ok else 1


async def self_test(shell: Shell, out: Callable[[str], None], wait_s: float = 90.0) -> int:
    """Open every workspace and wait for its data; check the map page and its bridge.

    Prints one line per step; returns 0 when all pass, else 1 (the failing steps say why).
    """
    window = shell.ctx.window
    window.show()
    failures = 0
    await wait_until(lambda: shown_ready(shell), wait_s)  # the key's scopes are known
    for key, room in shell.rooms.items():
        if key not in window.available_workspaces():
            workspace = window.workspace(key)
            out(f"skip workspace {key}: not available — {workspace.unavailable_reason if workspace else ''}")
            continue
        window.show_workspace(key)
        ok = await wait_until(room.ready, wait_s)
        failures += not ok
        verdict = "data shown" if ok else f"no data after {wait_s:.0f} s"
        out(f"{'ok  ' if ok else 'FAIL'} workspace {key}: {verdict}")
    view = shell.map_room.view
    seq = view.flush()

    async def drawn() -> bool:
        return view.rendered_seq >= seq

    bridged = await wait_until(drawn, 20.0)
    loads_ok = view.page_loads == 1
    failures += (not bridged) + (not loads_ok)
    out(f"{'ok  ' if bridged else 'FAIL'} map bridge: push {seq} rendered {view.rendered_seq}")
    out(f"{'ok  ' if loads_ok else 'FAIL'} map page loaded {view.page_loads} time(s), never reloaded")
    out("self-test passed" if not failures else f"self-test FAILED: {failures} step(s)")
    return 0 if not failures else 1
