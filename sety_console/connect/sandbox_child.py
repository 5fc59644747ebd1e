"""The embedded sandbox as a supervised child process, never a thread of the console.

`SandboxChild.start()` finds the server of the profile's sandbox database — a running one (another
console, a `sety-console sandbox serve`) or a child it starts with `sety-console sandbox serve
--handshake`. The child chooses a free port and reports it, with fresh keys, on its stdout pipe (no file
anyone else can read); it stops when its stdin closes, which the OS also does when the console is killed.
While the console runs, the child is restarted if it dies and `on_change` receives the new address.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO

from sety_console.sandbox.serving import ServingInfo, read_serving

log = logging.getLogger(__name__)

START_TIMEOUT_S = 120.0  # a first start seeds a year of demo history
STOP_TIMEOUT_S = 10.0
RESTART_BACKOFF_S = (1.0, 2.0, 5.0, 10.0, 30.0)
ATTACHED_CHECK_S = 2.0


class SandboxStartError(RuntimeError):
    """The sandbox could not be started; the message says why in words."""


def serve_command(
    database: Path, *, port: int, speed: float = 1.0, traffic_per_minute: float = 0.0, seed: str = "demo"
) -> list[str]:
    """`sety-console sandbox serve --handshake …`, from a checkout, a wheel or the frozen bundle."""
    program = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "sety_console"]
    return [
        *program,
        "sandbox",
        "serve",
        "--handshake",
        f"--port={port}",
        f"--db={database}",
        f"--speed={speed:g}",
        f"--traffic={traffic_per_minute:g}",
        f"--seed={seed}",
    ]


class SandboxChild:
    """Finds or starts the server of one sandbox database and keeps it running until `stop()`."""

    def __init__(
        self,
        database: Path,
        *,
        speed: float = 1.0,
        traffic_per_minute: float = 0.0,
        seed: str = "demo",
        log_file: Path | None = None,
        on_change: Callable[[ServingInfo], None] | None = None,
    ) -> None:
        self.database = database
        self.speed = speed
        self.traffic_per_minute = traffic_per_minute
        self.seed = seed
        self.log_file = log_file
        self.on_change = on_change
        self.info: ServingInfo | None = None
        self.restarts = 0
        self._process: asyncio.subprocess.Process | None = None
        self._watch: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def owned(self) -> bool:
        """True when this console started the server (False when it joined a running one)."""
        return self._process is not None

    async def start(self, timeout_s: float = START_TIMEOUT_S) -> ServingInfo:
        """The running server's address and keys (joined or started), watched from now on."""
        info = await self._find_or_spawn(timeout_s, port=0)
        self._watch = asyncio.get_running_loop().create_task(self._supervise(), name="sandbox-child")
        return info

    async def stop(self) -> None:
        """Stop watching; end the child (if this console started it) cleanly, killing it if it hangs."""
        self._stopping = True
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
            self._watch = None
        process, self._process = self._process, None
        if process is None or process.returncode is not None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT_S)
        except TimeoutError:
            log.warning("the sandbox child did not stop within %.0f s; killing it", STOP_TIMEOUT_S)
            process.kill()
            await process.wait()

    # ------------------------------------------------------------------ start

    async def _find_or_spawn(self, timeout_s: float, *, port: int) -> ServingInfo:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            running = await asyncio.to_thread(read_serving, self.database)
            if running is not None:
                log.info("joining the sandbox already serving %s at %s", self.database, running.url)
                self.info, self._process = running, None
                return running
            info = await self._spawn(max(1.0, deadline - loop.time()), port)
            if info is not None:
                self.info = info
                return info
            if loop.time() > deadline:  # another server kept winning the race but never published
                raise SandboxStartError("The sandbox database is held by a program that does not answer.")
            await asyncio.sleep(0.5)

    async def _spawn(self, timeout_s: float, port: int) -> ServingInfo | None:
        """Start a child and read its handshake; None when another server holds the database."""
        self.database.parent.mkdir(parents=True, exist_ok=True)
        command = serve_command(
            self.database,
            port=port,
            speed=self.speed,
            traffic_per_minute=self.traffic_per_minute,
            seed=self.seed,
        )
        with self._open_log() as stderr:
            process = await asyncio.create_subprocess_exec(
                *command,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=stderr,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        assert process.stdout is not None
        try:
            line = await asyncio.wait_for(process.stdout.readline(), timeout_s)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise SandboxStartError(f"The sandbox did not start within {timeout_s:.0f} s.") from None
        answer = _parse_handshake(line)
        if answer is None:
            await process.wait()
            raise SandboxStartError(f"The sandbox stopped while starting. {self._log_tail()}".strip())
        if "in_use" in answer:
            await process.wait()
            return None
        self._process = process
        return ServingInfo.from_json(answer)

    def _open_log(self) -> contextlib.AbstractContextManager[IO[bytes] | int]:
        if self.log_file is None:
            return contextlib.nullcontext(asyncio.subprocess.DEVNULL)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        return open(self.log_file, "ab")  # closed by the caller's with block once the child inherited it

    def _log_tail(self, lines: int = 3) -> str:
        if self.log_file is None:
            return ""
        try:
            tail = self.log_file.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-lines:]
        except OSError:
            return ""
        return f"Its log ({self.log_file}) ends with: " + " / ".join(tail) if tail else ""

    # ------------------------------------------------------------------ supervision

    async def _supervise(self) -> None:
        """Restart the server when it ends unexpectedly; report each new address."""
        while not self._stopping:
            await self._wait_until_gone()
            if self._stopping:
                return
            info = await self._restart()
            if info is None:
                return
            if self.on_change is not None:
                self.on_change(info)

    async def _wait_until_gone(self) -> None:
        process = self._process
        if process is not None:
            code = await process.wait()
            if not self._stopping:
                log.warning("the sandbox child ended unexpectedly (exit status %s)", code)
            return
        while not self._stopping:  # joined another process's server: look at it now and then
            await asyncio.sleep(ATTACHED_CHECK_S)
            running = await asyncio.to_thread(read_serving, self.database)
            if running != self.info:
                log.warning("the sandbox this console joined has stopped or changed")
                return

    async def _restart(self) -> ServingInfo | None:
        previous_port = _port_of(self.info)
        for attempt, pause in enumerate(RESTART_BACKOFF_S):
            if self._stopping:
                return None
            try:
                # The same port first: open connections and the snapshot keep their address.
                info = await self._find_or_spawn(START_TIMEOUT_S, port=previous_port if attempt == 0 else 0)
            except (SandboxStartError, OSError) as exc:
                log.warning("restarting the sandbox failed (attempt %d): %s", attempt + 1, exc)
                await asyncio.sleep(pause)
                continue
            self.restarts += 1
            log.info("sandbox restarted at %s (restart %d)", info.url, self.restarts)
            return info
        log.error("the sandbox could not be restarted; the console keeps what it has")
        return None


def _parse_handshake(line: bytes) -> dict[str, object] | None:
    try:
        answer = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return answer if isinstance(answer, dict) else None


def _port_of(info: ServingInfo | None) -> int:
    if info is None:
        return 0
    from urllib.parse import urlsplit

    return urlsplit(info.url).port or 0
