"""The embedded sandbox runs as a supervised child process: ready signal, keys over a pipe, one server
per database, restarted when it dies, never left behind — also when the console is killed."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from sety_console.connect.sandbox_child import SandboxChild
from sety_console.sandbox.serving import info_path, read_serving


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (ended, not yet reaped) counts as gone
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return True


async def _health(url: str, key: str) -> int:
    async with httpx.AsyncClient() as http:
        answer = await http.get(f"{url}/incidents?limit=1", headers={"Authorization": f"Bearer {key}"})
    return answer.status_code


@pytest.mark.asyncio
async def test_child_starts_reports_and_stops(tmp_path: Path) -> None:
    child = SandboxChild(tmp_path / "sandbox.db", seed="none", log_file=tmp_path / "sandbox.log")
    info = await child.start()
    try:
        assert child.owned
        assert info.pid != os.getpid()
        assert info.url.startswith("http://127.0.0.1:")
        assert await _health(info.url, info.keys["operator"]) == 200
        serving = info_path(tmp_path / "sandbox.db")
        assert stat.S_IMODE(serving.stat().st_mode) == 0o600  # the keys: readable by this user only
    finally:
        await child.stop()
    assert not _alive(info.pid)
    assert read_serving(tmp_path / "sandbox.db") is None


@pytest.mark.asyncio
async def test_a_second_console_joins_the_running_sandbox(tmp_path: Path) -> None:
    first = SandboxChild(tmp_path / "sandbox.db", seed="none")
    info = await first.start()
    second = SandboxChild(tmp_path / "sandbox.db", seed="none")
    try:
        joined = await second.start()
        assert not second.owned
        assert joined == info  # same process, same keys: one simulation of one database
    finally:
        await second.stop()
        await first.stop()


@pytest.mark.asyncio
async def test_a_dead_child_is_restarted_and_reported(tmp_path: Path) -> None:
    changes: list[str] = []
    child = SandboxChild(tmp_path / "sandbox.db", seed="none", on_change=lambda i: changes.append(i.url))
    info = await child.start()
    try:
        os.kill(info.pid, signal.SIGKILL)
        for _ in range(200):
            if changes:
                break
            await asyncio.sleep(0.1)
        assert changes, "the child was not restarted"
        assert child.restarts == 1
        assert child.info is not None
        assert child.info.pid != info.pid
        assert changes[0] == info.url  # the same port again when it is free
        assert await _health(child.info.url, child.info.keys["operator"]) == 200
    finally:
        await child.stop()


PARENT = """
import asyncio, sys
from pathlib import Path
from sety_console.connect.sandbox_child import SandboxChild

async def main():
    child = SandboxChild(Path(sys.argv[1]), seed="none")
    info = await child.start()
    print(info.pid, flush=True)
    await asyncio.sleep(300)

asyncio.run(main())
"""


def test_the_child_ends_when_the_console_is_killed(tmp_path: Path) -> None:
    """SIGKILL of the console closes the child's stdin pipe; the child stops on its own."""
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(tmp_path / "sandbox.db")], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    child_pid = int(parent.stdout.readline())
    assert _alive(child_pid)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 15
    while _alive(child_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(child_pid), "the sandbox child outlived the console"


@pytest.mark.asyncio
async def test_sandbox_serve_alone_refuses_a_database_in_use(tmp_path: Path) -> None:
    child = SandboxChild(tmp_path / "sandbox.db", seed="none")
    info = await child.start()
    try:
        result = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "sety_console", "sandbox", "serve", "--db", str(tmp_path / "sandbox.db")],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 3
        assert f"already served at {info.url}" in result.stdout
        handshake = await asyncio.to_thread(
            subprocess.run,
            [
                sys.executable,
                "-m",
                "sety_console",
                "sandbox",
                "serve",
                "--handshake",
                f"--db={tmp_path / 'sandbox.db'}",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            input="",
        )
        assert json.loads(handshake.stdout)["in_use"]["url"] == info.url
    finally:
        await child.stop()
